"""Which server a client command (`run`, `dashboard`) talks to, and whether it may send the admin key there.

The rule, in order:

1. A URL the user named (`--url`, else ALBERTPLUS_URL) must answer, or the command fails: it never falls
   back to the database behind the user's back. The admin key sent to it is ALBERTPLUS_ADMIN_KEY when set
   (the user chose both); the project's own key only goes to a named URL that proves it is this project's
   running `albertplus dev` (see `server.instance_proof`).
2. With no URL named: when this project's `albertplus dev` runs (it holds `.albertplus/dev.lock`), the command
   uses the address in `.albertplus/server.json`, once the listener there has proved itself.
3. Otherwise no server is known and none runs: the command works on the project's database directly.

The project's admin key is never sent to an address that did not prove itself, so a stale server.json (a
crashed server whose port someone else took) or the default http://127.0.0.1:3210 cannot collect it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import typer

from albertplus_cli.cli.common import admin_key_for, fail
from albertplus_cli.project import state_dir_for
from albertplus_cli.server.dev_lock import dev_running
from albertplus_cli.server.instance_proof import server_proves_itself
from albertplus_cli.server.server_info import ServerInfo, read_server_info

URL_OPTION = typer.Option(None, "--url", help="The server's URL (default: ALBERTPLUS_URL, else the project's "
                          "running `albertplus dev`).")
CLIENT_ID = "albertplus-cli-0.1.0"


@dataclass
class Server:
    url: str
    admin_key: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Convex {self.admin_key}", "Convex-Client": CLIENT_ID}

    def get(self, path: str, params: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        return self._answer(lambda: httpx.get(f"{self.url}{path}", params=params, headers=self.headers(),
                                              timeout=timeout), path)

    def post(self, path: str, body: Any, timeout: float = 600.0) -> Any:
        return self._answer(lambda: httpx.post(f"{self.url}{path}", json=body, headers=self.headers(),
                                               timeout=timeout), path)

    def _answer(self, send: Any, path: str) -> Any:
        try:
            response = send()
        except httpx.HTTPError as e:
            raise fail(f"could not reach the server at {self.url}: {e}") from None
        try:
            data = response.json()
        except ValueError:
            raise fail(f"{self.url}{path} answered HTTP {response.status_code}, not JSON") from None
        if response.status_code == 401:
            raise fail(f"the server at {self.url} refused the admin key: {data.get('message', '')} "
                       "(pass the right one with ALBERTPLUS_ADMIN_KEY)")
        if response.status_code != 200:
            raise fail(str(data.get("message") or f"HTTP {response.status_code}"))
        return data

    def system_query(self, path: str, args: dict[str, Any]) -> Any:
        """Run an admin-only `_system/...` query through `/api/function`; its value, or exit 1 with its error."""
        data = self.post("/api/function", {"path": path, "args": args, "format": "json"})
        if data.get("status") != "success":
            raise fail(short_error(data.get("errorMessage")))
        return data.get("value")


def short_error(message: str | None) -> str:
    """A server error as a person reads it: `[Request ID: x] Server Error\\nUncaught Error: text` -> `text`.

    (The dashboard has the same helper; importing it from there would load Textual into every command.)"""
    text = message or "error"
    if text.startswith("[Request ID:") and "\n" in text:
        text = text.split("\n", 1)[1]
    for prefix in ("Server Error\n", "Uncaught Error: ", "Uncaught ConvexError: ", "ArgumentValidationError: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


class ServerTargetError(Exception):
    """A named or running server cannot be used (does not answer, or did not prove itself)."""


@dataclass(frozen=True)
class ServerTarget:
    url: str | None  # None: no server; work on the database
    explicit_key: str | None  # ALBERTPLUS_ADMIN_KEY, when the user set it


def named_url(url_flag: str | None) -> tuple[str, str] | None:
    """(url, where it came from) for `--url` or ALBERTPLUS_URL, if either is given."""
    if url_flag:
        return url_flag.rstrip("/"), "--url"
    env = os.environ.get("ALBERTPLUS_URL")
    if env:
        return env.rstrip("/"), "ALBERTPLUS_URL"
    return None


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        return httpx.get(f"{url}/instance_name", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def project_server_proven(project_dir: Path, url: str) -> bool:
    """True when the listener at `url` knows the instance secret of the project's running server (whatever
    name reaches it: localhost, 127.0.0.1, a forwarded port)."""
    info = read_server_info(state_dir_for(project_dir))
    return info is not None and info.instance_secret is not None and server_proves_itself(url, info.instance_secret)


def find_target(project_dir: Path, url_flag: str | None) -> ServerTarget:
    """Where a client command goes (see the module's rule); raises ServerTargetError."""
    explicit_key = os.environ.get("ALBERTPLUS_ADMIN_KEY") or None
    named = named_url(url_flag)
    if named is not None:
        url, source = named
        if not answers(url):
            raise ServerTargetError(f"nothing answers at {url} (from {source}). Start `albertplus dev` there, or "
                                    f"{'drop --url' if source == '--url' else 'unset ALBERTPLUS_URL'} to work on "
                                    "the project's database.")
        if explicit_key is None and not project_server_proven(project_dir, url):
            raise ServerTargetError(
                f"{url} (from {source}) is not this project's running `albertplus dev` (it did not prove it "
                "with the instance secret in .albertplus/server.json), so the project's admin key is not sent "
                "there. To use that server anyway, set ALBERTPLUS_ADMIN_KEY to its admin key.")
        return ServerTarget(url, explicit_key)
    state_dir = state_dir_for(project_dir)
    pid = dev_running(state_dir)
    if pid is None:
        return ServerTarget(None, explicit_key)
    info = read_server_info(state_dir)
    who = f"`albertplus dev` (pid {pid})" if pid else "`albertplus dev`"
    if info is None or (pid and info.pid != pid):
        raise ServerTargetError(f"{who} is running for this project but has not written its address yet "
                                "(it may still be starting); try again once it prints its URL.")
    return ServerTarget(_checked_running(info, who), explicit_key)


def _checked_running(info: ServerInfo, who: str) -> str:
    if not answers(info.url):
        raise ServerTargetError(f"{who} is running for this project but does not answer at {info.url}.")
    if info.instance_secret is None or not server_proves_itself(info.url, info.instance_secret):
        raise ServerTargetError(f"the listener at {info.url} did not prove it is this project's {who}, so the "
                                "admin key is not sent there.")
    return info.url


def find_server(project_dir: Path, url: str | None) -> Server | None:
    """The server to use with its admin key (by `find_target`'s rule), or None to work on the database.

    Exits 1 with the reason when a named or running server cannot be used."""
    try:
        target = find_target(project_dir, url)
    except ServerTargetError as e:
        raise fail(str(e)) from None
    if target.url is None:
        return None
    return Server(target.url, target.explicit_key or admin_key_for(project_dir))


def require_server(project_dir: Path, url: str | None, command: str) -> Server:
    server = find_server(project_dir, url)
    if server is None:
        raise fail(f"`albertplus {command}` needs a running server, and none is running for {project_dir}: "
                   "start `albertplus dev` (or pass --url)")
    return server
