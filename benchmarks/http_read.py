"""Benchmark (cache-hostile read): 32 keep-alive clients, each request a random course by code (with its
prerequisites) among 10,000 — albertplus vs the minimal baseline (plain ASGI + sqlite3 on the loop), same run.

usage: .venv/bin/python benchmarks/http_read.py [--seconds 10] [--concurrency 32] [--serve-workers N]
Prints JSON; target: albertplus ≥ 0.5× the baseline's requests/s.
"""

from http_bench import COURSES, main

if __name__ == "__main__":
    main("http_read", "read", 0.5, COURSES, __doc__)
