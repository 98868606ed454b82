"""The minimal baseline the HTTP benchmarks compare against: Starlette + sqlite3, nothing else.

It serves the same two requests as the benchmark project (a course by code with its prerequisites; one
insert per request, committed), with the same JSON bodies, on the same uvicorn settings. Endpoints read the
body on the event loop and call sqlite3 in Starlette's thread pool — the usual way to use a blocking driver.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DB_PATH = os.environ.get("BASELINE_DB", "baseline.sqlite3")
_local = threading.local()

SCHEMA = """
CREATE TABLE IF NOT EXISTS courses(id TEXT PRIMARY KEY, creation REAL, code TEXT, program TEXT, title TEXT,
                                   credits REAL, description TEXT);
CREATE INDEX IF NOT EXISTS courses_by_code ON courses(code);
CREATE TABLE IF NOT EXISTS prerequisites(id TEXT PRIMARY KEY, creation REAL, course_id TEXT, type TEXT,
                                         courses TEXT);
CREATE INDEX IF NOT EXISTS prerequisites_by_course ON prerequisites(course_id);
"""


def connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DB_PATH, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        _local.conn = conn
    return conn


def populate(n: int) -> None:
    conn = connection()
    conn.executescript(SCHEMA)
    with conn:
        for i in range(n):
            course_id = uuid.uuid4().hex
            conn.execute("INSERT INTO courses VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (course_id, time.time() * 1000, f"BENCH-UA {i}", "BENCH-UA", f"Benchmark Course {i}", 4,
                          "A course that exists to be looked up quickly."))
            if i % 3 == 0:
                conn.execute("INSERT INTO prerequisites VALUES (?, ?, ?, ?, ?)",
                             (uuid.uuid4().hex, time.time() * 1000, course_id, "required",
                              json.dumps([f"BENCH-UA {i - 1}"])))


def _ok(value: object) -> Response:
    return Response(json.dumps({"status": "success", "value": value}), media_type="application/json")


def lookup(code: str) -> object:
    conn = connection()
    row = conn.execute("SELECT id, creation, code, program, title, credits, description FROM courses "
                       "WHERE code = ?", (code,)).fetchone()
    if row is None:
        return None
    prereqs = conn.execute("SELECT type, courses FROM prerequisites WHERE course_id = ?", (row[0],)).fetchall()
    return ({"_id": row[0], "_creationTime": row[1], "code": row[2], "program": row[3], "title": row[4],
                "credits": row[5], "description": row[6],
                "prerequisites": [{"type": t, "courses": json.loads(c)} for t, c in prereqs]})


def insert(args: dict[str, object]) -> str:
    conn = connection()
    doc_id = uuid.uuid4().hex
    with conn:
        conn.execute("INSERT INTO courses VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (doc_id, time.time() * 1000, args["code"], args["program"], args["title"], args["credits"],
                      args["description"]))
    return doc_id


async def query(request: Request) -> Response:
    body = await request.json()
    return _ok(await run_in_threadpool(lookup, body["args"][0]["code"]))


async def mutation(request: Request) -> Response:
    body = await request.json()
    return _ok(await run_in_threadpool(insert, body["args"][0]))


app = Starlette(routes=[Route("/api/query", query, methods=["POST"]),
                        Route("/api/mutation", mutation, methods=["POST"])])
