"""Benchmark: 32 concurrent clients each inserting one validated document per mutation — albertplus (group
commit) vs a minimal Starlette + sqlite3 endpoint committing one insert per request.

usage: .venv/bin/python benchmarks/http_write.py [--seconds 10] [--concurrency 32]
Prints JSON; target: albertplus ≥ 1.0× the baseline's requests/s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from harness import albertplus_server, baseline_server, cleanup, load, machine, prepare_project, workdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    opts = parser.parse_args()
    work = workdir()
    try:
        project = prepare_project("catalog", work)
        sys.path.insert(0, os.path.dirname(__file__))
        import baseline_app

        baseline_app.DB_PATH = str(work / "baseline.sqlite3")
        baseline_app.populate(0)
        results = {}
        with albertplus_server(project) as server:
            load(server.url, "write", opts.concurrency, 2)
            results["albertplus"] = load(server.url, "write", opts.concurrency, opts.seconds)
        with baseline_server(work / "baseline.sqlite3") as url:
            load(url, "write", opts.concurrency, 2)
            results["baseline"] = load(url, "write", opts.concurrency, opts.seconds)
        ratio = results["albertplus"]["rps"] / results["baseline"]["rps"]
        print(json.dumps({"benchmark": "http_write", "machine": machine(), "concurrency": opts.concurrency,
                          **results, "ratio": round(ratio, 3), "target": 1.0}, indent=2))
    finally:
        cleanup(work)


if __name__ == "__main__":
    main()
