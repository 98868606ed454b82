"""Benchmark: reactive fan-out over the sync WebSocket.

1. 1,000 clients subscribed to the same query; one mutation; time until all 1,000 have the new result
   (target p100 < 250 ms on 2 cores).
2. 1,000 clients each subscribed to their own user's query; 1,000 mutations spread over them; each must re-run
   exactly the one affected query (counted by the server), p99 mutation-to-update < 50 ms.

usage: .venv/bin/python benchmarks/fanout.py [--clients 1000]   (needs `scripts/setup` for the `ws` package)
"""

from __future__ import annotations

import argparse
import json
import subprocess

from harness import BENCH, REPO, albertplus_server, cleanup, machine, prepare_project, workdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    opts = parser.parse_args()
    work = workdir()
    try:
        project = prepare_project("fanout", work)
        with albertplus_server(project) as server:
            out = subprocess.run(
                ["node", str(BENCH / "fanout_clients.mjs"), server.url, server.admin_key, str(opts.clients)],
                capture_output=True, text=True, timeout=600, cwd=REPO,
            )
            if out.returncode != 0:
                raise SystemExit(f"fanout clients failed:\n{out.stdout}\n{out.stderr}")
            result = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps({"benchmark": "fanout", "machine": machine(), **result,
                          "targets": {"sameQuery.p100_ms": 250, "ownQueries.p99_ms": 50,
                                      "ownQueries.rerunsPerMutation": 1}}, indent=2))
    finally:
        cleanup(work)


if __name__ == "__main__":
    main()
