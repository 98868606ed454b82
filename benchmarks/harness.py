"""Shared benchmark plumbing: start our server and the baseline, drive them with the Node load generator.

Benchmarks are scripts, not tests: each starts real servers on loopback, runs the same workload against
albertplus and a minimal baseline in the same run, and prints JSON (ratios survive noisy machines).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "tests"))

from server_process import DevServer, copy_project, free_port  # noqa: E402


def machine() -> dict[str, Any]:
    return {"cores": os.cpu_count(), "python": sys.version.split()[0]}


def prepare_project(name: str, workdir: Path) -> Path:
    return copy_project(BENCH / "projects" / name, workdir / name)


@contextmanager
def albertplus_server(project: Path) -> Iterator[DevServer]:
    with DevServer(project, quiet=True) as server:
        yield server


@contextmanager
def baseline_server(db_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "BASELINE_DB": str(db_path), "PYTHONPATH": str(BENCH)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "baseline_app:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log", "--backlog", "4096"],
        cwd=BENCH, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                httpx.post(f"{url}/api/query", json={"args": [{"code": "x"}]}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def load(url: str, mode: str, concurrency: int, seconds: float) -> dict[str, Any]:
    out = subprocess.run(["node", str(BENCH / "load.mjs"), url, mode, str(concurrency), str(seconds)],
                         capture_output=True, text=True, check=True, timeout=seconds + 120)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="albertplus-bench-"))


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
