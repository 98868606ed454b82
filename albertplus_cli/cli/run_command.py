"""`albertplus run`: run one function as admin, through the running server or directly on the database."""

from __future__ import annotations

import base64
import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import typer

from albertplus_cli.cli.common import (
    DATABASE_OPTION,
    PROJECT_OPTION,
    admin_key_for,
    database_url,
    fail,
    project_root,
    require_project,
    say,
)
from albertplus_cli.cli.main import app
from albertplus_cli.cli.server_target import ServerTarget, ServerTargetError, find_target
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.values.json_formats import InvalidValueError, decode, encode

RUN_HELP = """Run a function as admin (internal functions too) and print its result as JSON.

Goes through the running `albertplus dev` of the project when there is one (so subscribers see the change
at once), else runs directly on the project's database. A server named with --url or ALBERTPLUS_URL must
answer (it is an error, never a silent fallback). The project's admin key is only sent to a server that
proves it is the project's running `albertplus dev`; to use another one, set ALBERTPLUS_ADMIN_KEY to its
key. Log lines go to stderr. Functions that need a signed-in user take --identity.

Examples:

  albertplus run courses:getCourseByCode '{"code": "CSCI-UA 101"}' --identity '{"subject": "user_demo"}'

  albertplus run appConfigs:getAppConfig '{"key": "current_term"}' --url http://127.0.0.1:4000

  albertplus run seed:clearAll      # WARNING: deletes every document of every table, user data included

  albertplus run tasks:list --watch        # print again whenever the result changes; Ctrl+C ends

  albertplus run appConfigs:setAppConfig '{"key": "current_term", "value": "fall"}' --identity '{"subject": "a", "is_admin": true}'
"""  # noqa: E501


def _parse_json_option(text: str | None, name: str) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise typer.BadParameter(f"not valid JSON ({e.msg} at position {e.pos})", param_hint=name) from None
    if not isinstance(data, dict):
        raise typer.BadParameter("must be a JSON object", param_hint=name)
    return data


@app.command("run", help=RUN_HELP)
def run_command(
    function: str = typer.Argument(..., help="The function path, e.g. courses:getCourses."),
    args_json: str | None = typer.Argument(None, metavar="[ARGS_JSON]", help="Arguments as a JSON object."),
    identity: str | None = typer.Option(None, "--identity", help="Act as this user: a JSON identity "
                                        "with at least `subject` (other claims like `is_admin` kept)."),
    url: str | None = typer.Option(None, "--url", help="The server to run on (default: ALBERTPLUS_URL, else the "
                                   "project's running `albertplus dev`, else the project's database)."),
    project_dir: Path = PROJECT_OPTION,
    watch: bool = typer.Option(False, "--watch", help="Subscribe to the query and print its result again on "
                               "every change, until Ctrl+C (needs a running server)."),
    db: str | None = DATABASE_OPTION,
) -> None:
    root = project_root(project_dir)
    database = database_url(db, root)
    args = _parse_json_option(args_json, "ARGS_JSON") or {}
    acting_as = _parse_json_option(identity, "--identity")
    if acting_as is not None and not isinstance(acting_as.get("subject"), str):
        raise typer.BadParameter("needs a string `subject`", param_hint="--identity")
    try:
        decoded_args = decode(args)
    except InvalidValueError as e:
        raise typer.BadParameter(str(e), param_hint="ARGS_JSON") from None
    if watch:
        from albertplus_cli.cli.watch_query import watch as watch_query

        return watch_query(root, function, decoded_args, acting_as, url=url)
    try:
        # An explicit --database runs here, on that database; otherwise the server rule picks where.
        target = ServerTarget(None, None) if db else find_target(root, url)
    except ServerTargetError as e:
        raise fail(str(e)) from None
    if target.url is None:
        require_project(root)
    try:
        if target.url is not None:
            key = target.explicit_key or admin_key_for(root)
            result = _run_remote(target.url, key, function, args, acting_as)
        else:
            result = _run_local(root, database, function, decoded_args, acting_as)
    except KeyboardInterrupt:
        where = f"on the server at {target.url}" if target.url else "in this process"
        after = ("it keeps running there; its result and log lines appear in the `albertplus dev` output"
                 if target.url else "it was interrupted; what it committed before stays")
        raise fail(f"stopped waiting for {function} {where}: {after}.", 130) from None
    for line in result.logs:
        say(line, err=True)
    if not result.ok:
        raise fail(_explained(result, function, acting_as))
    typer.echo(orjson.dumps(result.value, option=orjson.OPT_INDENT_2).decode())


@dataclass
class RunResult:
    ok: bool
    value: Any
    logs: list[str] = field(default_factory=list)
    functions: list[str] | None = None  # the deployment's function paths, for "did you mean"


NEEDS_USER = ("not authenticated", "unauthenticated", "not signed in", "admin access required")


