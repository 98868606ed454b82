"""Benchmark: `albertplus seed` of the bundled data (issue 8's bar: < 3 s) and `--scale 10000` (< 30 s).

Why: a developer who clones AlbertPlus gets the catalog on the first `albertplus dev`, and load tests need
50,000 more documents in seconds. Each case runs the real CLI as a subprocess on a fresh copy of the project
and a fresh SQLite file, timed wall-clock from process start to exit (interpreter start-up, project load,
schema push, validation, the chunked writes and the final counts included); then the same command again,
which must change nothing (the idempotent re-run reads every table and compares). Document counts are
checked so a fast wrong seed cannot pass.

    .venv/bin/python benchmarks/seed.py [--scale 10000] [--repeat 1]

Prints one JSON object: per case the seconds (best run), the re-run seconds, documents, target and whether
it is met.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from server_process import ALBERTPLUS, copy_project  # noqa: E402

BUNDLED_DOCUMENTS = 2569


def run_seed(project: Path, *args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([ALBERTPLUS, "seed", "--dir", str(project), "--quiet", *args],
                            capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"albertplus seed {' '.join(args)} failed:\n{result.stderr}")
    return seconds


def documents(project: Path) -> int:
    with sqlite3.connect(project / ".albertplus" / "data.sqlite3") as conn:
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])


def case(name: str, args: list[str], expected: int, target: float, repeat: int) -> dict[str, Any]:
    best, rerun = float("inf"), float("inf")
    count = 0
    for i in range(repeat):
        with tempfile.TemporaryDirectory(prefix="albertplus-seed-bench-") as tmp:
            project = copy_project(REPO, Path(tmp) / f"{name}{i}", with_seed=True)
            best = min(best, run_seed(project, *args))
            count = documents(project)
            rerun = min(rerun, run_seed(project, *args))
            if documents(project) != count:
                raise SystemExit(f"{name}: the re-run changed the number of documents")
    if count != expected:
        raise SystemExit(f"{name}: expected {expected} documents, found {count}")
    return {"seconds": round(best, 3), "rerun_seconds": round(rerun, 3), "documents": count,
            "docs_per_second": round(count / best), "target_seconds": target, "met": best < target}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    results = {
        "bundled": case("bundled", [], BUNDLED_DOCUMENTS, 3.0, options.repeat),
        f"scale_{options.scale}": case("scale", ["--scale", str(options.scale)],
                                       BUNDLED_DOCUMENTS + 5 * options.scale, 30.0, options.repeat),
    }
    print(json.dumps({"benchmark": "seed", "cores": os.cpu_count(), "python": sys.version.split()[0],
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
