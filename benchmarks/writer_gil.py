"""Benchmark: what the group-commit writer loses to GIL contention, and what committing on the loop saves.

3,200 inserts in batches of 32 while the submitting thread stays busy with Python work (as the event loop is
while it serves requests): handed to the writer thread (whose every SQLite call releases the GIL, which it then
waits to win back from the busy thread) vs committed inline on the submitting thread (what `dev` does when the
writer is idle). Prints JSON: wall µs per mutation from a batch's submission to its last acknowledgement.

usage: .venv/bin/python benchmarks/writer_gil.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import time

from harness import cleanup, load_average, machine, prepare_project, workdir

BATCHES, BATCH = 100, 32


def _busy() -> int:
    total = 0
    for i in range(200):
        total += i * i
    return total


def _run(engine, inline: bool, tag: str) -> float:  # type: ignore[no-untyped-def]
    from albertplus_cli.auth import ANONYMOUS

    done: list[object] = []
    start = time.perf_counter()
    for b in range(BATCHES):
        n = len(done)
        with engine.db.batched(inline=inline):
            for i in range(BATCH):
                engine.executor.submit_mutation_with_callback(
                    "courses:insertCourse",
                    {"code": f"{tag}{b}-{i}", "program": "W", "title": "t", "credits": 4, "description": "x"},
                    ANONYMOUS, done.append)
        while len(done) < n + BATCH:
            _busy()  # the loop goes on serving other work meanwhile
    return (time.perf_counter() - start) * 1e6 / (BATCHES * BATCH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    from albertplus_cli.engine import Engine

    work = workdir()
    try:
        engine = Engine(prepare_project("catalog", work))
        try:
            _run(engine, False, "warm")
            thread = [_run(engine, False, f"t{r}") for r in range(opts.rounds)]
            inline = [_run(engine, True, f"i{r}") for r in range(opts.rounds)]
        finally:
            engine.close()
        print(json.dumps({"benchmark": "writer_gil", "machine": machine(),
                          "writer_thread_us_per_mutation": [round(x) for x in thread],
                          "inline_us_per_mutation": [round(x) for x in inline],
                          "load_average_at_end": load_average()}, indent=2))
    finally:
        cleanup(work)


if __name__ == "__main__":
    main()
