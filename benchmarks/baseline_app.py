"""The baseline the HTTP benchmarks compare against: the fastest minimal server for the same work.

Starlette on uvloop + httptools (the same uvicorn extras albertplus runs on), sqlite3 called directly in the
async handler on the event loop (no thread pool, no hand-off), one connection, WAL with synchronous=NORMAL as
albertplus uses. It serves the benchmark project's requests with the same JSON bodies: a course by code with its
prerequisites, and one insert per request, committed.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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


def _ok(value: object) -> Response:
    return Response(orjson.dumps({"status": "success", "value": value}), media_type="application/json")


async def query(request: Request) -> Response:
    body = orjson.loads(await request.body())
    conn = connection()
    row = conn.execute("SELECT id, creation, code, program, title, credits, description FROM courses "
                       "WHERE code = ?", (body["args"][0]["code"],)).fetchone()
    if row is None:
        return _ok(None)
    prereqs = conn.execute("SELECT type, courses FROM prerequisites WHERE course_id = ?", (row[0],)).fetchall()
    return _ok({"_id": row[0], "_creationTime": row[1], "code": row[2], "program": row[3], "title": row[4],
                "credits": row[5], "description": row[6],
                "prerequisites": [{"type": t, "courses": orjson.loads(c)} for t, c in prereqs]})


async def mutation(request: Request) -> Response:
    args = orjson.loads(await request.body())["args"][0]
    conn = connection()
    doc_id = uuid.uuid4().hex
    conn.execute("BEGIN")
    conn.execute("INSERT INTO courses VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (doc_id, time.time() * 1000, args["code"], args["program"], args["title"], args["credits"],
                  args["description"]))
    conn.execute("COMMIT")
    return _ok(doc_id)


app = Starlette(routes=[Route("/api/query", query, methods=["POST"]),
                        Route("/api/mutation", mutation, methods=["POST"])])
