"""`albertplus run`: run one function as admin, through the running server or directly on the database."""

from __future__ import annotations

import base64
import json
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
    err_console,
    fail,
    project_root,
    running_server_url,
)
from albertplus_cli.cli.main import app
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.values.json_formats import ValueError_, decode, encode

RUN_HELP = """Run a function as admin (internal functions too) and print its result as JSON.

Goes through the running `albertplus dev` of the project when there is one (so subscribers see the change
at once), else runs directly on the project's database. Log lines go to stderr.

Examples:

  albertplus run courses:getCourseByCode '{"code": "CSCI-UA 101"}' --identity '{"subject": "user_demo"}'

  albertplus run seed:clearAll

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
    project_dir: Path = PROJECT_OPTION,
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
    except ValueError_ as e:
        raise typer.BadParameter(str(e), param_hint="ARGS_JSON") from None
    url = None if db else running_server_url(root)  # an explicit --database runs here, on that database
    if url is not None:
        ok, value, logs = _run_remote(url, admin_key_for(root), function, args, acting_as)
    else:
        ok, value, logs = _run_local(root, database, function, decoded_args, acting_as)
    for line in logs:
        err_console.print(line, markup=False)
    if not ok:
        raise fail(str(value))
    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _run_remote(url: str, admin_key: str, function: str, args: dict[str, Any],
                acting_as: dict[str, Any] | None) -> tuple[bool, Any, list[str]]:
    header = f"Convex {admin_key}"
    if acting_as is not None:
        header += ":" + base64.b64encode(json.dumps(acting_as).encode()).decode()
    try:
        response = httpx.post(f"{url}/api/function", json={"path": function, "args": args, "format": "json"},
                              headers={"Authorization": header, "Convex-Client": "albertplus-cli-0.1.0"},
                              timeout=600)
    except httpx.HTTPError as e:
        return False, f"could not reach the server at {url}: {e}", []
    body = response.json()
    if response.status_code != 200:
        return False, body.get("message", response.text), []
    logs = body.get("logLines", [])
    if body.get("status") == "success":
        return True, body.get("value"), logs
    message = body.get("errorMessage", "")
    if "errorData" in body:
        message += f"\nerror data: {json.dumps(body['errorData'])}"
    return False, message, logs


def _run_local(root: Path, database: DatabaseUrl, function: str, args: dict[str, Any],
               acting_as: dict[str, Any] | None) -> tuple[bool, Any, list[str]]:
    from albertplus_cli.auth import ADMIN, Identity, normalize_user_attributes
    from albertplus_cli.engine import Engine
    from albertplus_cli.functions.loader import ProjectLoadError
    from albertplus_cli.storage import StorageError

    try:
        engine = Engine(root, database)
    except ProjectLoadError as e:
        return False, f"the project failed to load:\n{e}", []
    except StorageError as e:
        return False, str(e), []
    try:
        who = ADMIN if acting_as is None else Identity("admin", user=normalize_user_attributes(acting_as))
        outcome = engine.executor.run_any(function, args, who, public_only=False)
    finally:
        engine.close()
    if outcome.ok:
        return True, encode(outcome.value, "json"), outcome.log_lines
    message = outcome.error_message or "error"
    if outcome.has_error_data:
        message += f"\nerror data: {json.dumps(encode(outcome.error_data, 'json'))}"
    return False, message, outcome.log_lines
