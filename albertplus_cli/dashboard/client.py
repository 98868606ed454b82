"""The dashboard's only way to the server: its public APIs, called with the admin key.

- live reads: admin-only `_system/frontend/*` queries (and any user query) subscribed over the sync WebSocket;
- writes and one-shot runs: `POST /api/function` as admin, or acting as a user
  (`Authorization: Convex <key>:<base64 identity JSON>`);
- health: `GET /api/albertplus/stats`; the log stream: `GET /api/albertplus/logs?after=N`, polled.

Everything here is async and runs in Textual's event loop, so the UI never blocks on the network.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from albertplus_cli.dashboard.sync_connection import (
    CLIENT_ID,
    QueryResult,
    StatusCallback,
    Subscription,
    SyncConnection,
)
from albertplus_cli.values.json_formats import InvalidValueError, decode, encode

DEFAULT_URL = "http://127.0.0.1:3210"

SYSTEM = "_system/frontend/"


class ServerUnavailable(Exception):
    """Nothing answers at the URL (no `albertplus dev` running there)."""


class AdminKeyRejected(Exception):
    """The server answered 401: the admin key is not this deployment's."""


@dataclass
class FunctionResult:
    ok: bool
    value: Any = None
    error: str | None = None
    error_data: Any = None
    log_lines: list[str] = field(default_factory=list)


