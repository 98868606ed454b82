"""uvicorn's httptools protocol with a fast path: a query-cache hit answered in the parser's callback.

uvicorn runs every request as an asyncio task that talks ASGI: a task, an event, a dict per message and one
`transport.write` (one `send` system call) for the head and another for the body. For a query-cache hit that
plumbing cost more CPU than the answer (a py-spy profile of the hot-read benchmark put ~30% of the server's
samples in the two writes alone). This protocol holds back the task of a request that may be a hit — a
keep-alive HTTP/1.1 `POST /api/query` with nothing else in flight on the connection — until its body is
complete, asks `CachedQueries` for the answer, and writes head and body with one write. Anything that is not a
hit starts the held task exactly as uvicorn would have, with the body already received, so every other request
and every error goes the ordinary way.
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar, cast

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

from albertplus_cli.server.cached_queries import PATH, CachedQueries
from albertplus_cli.server.function_calls import json_headers
from albertplus_cli.server.header_limit import HeaderLimitedHttpToolsProtocol
from albertplus_cli.server.one_write import OneWriteTransport

log = logging.getLogger(__name__)

# A body larger than this is not held back: the ordinary path reads it with its own limit (413).
MAX_HELD_BODY = 64 * 1024
_PATH = PATH.encode()


class FastPathProtocol(HeaderLimitedHttpToolsProtocol):
    """Holds back the ASGI task of a possible cache hit until its body is in; answers a hit with one write."""

    cached: ClassVar[CachedQueries]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hold_next = False  # set while uvicorn's on_headers_complete creates a cycle we may answer
        self._held: tuple[RequestResponseCycle, Any] | None = None

    def on_headers_complete(self) -> None:
        # An earlier response on this connection arms the keep-alive timer; a request pipelined behind it in
        # the same chunk must not be cut off by it while held.
        self._unset_keepalive_if_required()
        previous = self.cycle
        self._hold_next = self._may_be_a_hit(previous)
        try:
            super().on_headers_complete()
        finally:
            self._hold_next = False
        if self.cycle is not previous and not self.expect_100_continue:
            # Every answer that does go through the ASGI app: head and body in one write (one_write.py).
            self.cycle.transport = OneWriteTransport(self.transport, self.loop)  # type: ignore[assignment]

    def _may_be_a_hit(self, previous: RequestResponseCycle | None) -> bool:
        return (self.url == _PATH and self.parser.get_method() == b"POST"
                and self.parser.get_http_version() == "1.1" and self.parser.should_keep_alive()
                and not self.expect_100_continue and not self.flow.write_paused
                and (previous is None or previous.response_complete))

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        if self._hold_next:
            self._held = (cycle, app)
            return
        super()._start_asgi_task(cycle, app)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        if self._held is not None and len(self._held[0].body) > MAX_HELD_BODY:
            held, self._held = self._held, None
            self._start_held(held)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        held, self._held = self._held, None
        if held is None:
            return
        cycle, app = held
        if self.transport.is_closing() or cycle.response_complete:
            return
        started = time.perf_counter()
        scope = cast("dict[str, Any]", cycle.scope)  # uvicorn's HTTPScope TypedDict, read as a plain mapping
        try:
            payload = self.cached.answer(scope, bytes(cycle.body))
        except Exception:  # noqa: BLE001 - a bug here must not cost the request: the ordinary path answers it
            log.exception("the cached-query fast path failed; answering through the ordinary path")
            payload = None
        if payload is None:
            self._start_held(held)
            return
        self._write_answer(cycle, payload)
        if self.cached.on_answered is not None:
            try:
                self.cached.on_answered(scope, 200, len(payload), time.perf_counter() - started)
            except Exception:  # noqa: BLE001 - raised into the parser, it would become a 400 after our 200
                log.exception("recording a request answered on the fast path failed")

    def _start_held(self, held: tuple[RequestResponseCycle, Any]) -> None:
        """Start a held request's task as uvicorn would have (its body is already in the cycle)."""
        HttpToolsProtocol._start_asgi_task(self, *held)

    def _write_answer(self, cycle: RequestResponseCycle, payload: bytes) -> None:
        has_origin = any(name == b"origin" for name, _value in cycle.scope["headers"])
        head = [STATUS_LINE[200]]
        for name, value in (*self.server_state.default_headers, *json_headers(len(payload), cors=has_origin)):
            head += (name, b": ", value, b"\r\n")
        head += (b"\r\n", payload)
        self.transport.write(b"".join(head))
        cycle.response_started = cycle.response_complete = True
        self.on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._held = None  # the client went away mid-body: nobody to answer
        super().connection_lost(exc)


def http_protocol(cached: CachedQueries | None) -> type[HttpToolsProtocol]:
    """The protocol class for uvicorn's `http=`: with the fast path when `cached` is given."""
    if cached is None:
        return HeaderLimitedHttpToolsProtocol
    return type("FastPathProtocol", (FastPathProtocol,), {"cached": cached})
