"""The three HTTP benchmarks' common run: albertplus and the baseline on the same data, the same load, one run.

Each script (`http_hot_read.py`, `http_read.py`, `http_write.py`) calls `main` with its workload. Both servers
run side by side and are measured in alternating rounds; the output is one JSON object with every round and,
for the median round: per server req/s, p50/p99 latency, CPU µs per request (the server process tree's user+system
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
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure both servers this many times, alternating which goes first; the median "
                             "round is reported (this machine's speed drifts by 10-20%% between runs)")
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
        label = "albertplus" if opts.serve_workers is None else f"albertplus_serve_{opts.serve_workers}"
        rounds: list[dict[str, Any]] = []
        with albertplus_server(project, opts.serve_workers) as server, \
                baseline_server(work / "baseline.sqlite3") as (url, pid):
            assert server.process is not None
            for number in range(opts.rounds):
                measured: dict[str, Any] = {}
                order = [label, "baseline"] if number % 2 == 0 else ["baseline", label]
                for who in order:
                    target_url, target_pid = (server.url, server.process.pid) if who == label else (url, pid)
                    measured[who] = measured_load(target_url, target_pid, mode, opts.concurrency, opts.seconds)
                measured["ratio"] = round(measured[label]["rps"] / measured["baseline"]["rps"], 3)
                rounds.append(measured)
            cache = _query_cache(server.url, server.admin_key)
        median = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
        print(json.dumps({"benchmark": name, "machine": machine(), "concurrency": opts.concurrency,
                          "courses": courses, label: median[label], "baseline": median["baseline"],
                          "ratio": median["ratio"], "ratios": [r["ratio"] for r in rounds], "target": target,
                          "query_cache": cache, "rounds": rounds, "load_average_at_end": load_average()},
                         indent=2))
    finally:
        cleanup(work)