def short_error(message: str | None) -> str:
    """`[Request ID: x] Server Error\\nUncaught Error: text` -> `text` (what a person needs to read)."""
    text = message or "error"
    if text.startswith("[Request ID:"):
        text = text.split("\n", 1)[1] if "\n" in text else text
    for prefix in ("Server Error\n", "Uncaught Error: ", "Uncaught ConvexError: ", "ArgumentValidationError: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def resolve_target(url: str | None, admin_key: str | None, project_dir: Path | None) -> tuple[str, str | None]:
    """The server URL and admin key: flags, then ALBERTPLUS_URL / ALBERTPLUS_ADMIN_KEY, then the project's
    `.albertplus/` (server.json written by a running `albertplus dev`, and admin_key)."""
    state = (project_dir or Path(".")).resolve() / ".albertplus"
    if not url:
        url = os.environ.get("ALBERTPLUS_URL")
    if not url and (state / "server.json").exists():
        try:
            url = str(json.loads((state / "server.json").read_text())["url"])
        except (OSError, ValueError, KeyError, TypeError):
            url = None
    if not admin_key:
        admin_key = os.environ.get("ALBERTPLUS_ADMIN_KEY")
    if not admin_key and (state / "admin_key").exists():
        admin_key = (state / "admin_key").read_text().strip() or None
    return (url or DEFAULT_URL).rstrip("/"), admin_key


def identity_header(admin_key: str, acting_as: Mapping[str, Any] | None) -> str:
    header = f"Convex {admin_key}"
    if acting_as is not None:
        header += ":" + base64.b64encode(json.dumps(dict(acting_as)).encode()).decode()
    return header


class DashboardClient:
    """HTTP calls plus one sync connection per identity (admin, and each user the runner acts as)."""

    def __init__(self, url: str, admin_key: str, on_status: StatusCallback | None = None,
                 proof_state_dir: Path | None = None) -> None:
        self.url = url.rstrip("/")
        self.admin_key = admin_key
        self.on_status = on_status
        # Set when the admin key is the project's own (not one the user gave): it is only sent once the server
        # proves it is the project's running `albertplus dev` (cli/server_target.py has the rule).
        self.proof_state_dir = proof_state_dir
        self._http: httpx.AsyncClient | None = None
        self._connections: dict[str, SyncConnection] = {}

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.url, timeout=httpx.Timeout(30.0, connect=2.0),
                                           headers={"Convex-Client": CLIENT_ID})
        return self._http

    async def close(self) -> None:
        for conn in self._connections.values():
            await conn.close()
        self._connections.clear()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def connection(self, acting_as: Mapping[str, Any] | None = None) -> SyncConnection:
        key = "admin" if acting_as is None else orjson.dumps(dict(acting_as), option=orjson.OPT_SORT_KEYS).decode()
        conn = self._connections.get(key)
        if conn is None:
            conn = SyncConnection(self.url, self.admin_key, acting_as,
                                  on_status=self.on_status if acting_as is None else None,
                                  proof_state_dir=self.proof_state_dir)
            self._connections[key] = conn
            conn.start()
        return conn

    # -- live queries ------------------------------------------------------------------------------

    def subscribe(self, path: str, args: Mapping[str, Any] | None, callback: Callable[[QueryResult], None],
                  acting_as: Mapping[str, Any] | None = None) -> Subscription:
        return self.connection(acting_as).subscribe(path, args, callback)

    def unsubscribe(self, sub: Subscription | None) -> None:
        if sub is not None and sub.owner is not None:
            sub.owner.unsubscribe(sub)

    @property
    def subscription_count(self) -> int:
        return sum(c.subscription_count for c in self._connections.values())

    # -- HTTP --------------------------------------------------------------------------------------

    async def _proven(self) -> bool:
        """Asked before every request that carries the admin key: the server may have died since the last one
        and another program taken its port (server.json is re-read: a restarted `dev` has a new secret)."""
        from albertplus_cli.server.instance_proof import server_proves_itself_async
        from albertplus_cli.server.server_info import read_server_info

        if self.proof_state_dir is None:
            return True
        info = read_server_info(self.proof_state_dir)
        if info is None or info.instance_secret is None:
            return False
        return await server_proves_itself_async(self.http, self.url, info.instance_secret)

    def _unproven(self) -> str:
        return (f"the server at {self.url} did not prove it is this project's albertplus dev; not sending the "
                "admin key (it is only sent to the project's server once it proves itself)")

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        if not await self._proven():
            raise ServerUnavailable(self._unproven())
        try:
            response = await self.http.get(path, params=params,
                                           headers={"Authorization": f"Convex {self.admin_key}"})
        except httpx.TransportError as e:
            raise ServerUnavailable(f"No albertplus server answers at {self.url} ({e.__class__.__name__})") from None
        if response.status_code == 401:
            raise AdminKeyRejected(response.json().get("message", "admin key rejected"))
        if response.status_code == 404:
            raise ServerUnavailable(f"{self.url} answers, but it is not an albertplus server (404 on {path})")
        response.raise_for_status()
        return response.json()

    async def stats(self) -> dict[str, Any]:
        return await self._get("/api/albertplus/stats")

    async def logs(self, after: int) -> dict[str, Any]:
        return await self._get("/api/albertplus/logs", {"after": after})

    async def run_function(self, path: str, args: Mapping[str, Any] | None = None,
                           acting_as: Mapping[str, Any] | None = None) -> FunctionResult:
        """Run any function once (queries, mutations, actions; internal ones too) via `/api/function`."""
        try:
            body = {"path": path, "args": encode(dict(args or {})), "format": "convex_encoded_json"}
        except InvalidValueError as e:
            return FunctionResult(False, error=f"Arguments are not Convex values: {e}")
        if not await self._proven():
            return FunctionResult(False, error=self._unproven())
        try:
            response = await self.http.post(
                "/api/function", content=orjson.dumps(body),
                headers={"Authorization": identity_header(self.admin_key, acting_as),
                         "Content-Type": "application/json"},
            )
        except httpx.TransportError as e:
            return FunctionResult(False, error=f"Could not reach the server at {self.url}: {e}")
        try:
            data = response.json()
        except ValueError:
            return FunctionResult(False, error=f"HTTP {response.status_code}: {response.text[:200]}")
        if response.status_code != 200:
            return FunctionResult(False, error=data.get("message") or f"HTTP {response.status_code}")
        logs = data.get("logLines") or []
        if data.get("status") == "success":
            try:
                return FunctionResult(True, decode(data.get("value")), log_lines=logs)
            except InvalidValueError as e:
                return FunctionResult(False, error=f"Undecodable result: {e}", log_lines=logs)
        error_data = data.get("errorData")
        try:
            error_data = decode(error_data) if error_data is not None else None
        except InvalidValueError:
            pass
        return FunctionResult(False, error=data.get("errorMessage") or "error", error_data=error_data,
                              log_lines=logs)

    async def system(self, name: str, args: Mapping[str, Any] | None = None) -> FunctionResult:
        return await self.run_function(SYSTEM + name, args)
