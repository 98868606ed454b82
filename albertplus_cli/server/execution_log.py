"""Recent function executions in a ring buffer, and the admin routes that read it (the dashboard's log stream).

An executor listener appends every finished execution (queries, reactive re-runs, mutations, actions; not the
dashboard's own `_system/...` calls) with a sequence number; paths, log lines and errors are handed out with their
control characters escaped, since every reader prints them to a terminal. Readers poll with the last number
they saw:

- `GET /api/albertplus/logs?after=N&limit=M` (admin) → `{"entries": [...], "cursor": last N, "oldest": first N kept}`;
  an entry is `{id, time (unix s), path, kind, ok, durationMs, logLines, error}`.
- `GET /api/stream_function_logs?cursor=N` (admin), the shape `npx convex logs` reads:
  `{"entries": [{identifier, udfType, timestamp, logLines, kind: "Completion", error?, executionTime}], "newCursor"}`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from albertplus_cli.auth import AuthenticationError
from albertplus_cli.backend import Backend
from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.server.http_errors import unauthorized
from albertplus_cli.server.json_response import json_response
from albertplus_cli.terminal_text import safe_line, safe_text

CAPACITY = 2000
MAX_PAGE = 1000


_Record = tuple[int, float, str, str, bool, float, list[str], "str | None"]


class ExecutionLog:
    """A thread-safe ring buffer of finished executions (listeners run on the loop, worker and writer threads).

    Recording keeps a plain tuple (it runs once per function call, on the acknowledgement path); the entry
    dicts are built only when a reader asks."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._entries: deque[_Record] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._next = 1

    def record(self, outcome: Outcome) -> None:
        error = None if outcome.ok else (outcome.error_message or "error")
        with self._lock:
            self._entries.append((self._next, time.time(), outcome.path, outcome.kind, outcome.ok, outcome.duration,
                                  outcome.log_lines, error))
            self._next += 1

    def after(self, cursor: int, limit: int = MAX_PAGE) -> tuple[list[dict[str, Any]], int, int]:
        """Entries with an id above `cursor` (oldest first, at most `limit`), the new cursor, the oldest id kept."""
        with self._lock:
            records = [r for r in self._entries if r[0] > cursor][:limit]
            oldest = self._entries[0][0] if self._entries else self._next
            last = self._next - 1
        entries: list[dict[str, Any]] = [
            {"id": rid, "time": at, "path": safe_line(path), "kind": kind, "ok": ok,
             "durationMs": round(duration * 1000, 3), "logLines": [safe_text(line) for line in lines],
             "error": None if error is None else safe_text(error)}
            for rid, at, path, kind, ok, duration, lines, error in records
        ]
        # A cursor past the end (the server restarted) comes back as the last id, so the reader catches up.
        new_cursor = records[-1][0] if records else min(max(cursor, 0), last)
        return entries, new_cursor, oldest


def _int_param(request: Request, name: str, default: int) -> int:
    try:
        return int(request.query_params.get(name, default))
    except ValueError:
        return default


def execution_log_routes(backend: Backend) -> list[Route]:
    log = ExecutionLog()
    backend.engine.executor.listeners.append(log.record)

    async def _refusal(request: Request) -> Response | None:
        """None for an admin; else the 401/400 answer."""
        try:
            identity = await backend.in_thread(
                backend.identity, request.headers.get("authorization"), request.query_params.get("adminKey")
            )
        except AuthenticationError as e:
            return unauthorized(e).response()
        if not identity.is_admin:
            return json_response({"code": "Unauthenticated", "message": "Logs need the admin key"}, 401)
        return None

    async def logs(request: Request) -> Response:
        if (refused := await _refusal(request)) is not None:
            return refused
        limit = max(1, min(_int_param(request, "limit", MAX_PAGE), MAX_PAGE))
        entries, cursor, oldest = log.after(_int_param(request, "after", 0), limit)
        return json_response({"entries": entries, "cursor": cursor, "oldest": oldest})

    async def stream_function_logs(request: Request) -> Response:
        if (refused := await _refusal(request)) is not None:
            return refused
        entries, cursor, _oldest = log.after(_int_param(request, "cursor", 0))
        out = []
        for e in entries:
            item: dict[str, Any] = {
                "identifier": e["path"],
                "udfType": e["kind"].capitalize(),
                "timestamp": e["time"],
                "logLines": e["logLines"],
                "kind": "Completion",
                "executionTime": e["durationMs"] / 1000,
            }
            if e["error"] is not None:
                item["error"] = e["error"]
            out.append(item)
        return json_response({"entries": out, "newCursor": cursor})

    return [
        Route("/api/albertplus/logs", logs, methods=["GET"]),
        Route("/api/stream_function_logs", stream_function_logs, methods=["GET"]),
    ]