def _explained(result: RunResult, function: str, acting_as: dict[str, Any] | None) -> str:
    """The error, plus a hint when it is one the user can fix from the command line."""
    message = str(result.value)
    lowered = message.lower()
    if acting_as is None and any(marker in lowered for marker in NEEDS_USER):
        claims = ', "is_admin": true' if "admin" in lowered else ""
        return (f"{message}\nThis function needs a signed-in user; `run` calls it as admin, with no user. Act as "
                f"one with --identity '{{\"subject\": \"user_demo\"{claims}}}'.")
    if "could not find" in lowered and result.functions:
        name = function.removesuffix(".js").replace(".js:", ":")
        close = difflib.get_close_matches(name, result.functions, n=1, cutoff=0.6)
        if not close:
            by_name = {path.rsplit(":", 1)[-1]: path for path in result.functions}
            close = [by_name[n] for n in difflib.get_close_matches(name.rsplit(":", 1)[-1], by_name, n=1)]
        if close:
            return f"{message}\nDid you mean {close[0]}?"
    return message


def _run_remote(url: str, admin_key: str, function: str, args: dict[str, Any],
                acting_as: dict[str, Any] | None) -> RunResult:
    header = f"Convex {admin_key}"
    if acting_as is not None:
        header += ":" + base64.b64encode(json.dumps(acting_as).encode()).decode()
    body = _post_function(url, header, function, args)
    if isinstance(body, str):
        return RunResult(False, body)
    logs = [str(line) for line in body.get("logLines") or []]
    if body.get("status") == "success":
        return RunResult(True, body.get("value"), logs)
    if body.get("status") != "error":
        return RunResult(False, str(body.get("message") or body))
    message = str(body.get("errorMessage", ""))
    if "errorData" in body:
        message += f"\nerror data: {json.dumps(body['errorData'])}"
    functions = None
    if "could not find" in message.lower():
        listed = _post_function(url, f"Convex {admin_key}", "_system/frontend/functions", {})
        if isinstance(listed, dict) and isinstance(listed.get("value"), list):
            functions = [str(f.get("path")) for f in listed["value"] if isinstance(f, dict)]
    return RunResult(False, message, logs, functions)


def _post_function(url: str, header: str, function: str, args: dict[str, Any]) -> dict[str, Any] | str:
    """The JSON answer of `POST /api/function`, or the one-line reason there is none."""
    try:
        response = httpx.post(f"{url}/api/function", json={"path": function, "args": args, "format": "json"},
                              headers={"Authorization": header, "Convex-Client": "albertplus-cli-0.1.0"},
                              timeout=600)
    except httpx.RemoteProtocolError:
        return (f"the server at {url} closed the connection before answering (did `albertplus dev` stop?); "
                f"{function} may or may not have completed")
    except httpx.HTTPError as e:
        return f"could not reach the server at {url}: {e}"
    try:
        body = response.json()
    except ValueError:
        return f"the server at {url} answered HTTP {response.status_code} with no JSON: {response.text[:200]}"
    if not isinstance(body, dict):
        return f"the server at {url} answered HTTP {response.status_code} with an unexpected body"
    if response.status_code != 200:
        return str(body.get("message") or f"HTTP {response.status_code}")
    return body


def _run_local(root: Path, database: DatabaseUrl, function: str, args: dict[str, Any],
               acting_as: dict[str, Any] | None) -> RunResult:
    from albertplus_cli.auth import ADMIN, DEV_ISSUER, Identity, normalize_user_attributes
    from albertplus_cli.codegen import ensure_bootstrap
    from albertplus_cli.database import SchemaValidationError
    from albertplus_cli.engine import Engine
    from albertplus_cli.functions.loader import ProjectLoadError
    from albertplus_cli.storage import StorageError

    try:
        # The same default issuer as the server gives `--identity` (the dev key's), so both paths act alike.
        user = None if acting_as is None else normalize_user_attributes(acting_as, default_issuer=DEV_ISSUER)
        who = ADMIN if user is None else Identity("admin", user=user)
    except ValueError as e:
        return RunResult(False, f"--identity: {e}")
    try:
        engine = Engine(root, database, before_load=ensure_bootstrap)
    except ProjectLoadError as e:
        return RunResult(False, f"the project failed to load:\n{e}")
    except SchemaValidationError as e:
        return RunResult(False, f"the project's schema does not match its stored data, so its functions "
                         f"cannot run (start `albertplus dev` to see it update live while you fix it):\n{e}")
    except StorageError as e:
        return RunResult(False, str(e))
    try:
        outcome = engine.executor.run_any(function, args, who, public_only=False)
        functions = sorted(engine.project.functions)
    finally:
        engine.close()
    if outcome.ok:
        return RunResult(True, encode(outcome.value, "json"), outcome.log_lines)
    message = outcome.error_message or "error"
    if outcome.has_error_data:
        message += f"\nerror data: {json.dumps(encode(outcome.error_data, 'json'))}"
    return RunResult(False, message, outcome.log_lines, functions)
