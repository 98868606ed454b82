"""Benchmark (hot read): 32 keep-alive clients asking for the same course by code (with its prerequisites) again
and again, as a page of the app does, on 10,000 courses — albertplus vs the minimal baseline, same run.

usage: .venv/bin/python benchmarks/http_hot_read.py [--seconds 10] [--concurrency 32] [--serve-workers N]
Prints JSON; target: albertplus ≥ 1.0× the baseline's requests/s (`serve --workers 2`: ≥ 1.5×).
"""

from http_bench import COURSES, main

if __name__ == "__main__":
    main("http_hot_read", "hot", 1.0, COURSES, __doc__)
