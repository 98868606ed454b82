"""Benchmark: the HTTP read and write workloads on SQLite and on PostgreSQL, with 1 and 2 `serve` processes, in
one run; and the cross-process invalidation latency (a subscription on one process, mutations through another).

usage: .venv/bin/python benchmarks/storage_backends.py [--seconds 10] [--concurrency 32] [--samples 50]
PostgreSQL: ALBERTPLUS_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/); a fresh database is
made for the run and dropped after. Prints JSON; target: invalidation p50 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from harness import REPO, cleanup, load, machine, prepare_project, workdir
from psycopg import sql
from serve_process import ServeServer
from server_process import copy_project

COURSES = 10_000
POSTGRES = os.environ.get("ALBERTPLUS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"albertplus_bench_{secrets.token_hex(4)}"
    admin = psycopg.connect(psycopg.conninfo.make_conninfo(POSTGRES, dbname="postgres"), autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(POSTGRES)
    try:
        yield (f"postgresql://{info.get('user') or 'postgres'}@{info.get('host') or '127.0.0.1'}:"
               f"{info.get('port') or 5432}/{name}")
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def populate(project: Path, database: str) -> None:
    from albertplus_cli.auth import ADMIN
    from albertplus_cli.database_url import parse_database_url
    from albertplus_cli.engine import Engine

    engine = Engine(project, parse_database_url(database))
    try:
        for start in range(0, COURSES, 2500):
            outcome = engine.executor.run_mutation("courses:populate", {"start": start, "count": 2500}, ADMIN,
                                                   public_only=False)
            assert outcome.ok, outcome.error_message
    finally:
        engine.close()


def workloads(project: Path, database: str, workers: int, opts: argparse.Namespace) -> dict[str, Any]:
    server = ServeServer(project, database, "--workers", str(workers), log_name=f"serve-{workers}.log",
                         env={"ALBERTPLUS_MUTATION_TIMEOUT": "60"})
    with server.start(timeout=180):
        out = {}
        for mode in ("read", "write"):
            load(server.url, mode, opts.concurrency, 2)  # warm-up
            out[mode] = load(server.url, mode, opts.concurrency, opts.seconds)
        return out


def invalidation_latency(work: Path, database: str, samples: int) -> dict[str, Any]:
    """ms from sending a mutation to process B until process A's subscriber has the new result."""
    from convex import ConvexClient

    project = copy_project(REPO / "tests" / "projects" / "messages", work / f"messages-{secrets.token_hex(3)}")
    with ServeServer(project, database, log_name="a.log").start(timeout=180) as a, \
            ServeServer(project, database, log_name="b.log").start(timeout=180) as b:
        updates = iter(ConvexClient(a.url).subscribe("messages:list", {"author": "latency"}))
        next(updates)
        client = httpx.Client()
        latencies = []
        for i in range(samples):
            started = time.perf_counter()
            response = client.post(f"{b.url}/api/mutation", json={
                "path": "messages:send", "args": {"author": "latency", "body": str(i)}, "format": "json"})
            assert response.json()["status"] == "success", response.text
            while len(next(updates)) < i + 1:
                pass
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)
        latencies.sort()
        return {"samples": samples, "p50_ms": round(statistics.median(latencies), 1),
                "p90_ms": round(latencies[int(0.9 * (samples - 1))], 1), "max_ms": round(latencies[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--samples", type=int, default=50)
    opts = parser.parse_args()
    os.environ.setdefault("ALBERTPLUS_MUTATION_TIMEOUT", "60")
    work = workdir()
    results: dict[str, Any] = {}
    try:
        with postgres_database() as pg_url:
            backends = {"sqlite": str(work / "bench.sqlite3"), "postgres": pg_url}
            for backend, database in backends.items():
                project = prepare_project("catalog", work / backend)
                populate(project, database)
                for workers in (1, 2):
                    results[f"{backend}_{workers}_process{'es' if workers > 1 else ''}"] = \
                        workloads(project, database, workers, opts)
            results["invalidation_across_processes"] = {
                backend: invalidation_latency(work, database.replace("bench.sqlite3", "latency.sqlite3"),
                                              opts.samples)
                for backend, database in backends.items()
            }
        print(json.dumps({"benchmark": "storage_backends", "machine": machine(), "concurrency": opts.concurrency,
                          "seconds": opts.seconds, "courses": COURSES, **results,
                          "target": {"invalidation_p50_ms": 100}}, indent=2))
    finally:
        cleanup(work)


if __name__ == "__main__":
    main()
