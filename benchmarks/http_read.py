"""Benchmark: 32 concurrent keep-alive clients calling an indexed point lookup (a course by code with its
prerequisites) on a 10,000-course database — albertplus vs a minimal Starlette + sqlite3 endpoint.

usage: .venv/bin/python benchmarks/http_read.py [--seconds 10] [--concurrency 32]
Prints JSON; target: albertplus ≥ 0.8× the baseline's requests/s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from harness import albertplus_server, baseline_server, cleanup, load, machine, prepare_project, workdir

COURSES = 10_000


def populate_albertplus(project) -> None:  # type: ignore[no-untyped-def]
    from albertplus_cli.auth import ADMIN
    from albertplus_cli.engine import Engine

    engine = Engine(project)
    try:
        for start in range(0, COURSES, 2500):
            outcome = engine.executor.run_mutation("courses:populate", {"start": start, "count": 2500}, ADMIN,
                                                   public_only=False)
            assert outcome.ok, outcome.error_message
    finally:
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    opts = parser.parse_args()
    os.environ.setdefault("ALBERTPLUS_MUTATION_TIMEOUT", "60")
    work = workdir()
    try:
        project = prepare_project("catalog", work)
        populate_albertplus(project)
        sys.path.insert(0, os.path.dirname(__file__))
        os.environ["BASELINE_DB"] = str(work / "baseline.sqlite3")
        import baseline_app

        baseline_app.DB_PATH = str(work / "baseline.sqlite3")
        baseline_app.populate(COURSES)
        results = {}
        with albertplus_server(project) as server:
            load(server.url, "read", opts.concurrency, 2)  # warm-up
            results["albertplus"] = load(server.url, "read", opts.concurrency, opts.seconds)
        with baseline_server(work / "baseline.sqlite3") as url:
            load(url, "read", opts.concurrency, 2)
            results["baseline"] = load(url, "read", opts.concurrency, opts.seconds)
        ratio = results["albertplus"]["rps"] / results["baseline"]["rps"]
        print(json.dumps({"benchmark": "http_read", "machine": machine(), "concurrency": opts.concurrency,
                          "courses": COURSES, **results, "ratio": round(ratio, 3), "target": 0.8}, indent=2))
    finally:
        cleanup(work)


if __name__ == "__main__":
    main()
