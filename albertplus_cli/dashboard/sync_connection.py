"""A small asyncio client of the sync protocol: admin-authenticated live query subscriptions.

The dashboard runs in Textual's event loop, so it speaks the protocol itself over `websockets` instead of the
PyPI client (which blocks a thread per call). One connection holds any number of subscriptions; each gets its
result whenever the server pushes a Transition that updates it. On a dropped socket it reconnects with backoff
and re-subscribes everything (versions restart at 0 on every socket, spec/convex-protocol.md §2.5).

When the admin key is the project's own (`proof_state_dir` set), every connection, first or re-, starts by
having the listener prove it is the project's running `albertplus dev` (server/instance_proof.py, with the
secret re-read from server.json: a restarted `dev` draws a new one). A program that took the port of a dead
server fails the proof and never receives the key; the connection keeps retrying with backoff meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from albertplus_cli.values.json_formats import InvalidValueError, decode, encode

CLIENT_ID = "albertplus-dashboard-0.1.0"
MAX_BACKOFF = 5.0


@dataclass
class QueryResult:
    """One pushed result of a subscription: a value, or an error message (and ConvexError data)."""

    ok: bool
    value: Any = None
    error: str | None = None
    error_data: Any = None
    log_lines: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Subscription:
    path: str
    args: dict[str, Any]
    callback: Callable[[QueryResult], None]
    query_id: int = -1
    latest: QueryResult | None = None
    active: bool = True
    owner: SyncConnection | None = None


# ("connecting" | "connected" | "disconnected" | "auth" | "unproven", detail)
StatusCallback = Callable[[str, str | None], None]


def ws_url(url: str) -> str:
    base = url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://"):] + "/api/sync"
    if base.startswith("http://"):
        return "ws://" + base[len("http://"):] + "/api/sync"
    return base + "/api/sync"


class SyncConnection:
    """Subscriptions over one socket, authenticated with the admin key (optionally acting as a user)."""

    def __init__(self, url: str, admin_key: str, acting_as: Mapping[str, Any] | None = None,
                 on_status: StatusCallback | None = None, proof_state_dir: Path | None = None) -> None:
        self.url = url
        self.admin_key = admin_key
        # The project's `.albertplus/` when admin_key is the project's own key: it is then only sent to a
        # listener that proves itself, on every (re)connection. None: a key the user gave, sent where they said.
        self.proof_state_dir = proof_state_dir
        self.acting_as = dict(acting_as) if acting_as is not None else None
        self.on_status = on_status
        self.session_id = str(uuid.uuid4())
        self.status = "connecting"
        self.detail: str | None = None
        self.transitions = 0
        self._subs: dict[int, Subscription] = {}
        self._next_query_id = 0
        self._ws: ClientConnection | None = None
        self._query_set_version = 0
        self._pending_add: list[Subscription] = []
        self._pending_remove: list[int] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connection_count = 0
        self._last_close = "InitialConnect"

    # -- public API --------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="albertplus-dashboard-sync")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()

    def subscribe(self, path: str, args: Mapping[str, Any] | None, callback: Callable[[QueryResult], None]
                  ) -> Subscription:
        sub = Subscription(path, dict(args or {}), callback, self._next_query_id, owner=self)
        self._next_query_id += 1
        self._subs[sub.query_id] = sub
        self._pending_add.append(sub)
        self._changed.set()
        return sub

    def unsubscribe(self, sub: Subscription | None) -> None:
        if sub is None or not sub.active:
            return
        sub.active = False
        if self._subs.pop(sub.query_id, None) is None:
            return
        if sub in self._pending_add:
            self._pending_add.remove(sub)
        else:
            self._pending_remove.append(sub.query_id)
        self._changed.set()

    @property
    def subscription_count(self) -> int:
        return len(self._subs)

    # -- the socket --------------------------------------------------------------------------------

    def _set_status(self, status: str, detail: str | None = None) -> None:
        if (status, detail) == (self.status, self.detail):
            return
        self.status, self.detail = status, detail
        if self.on_status is not None:
            self.on_status(status, detail)

    async def _listener_refusal(self) -> _ServerError | None:
        """None when the admin key may be sent to the listener at the URL; else why not."""
        if self.proof_state_dir is None:
            return None
        from albertplus_cli.server.instance_proof import server_proves_itself_async
        from albertplus_cli.server.server_info import read_server_info

        info = read_server_info(self.proof_state_dir)
        async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0)) as client:
            if info is not None and info.instance_secret is not None and \
                    await server_proves_itself_async(client, self.url, info.instance_secret):
                return None
            try:  # no credentials: only whether anything listens, to tell a stopped server from an impostor
                await client.get(self.url.rstrip("/") + "/instance_name")
            except httpx.TransportError as e:
                return _ServerError(f"nothing answers at {self.url} ({type(e).__name__})")
        return _ServerError(f"the server at {self.url} did not prove it is this project's albertplus dev; not "
                            "sending the admin key", status="unproven")

    async def _run(self) -> None:
        backoff = 0.1
        while True:
            try:
                refusal = await self._listener_refusal()
                if refusal is not None:
                    raise refusal
                async with connect(ws_url(self.url), additional_headers={"Convex-Client": CLIENT_ID},
                                   max_size=None, open_timeout=5, ping_interval=20) as ws:
                    self._ws = ws
                    await self._handshake(ws)
                    self._set_status("connected")
                    backoff = 0.1
                    sender = asyncio.create_task(self._sender(ws))
                    try:
                        await self._receiver(ws)
                    finally:
                        sender.cancel()
                        with contextlib.suppress(asyncio.CancelledError, Exception):
                            await sender
                self._last_close = "ServerClosed"
            except asyncio.CancelledError:
                raise
            except (OSError, WebSocketException, TimeoutError) as e:
                self._last_close = type(e).__name__
                self._set_status("disconnected", str(e) or type(e).__name__)
            except _ServerError as e:
                self._set_status(e.status, str(e))
            finally:
                self._ws = None
            if self.status == "connected":
                self._set_status("disconnected", "connection closed")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            self._connection_count += 1

    async def _send(self, ws: ClientConnection, message: dict[str, Any]) -> None:
        await ws.send(orjson.dumps(message).decode())

    async def _handshake(self, ws: ClientConnection) -> None:
        await self._send(ws, {
            "type": "Connect", "sessionId": self.session_id, "connectionCount": self._connection_count,
            "lastCloseReason": self._last_close, "clientTs": int(time.time() * 1000),
        })
        auth: dict[str, Any] = {"type": "Authenticate", "tokenType": "Admin", "value": self.admin_key,
                                "baseVersion": 0}
        if self.acting_as is not None:
            auth["impersonating"] = self.acting_as
        await self._send(ws, auth)
        # Every live subscription again, on the fresh socket's version 0 -> 1.
        self._pending_add.clear()
        self._pending_remove.clear()
        self._changed.clear()
        self._query_set_version = 1
        await self._send(ws, {"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
                              "modifications": [self._add(sub) for sub in self._subs.values()]})

    @staticmethod
    def _add(sub: Subscription) -> dict[str, Any]:
        return {"type": "Add", "queryId": sub.query_id, "udfPath": sub.path, "args": [encode(sub.args)]}

    async def _sender(self, ws: ClientConnection) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            mods = [{"type": "Remove", "queryId": qid} for qid in self._pending_remove]
            mods += [self._add(sub) for sub in self._pending_add if sub.active]
            self._pending_add.clear()
            self._pending_remove.clear()
            if not mods:
                continue
            base = self._query_set_version
            self._query_set_version += 1
            await self._send(ws, {"type": "ModifyQuerySet", "baseVersion": base,
                                  "newVersion": self._query_set_version, "modifications": mods})

    async def _receiver(self, ws: ClientConnection) -> None:
        async for raw in ws:
            message = orjson.loads(raw)
            kind = message.get("type")
            if kind == "Transition":
                self.transitions += 1
                for mod in message.get("modifications", []):
                    self._apply(mod)
            elif kind == "AuthError":
                raise _ServerError(f"The server refused the admin key: {message.get('error')}", status="auth")
            elif kind == "FatalError":
                raise _ServerError(f"The server closed the connection: {message.get('error')}")

    def _apply(self, mod: dict[str, Any]) -> None:
        sub = self._subs.get(mod.get("queryId", -1))
        if sub is None or not sub.active:
            return
        kind = mod.get("type")
        if kind == "QueryUpdated":
            try:
                result = QueryResult(True, decode(mod.get("value")), log_lines=mod.get("logLines") or [])
            except InvalidValueError as e:
                result = QueryResult(False, error=f"Undecodable result: {e}")
        elif kind == "QueryFailed":
            data = mod.get("errorData")
            try:
                data = decode(data) if data is not None else None
            except InvalidValueError:
                pass
            result = QueryResult(False, error=mod.get("errorMessage") or "error", error_data=data,
                                 log_lines=mod.get("logLines") or [])
        else:
            return
        sub.latest = result
        try:
            sub.callback(result)
        except Exception:  # noqa: BLE001 - a broken view must not kill the connection
            pass


class _ServerError(Exception):
    def __init__(self, message: str, status: str = "disconnected") -> None:
        super().__init__(message)
        self.status = status
