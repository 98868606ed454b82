"""Which running server a client-side command talks to, and admin requests to it.

`--url` or `ALBERTPLUS_URL` name a server: when it does not answer, that is an error, never a silent fallback
(CONTRACT §6). Without either, the `albertplus dev` recorded in the project's `.albertplus/server.json` is
used when it answers; otherwise there is no server and commands that can work on the database do so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import typer

from albertplus_cli.cli.common import admin_key_for, fail

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


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/instance_name", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def find_server(project_dir: Path, url: str | None) -> Server | None:
    """The server to use: a named one (which must answer), else the project's running `dev`, else None."""
    named = url or os.environ.get("ALBERTPLUS_URL")
    if named:
        named = named.rstrip("/")
        if not _answers(named):
            source = "--url" if url else "ALBERTPLUS_URL"
            raise fail(f"no albertplus server answers at {named} ({source}); start `albertplus dev`, or fix the URL")
        return Server(named, admin_key_for(project_dir))
    server_file = project_dir / ".albertplus" / "server.json"
    try:
        recorded = str(json.loads(server_file.read_text())["url"]).rstrip("/")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _answers(recorded):
        return None
    return Server(recorded, admin_key_for(project_dir))


def require_server(project_dir: Path, url: str | None, command: str) -> Server:
    server = find_server(project_dir, url)
    if server is None:
        raise fail(f"`albertplus {command}` needs a running server, and none is running for {project_dir}: "
                   "start `albertplus dev` (or pass --url)")
    return server
