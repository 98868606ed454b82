"""Benchmark (insert): 32 concurrent clients each inserting one validated document per mutation — albertplus
(group commit) vs the minimal baseline committing one insert per request on its event loop, same run.

usage: .venv/bin/python benchmarks/http_write.py [--seconds 10] [--concurrency 32] [--serve-workers N]
Prints JSON; target: albertplus ≥ 0.5× the baseline's requests/s.
"""

from http_bench import main

if __name__ == "__main__":
    main("http_write", "write", 0.5, 0, __doc__)
