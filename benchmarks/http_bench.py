"""The three HTTP benchmarks' common run: albertplus and the baseline on the same data, the same load, one run.

Each script (`http_hot_read.py`, `http_read.py`, `http_write.py`) calls `main` with its workload. The output is
one JSON object: per server req/s, p50/p99 latency, CPU µs per request (the server process tree's user+system
time from /proc, divided by the requests served), the ratio to the baseline, and the load average at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from harness import (
    albertplus_server,
    baseline_server,
    cleanup,
    load_average,
    machine,
    measured_load,
    prepare_project,
    workdir,
)

COURSES = 10_000


def populate_albertplus(project: Path, courses: int) -> None:
    from albertplus_cli.auth import ADMIN
    from albertplus_cli.engine import Engine

    engine = Engine(project)
    try:
        for start in range(0, courses, 2500):
            outcome = engine.executor.run_mutation("courses:populate", {"start": start,
                                                                        "count": min(2500, courses - start)},
                                                   ADMIN, public_only=False)
            assert outcome.ok, outcome.error_message
    finally:
        engine.close()


def _query_cache(url: str, admin_key: str) -> Any:
    """The server's query-cache counters after the run (warm-up included), from the admin stats answer."""
    import httpx

    stats = httpx.get(f"{url}/api/albertplus/stats", headers={"authorization": f"Convex {admin_key}"}, timeout=10)
    return stats.json().get("queryCache")


def main(name: str, mode: str, target: float, courses: int, doc: str) -> None:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--serve-workers", type=int, default=None,
                        help="benchmark `albertplus serve --workers N` instead of `albertplus dev`")
    opts = parser.parse_args()
    os.environ.setdefault("ALBERTPLUS_MUTATION_TIMEOUT", "60")
    work = workdir()
    try:
        project = prepare_project("catalog", work)
        if courses:
            populate_albertplus(project, courses)
        sys.path.insert(0, os.path.dirname(__file__))
        import baseline_app

        baseline_app.DB_PATH = str(work / "baseline.sqlite3")
        baseline_app.populate(courses)
        results: dict[str, Any] = {}
        label = "albertplus" if opts.serve_workers is None else f"albertplus_serve_{opts.serve_workers}"
        with albertplus_server(project, opts.serve_workers) as server:
            assert server.process is not None
            results[label] = measured_load(server.url, server.process.pid, mode, opts.concurrency, opts.seconds)
            results[label]["query_cache"] = _query_cache(server.url, server.admin_key)
        with baseline_server(work / "baseline.sqlite3") as (url, pid):
            results["baseline"] = measured_load(url, pid, mode, opts.concurrency, opts.seconds)
        ratio = results[label]["rps"] / results["baseline"]["rps"]
        print(json.dumps({"benchmark": name, "machine": machine(), "concurrency": opts.concurrency,
                          "courses": courses, **results, "ratio": round(ratio, 3), "target": target,
                          "load_average_at_end": load_average()}, indent=2))
    finally:
        cleanup(work)
