"""A query-cache hit answered from the request's bytes, synchronously: what the HTTP fast path calls.

A page of the app asks for the same data again and again, and after the first time the answer is in the query
cache. Through the ASGI path such a hit still pays for a task, the ASGI messages, two writes and the request
bookkeeping: more CPU than finding the answer. `CachedQueries.answer` does only the work the answer needs —
parse the call, resolve the caller without I/O, look the result up — and returns the JSON to send, or None
whenever anything is not plainly a hit (a miss, a malformed request, a JWT not verified before, an admin key in
the query string): the request then goes the ordinary way, which reports every error as before. A hit
answered here and one answered through the ASGI path are the same bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from typing import Any

import orjson

from albertplus_cli.auth import AuthenticationError
from albertplus_cli.backend import Backend
from albertplus_cli.functions.executor import Executor
from albertplus_cli.server.function_calls import parse_call, request_headers
from albertplus_cli.server.http_errors import HttpError
from albertplus_cli.server.http_protocol import udf_response
from albertplus_cli.values.json_formats import Format

Scope = MutableMapping[str, Any]
# (scope, status, response body bytes, seconds): how `serve`'s access log hears of a request answered here.
AnsweredHook = Callable[[Scope, int, int, float], None]

PATH = "/api/query"  # the one endpoint answered here: hits exist only for queries
MAX_REMEMBERED_CALLS = 4096  # distinct request bodies whose parse is kept (bodies are at most MAX_HELD_BODY)


def cached_queries_for(backend: Backend, on_answered: AnsweredHook | None = None) -> CachedQueries | None:
    """The fast path for this backend, or None where a lookup would block the event loop: on PostgreSQL even a
    hit asks the server for its newest commit (a network round trip), so there every call stays on the
    worker threads."""
    if backend.engine.db.store.reads_block:
        return None
    return CachedQueries(backend, on_answered)


class CachedQueries:
    """Answers POST /api/query when the result is a query-cache hit; None sends the request the ordinary way."""

    def __init__(self, backend: Backend, on_answered: AnsweredHook | None = None) -> None:
        self.backend = backend
        self.on_answered = on_answered
        # (content type, Convex-Client, body) -> (format, path, the args as the cache keys them). A page asks
        # with the same bytes again and again: decoding its args and encoding them back into the key was a
        # third of the time a hit took here.
        self._calls: dict[tuple[bytes | None, bytes | None, bytes], tuple[Format, str, bytes]] = {}
        self._iteration_ts: int | None = None  # see _newest_commit

    def answer(self, scope: Scope, body: bytes) -> bytes | None:
        headers = request_headers(scope)
        call = self._parsed(headers, body)
        if call is None:
            return None  # the ordinary path answers it (a malformed call with the same 400)
        fmt, path, encoded_args = call
        authorization = headers.get(b"authorization")
        try:
            identity = self.backend.identity_without_blocking(
                None if authorization is None else authorization.decode("latin-1"))
        except AuthenticationError:
            return None  # the ordinary path answers 401
        if identity is None:
            return None
        outcome = self.backend.engine.executor.cached_query(path, encoded_args, identity,
                                                            public_only=not identity.is_admin,
                                                            snapshot_ts=self._newest_commit())
        if outcome is None:
            return None
        self.backend.fast_path_answers += 1
        return orjson.dumps(udf_response(outcome, fmt))

    def _newest_commit(self) -> int:
        """The newest commit in the file, read once per event-loop iteration.

        Reading it costs one SQLite statement (the cache must see other processes' commits), ~20 µs of a
        loaded server's time, and a busy loop answers dozens of requests per iteration. Sharing one read is
        safe: it is made during the iteration, after the poll that delivered every request answered in it, so a
        commit acknowledged to anyone before such a request was sent is already in the file when it is read.
        The read is forgotten at the end of the iteration (`call_soon` runs right after the I/O callbacks),
        and this process's own commits, known in memory, count at once."""
        ts = self._iteration_ts
        if ts is None:
            ts = self._iteration_ts = self.backend.engine.db.snapshot_ts()
            asyncio.get_running_loop().call_soon(self._forget_iteration_ts)
        return max(ts, self.backend.engine.db.latest_ts)

    def _forget_iteration_ts(self) -> None:
        self._iteration_ts = None

    def _parsed(self, headers: dict[bytes, bytes], body: bytes) -> tuple[Format, str, bytes] | None:
        key = (headers.get(b"content-type"), headers.get(b"convex-client"), body)
        call = self._calls.get(key)
        if call is None:
            try:
                fmt, path, args = parse_call(headers, body)
            except HttpError:
                return None
            encoded_args = Executor.args_key(args)
            if encoded_args is None:
                return None
            if len(self._calls) >= MAX_REMEMBERED_CALLS:
                self._calls.clear()
            call = self._calls[key] = (fmt, path, encoded_args)
        return call
