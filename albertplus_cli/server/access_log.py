"""Access logs for `albertplus serve`: one line per HTTP request or WebSocket session, as text or JSON.

An ASGI wrapper, so it sees exactly what the client saw (status, bytes, duration) without touching the routes.
Lines go to the real stdout, pre-formatted (a log shipper reads JSON lines; an operator reads text), through a
buffered writer: a write and a flush per request was a system call on every answer (`BufferedLines` writes
what piled up every 50 ms; `flush()` before exiting).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TextIO

import orjson

from albertplus_cli.server.fast_log import BufferedLines

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
        self.lines = BufferedLines(out or sys.__stdout__ or sys.stdout)
        self.pid = os.getpid()
        self._second = -1  # the whole second `_stamp` last formatted, and its text
        self._second_text = ""

    def _stamp(self) -> str:
        """The time with milliseconds; the seconds part is formatted once per second, not once per request."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            moment = dt.datetime.fromtimestamp(second, dt.UTC if self.json else None)
            self._second_text = moment.strftime("%Y-%m-%dT%H:%M:%S" if self.json else "%H:%M:%S")
        millis = min(int((now - second) * 1000), 999)
        return f"{self._second_text}.{millis:03d}+00:00" if self.json else f"{self._second_text}.{millis:03d}"

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
            self.record(scope, state["status"], state["bytes"], time.perf_counter() - start)

    def record(self, scope: Scope, status: int, size: int, seconds: float) -> None:
        """One line; also called for the requests the HTTP fast path answers without the ASGI app."""
        method = scope.get("method", "WS")
        path = scope.get("path", "")
        client = scope.get("client") or ("", 0)
        if self.json:
            line = orjson.dumps({
                "time": self._stamp(), "pid": self.pid,
                "port": self.port_name, "client": client[0], "method": method, "path": path,
                "status": status, "bytes": size, "ms": round(seconds * 1000, 3),
            }).decode()
        else:
            printable = path if path.isprintable() else repr(path)[1:-1]
            line = (f"{self._stamp()} {client[0]} {method} {printable} "
                    f"{status} {size}B {seconds * 1000:.1f}ms")
        self.lines.write(line)  # a closed stdout never fails a request: BufferedLines drops what it cannot write

    def flush(self) -> None:
        self.lines.flush()
