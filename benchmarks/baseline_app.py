"""The baseline the HTTP benchmarks compare against: the fastest minimal server for the same work.

A plain ASGI app on uvloop + httptools (the same uvicorn extras albertplus runs on), sqlite3 called directly in
the async handler on the event loop (no thread pool, no hand-off), one connection, WAL with synchronous=NORMAL
as albertplus uses. Not Starlette: its routing, `Request` and `Response` objects cost ~25 µs per request on this
machine (the same work answered 13,400 req/s through Starlette, 20,000 as plain ASGI), and a baseline that pays
for a framework albertplus does not use on this path would flatter every ratio.
It serves the benchmark project's requests with the same JSON bodies: a course by code with its prerequisites,
and one insert per request, committed.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

DB_PATH = os.environ.get("BASELINE_DB", "baseline.sqlite3")
_conn: sqlite3.Connection | None = None

SCHEMA = """
CREATE TABLE IF NOT EXISTS courses(id TEXT PRIMARY KEY, creation REAL, code TEXT, program TEXT, title TEXT,
                                   credits REAL, description TEXT);
CREATE INDEX IF NOT EXISTS courses_by_code ON courses(code);
CREATE TABLE IF NOT EXISTS prerequisites(id TEXT PRIMARY KEY, creation REAL, course_id TEXT, type TEXT,
                                         courses TEXT);
CREATE INDEX IF NOT EXISTS prerequisites_by_course ON prerequisites(course_id);
"""


def connection() -> sqlite3.Connection:
    global _conn
    if _conn is None:
        _conn = sqlite3.connect(DB_PATH, isolation_level=None, check_same_thread=False)
        _conn.execute("PRAGMA journal_mode=WAL")
        _conn.execute("PRAGMA synchronous=NORMAL")
        _conn.execute("PRAGMA busy_timeout=30000")
    return _conn


def populate(n: int) -> None:
    conn = connection()
    conn.executescript(SCHEMA)
    conn.execute("BEGIN")
    for i in range(n):
        course_id = uuid.uuid4().hex
        conn.execute("INSERT INTO courses VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (course_id, time.time() * 1000, f"BENCH-UA {i}", "BENCH-UA", f"Benchmark Course {i}", 4,
                      "A course that exists to be looked up quickly."))
        if i % 3 == 0:
            conn.execute("INSERT INTO prerequisites VALUES (?, ?, ?, ?, ?)",
                         (uuid.uuid4().hex, time.time() * 1000, course_id, "required",
                          orjson.dumps([f"BENCH-UA {i - 1}"]).decode()))
    conn.execute("COMMIT")


async def _body(receive: Receive) -> bytes:
    message = await receive()
    body = message.get("body", b"")
    while message.get("more_body", False):
        message = await receive()
        body += message.get("body", b"")
    return body


async def _answer(send: Send, value: object) -> None:
    body = orjson.dumps({"status": "success", "value": value})
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def query(body: bytes, send: Send) -> None:
    conn = connection()
    row = conn.execute("SELECT id, creation, code, program, title, credits, description FROM courses "
                       "WHERE code = ?", (orjson.loads(body)["args"][0]["code"],)).fetchone()
    if row is None:
        await _answer(send, None)
        return
    prereqs = conn.execute("SELECT type, courses FROM prerequisites WHERE course_id = ?", (row[0],)).fetchall()
    await _answer(send, {"_id": row[0], "_creationTime": row[1], "code": row[2], "program": row[3],
                         "title": row[4], "credits": row[5], "description": row[6],
                         "prerequisites": [{"type": t, "courses": orjson.loads(c)} for t, c in prereqs]})


async def mutation(body: bytes, send: Send) -> None:
    args = orjson.loads(body)["args"][0]
    conn = connection()
    doc_id = uuid.uuid4().hex
    conn.execute("BEGIN")
    conn.execute("INSERT INTO courses VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (doc_id, time.time() * 1000, args["code"], args["program"], args["title"], args["credits"],
                  args["description"]))
    conn.execute("COMMIT")
    await _answer(send, doc_id)


ROUTES = {"/api/query": query, "/api/mutation": mutation}


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """Plain ASGI: one dict lookup routes a request (anything else is 404)."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    handler = ROUTES.get(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
    if handler is None:
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
        return
    await handler(await _body(receive), send)
