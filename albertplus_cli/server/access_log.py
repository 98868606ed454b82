"""Access logs for `albertplus serve`: one line per HTTP request or WebSocket session, as text or JSON.

An ASGI wrapper, so it sees exactly what the client saw (status, bytes, duration) without touching the routes.
Lines go to the real stdout, pre-formatted (a log shipper reads JSON lines; an operator reads text).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TextIO

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
LOG_FORMATS = ("text", "json")


class AccessLog:
    """Wraps an ASGI app; writes one line per request when it finishes."""

    def __init__(self, app: ASGIApp, log_format: str, port_name: str, out: TextIO | None = None) -> None:
        if log_format not in LOG_FORMATS:
            raise ValueError(f"--log-format must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")
        self.app = app
        self.json = log_format == "json"
        self.port_name = port_name
        self.out = out or sys.__stdout__ or sys.stdout
        self.pid = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state = {"status": 0, "bytes": 0}

        async def send_wrapper(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                state["status"] = int(message["status"])
            elif kind == "http.response.body":
                state["bytes"] += len(message.get("body", b""))
            elif kind == "websocket.accept":
                state["status"] = 101
            elif kind == "websocket.close" and not state["status"]:
                state["status"] = 403
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except BaseException:
            state["status"] = state["status"] or 500
            raise
        finally:
            self._write(scope, state["status"], state["bytes"], time.perf_counter() - start)

    def _write(self, scope: Scope, status: int, size: int, seconds: float) -> None:
        method = scope.get("method", "WS")
        path = scope.get("path", "")
        client = scope.get("client") or ("", 0)
        if self.json:
            line = orjson.dumps({
                "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "pid": self.pid,
                "port": self.port_name, "client": client[0], "method": method, "path": path,
                "status": status, "bytes": size, "ms": round(seconds * 1000, 3),
            }).decode()
        else:
            printable = path if path.isprintable() else repr(path)[1:-1]
            line = (f"{dt.datetime.now().strftime('%H:%M:%S.%f')[:-3]} {client[0]} {method} {printable} "
                    f"{status} {size}B {seconds * 1000:.1f}ms")
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except (OSError, ValueError):
            pass  # a closed stdout must never fail a request
