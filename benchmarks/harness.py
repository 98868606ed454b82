"""Shared benchmark plumbing: start our server and the baseline, drive them with wrk (`load.lua`).

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

from serve_process import ServeServer  # noqa: E402
from server_process import DevServer, copy_project, free_port  # noqa: E402


def machine() -> dict[str, Any]:
    return {"cores": os.cpu_count(), "python": sys.version.split()[0]}


def prepare_project(name: str, workdir: Path) -> Path:
    return copy_project(BENCH / "projects" / name, workdir / name)


@contextmanager
def albertplus_server(project: Path, serve_workers: int | None = None) -> Iterator[DevServer]:
    """`albertplus dev --quiet`; with `serve_workers`, `albertplus serve --workers N` on the project's SQLite file
    (serve has no watcher, no codegen and no per-call lines to switch off)."""
    server: DevServer = DevServer(project, quiet=True)
    if serve_workers is not None:
        database = str(project / ".albertplus" / "data.sqlite3")
        server = ServeServer(project, database, "--workers", str(serve_workers))
    with server:
        yield server


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants (from /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
        stats[int(entry.name)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        fields = stats.get(current)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
        todo.extend(children.get(current, []))
    return total / ticks


def measured_load(url: str, pid: int, mode: str, concurrency: int, seconds: float) -> dict[str, Any]:
    """A warm-up, then the timed load; adds the server's CPU µs per request."""
    load(url, mode, concurrency, 2)
    before = cpu_seconds(pid)
    result = load(url, mode, concurrency, seconds)
    used = cpu_seconds(pid) - before
    result["cpu_us_per_request"] = round(used * 1e6 / max(result["requests"], 1), 1)
    result["server_cpu_seconds"] = round(used, 2)
    return result


def load_average() -> list[float]:
    """The machine's 1/5/15-minute load average when the run ended (other work skews the figures)."""
    return [round(x, 2) for x in os.getloadavg()]


@contextmanager
def baseline_server(db_path: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "BASELINE_DB": str(db_path), "PYTHONPATH": str(BENCH)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "baseline_app:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log", "--backlog", "4096", "--loop", "uvloop", "--http", "httptools"],
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
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk() -> str:
    """The load generator: wrk, a C program using a few percent of a core, so that on this 2-core machine the
    server under test, not the client, is what a figure measures (Node's fetch capped both servers at
    ~1,200 req/s and made every ratio look closer to 1 than it is). Installed with apt-get when missing."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("benchmarks: installing wrk (the HTTP load generator)", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("The HTTP benchmarks need wrk: install it (Debian/Ubuntu: apt-get install wrk)")
    return found


def load(url: str, mode: str, concurrency: int, seconds: float) -> dict[str, Any]:
    """`concurrency` keep-alive connections on one wrk thread for `seconds`; every answer is checked."""
    out = subprocess.run([wrk(), "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
                          "-s", str(BENCH / "load.lua"), url, "--", mode],
                         capture_output=True, text=True, check=True, timeout=seconds + 120)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="albertplus-bench-"))


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
