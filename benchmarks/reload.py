"""Benchmark: hot reload — save-to-new-code-serving, and adding an index to a 100,000-document table.

Why: `albertplus dev` should feel like `npx convex dev`: a save is live before you switch to the browser
(target: p50 < 300 ms), and a schema change on a large table takes seconds, not minutes.

1. Reload. Starts `albertplus dev --watch` on a copy of this repository's AlbertPlus project (or the messages
   test project when the port is not there yet), then saves one function module `--saves` times, each time
   changing what a probe query returns, and measures from the write to the first HTTP answer carrying the
   new value (polled every 5 ms on a keep-alive connection) and to the update of a live PyPI ConvexClient
   subscription. The server's own push time (load + schema push + swap) is reported beside them.
2. Backfill. Builds a project whose table holds `--docs` documents (written in-process, before the server
   starts), starts the server, adds two indexes in schema.py and reads the push time the server reports.

    .venv/bin/python benchmarks/reload.py [--saves 20] [--docs 100000] [--skip-backfill]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from server_process import DevServer, copy_project  # noqa: E402

TARGET_P50_MS = 300.0
PROBE = '''

@_bench_query(args={})
def reloadBenchProbe(ctx, args):
    return VALUE
'''


SUBSCRIBER = """
import sys, time
from convex import ConvexClient
for value in ConvexClient(sys.argv[1]).subscribe(sys.argv[2], {}):
    print(f"{value:.0f} {time.time()}", flush=True)
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def pick_project(workdir: Path) -> tuple[Path, str, str]:
    """(project, module file to edit, name of the project)."""
    albertplus = [p for p in (REPO / "functions").glob("*.py") if p.name not in ("auth.config.py", "http.py")]
    if albertplus:
        project = copy_project(REPO, workdir / "albertplus")
        target = "courses.py" if (project / "functions" / "courses.py").exists() else sorted(
            p.name for p in albertplus)[0]
        return project, target, "albertplus"
    project = copy_project(REPO / "tests" / "projects" / "messages", workdir / "messages")
    return project, "messages.py", "messages"


def ensure_query_import(source: str) -> str:
    return source + "\n\nfrom albertplus_cli.server import query as _bench_query  # noqa: E402\n"


def stats(server: DevServer) -> dict[str, Any]:
    return httpx.get(f"{server.url}/api/albertplus/stats", headers={"Authorization": f"Convex {server.admin_key}"},
                     timeout=10).json()


def bench_reload(saves: int, workdir: Path) -> dict[str, Any]:
    project, module, name = pick_project(workdir)
    path = project / "functions" / module
    original = ensure_query_import(path.read_text())
    probe_path = f"{module[:-3]}:reloadBenchProbe"
    path.write_text(original + PROBE.replace("VALUE", "0"))
    http_ms: list[float] = []
    subscription_ms: list[float] = []
    push_ms: list[float] = []
    started_wall: dict[int, float] = {}
    with DevServer(project, watch=True, quiet=True) as server:
        server.wait_for_output("Watching", timeout=60)
        # The PyPI client holds the GIL while it waits, so the live subscription runs in its own process and
        # stamps each value with the wall clock.
        watcher = subprocess.Popen([sys.executable, "-c", SUBSCRIBER, server.url, probe_path],
                                   stdout=subprocess.PIPE, text=True)
        assert watcher.stdout is not None
        watcher.stdout.readline()  # the first value: subscribed
        with httpx.Client(timeout=10) as client:
            for n in range(1, saves + 1):
                time.sleep(0.25)  # an editor's save cadence is far slower; let the last push settle
                started, wall = time.perf_counter(), time.time()
                path.write_text(original + PROBE.replace("VALUE", str(n)))
                deadline = started + 10
                while time.perf_counter() < deadline:
                    body = client.post(f"{server.url}/api/query", json={"path": probe_path, "args": {},
                                                                         "format": "json"}).json()
                    if body.get("value") == n:
                        http_ms.append((time.perf_counter() - started) * 1000)
                        break
                    time.sleep(0.005)
                else:
                    raise RuntimeError(f"save {n} was not serving after 10 s:\n{server.output()[-3000:]}")
                started_wall[n] = wall
        time.sleep(0.5)
        watcher.terminate()
        out, _ = watcher.communicate(timeout=10)
        counted: set[int] = set()
        for line in out.splitlines():
            value, _, stamp = line.partition(" ")
            if value.isdigit() and int(value) in started_wall and int(value) not in counted:
                counted.add(int(value))
                subscription_ms.append((float(stamp) - started_wall[int(value)]) * 1000)
        pushes = [p for p in stats(server).get("pushes", []) if p.get("ok")]
        push_ms = [p["seconds"] * 1000 for p in pushes]
        functions = stats(server)["functions"]
    return {
        "project": name,
        "module": module,
        "functions": functions,
        "saves": saves,
        "save_to_serving_ms": {"p50": round(statistics.median(http_ms), 1), "p90": round(percentile(http_ms, 90), 1),
                               "max": round(max(http_ms), 1)},
        "save_to_subscription_ms": ({"p50": round(statistics.median(subscription_ms), 1),
                                     "p90": round(percentile(subscription_ms, 90), 1), "n": len(subscription_ms)}
                                    if subscription_ms else None),
        "server_push_ms_last10": {"p50": round(statistics.median(push_ms), 1) if push_ms else None},
        "target_p50_ms": TARGET_P50_MS,
        "meets_target": statistics.median(http_ms) < TARGET_P50_MS,
    }


BACKFILL_SCHEMA = '''from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "items": define_table({
        "name": v.string(),
        "n": v.number(),
        "group": v.union(v.literal("a"), v.literal("b"), v.literal("c")),
        "meta": v.object({"source": v.string(), "rank": v.number()}),
    })INDEXES,
})
'''


def bench_backfill(docs: int, workdir: Path) -> dict[str, Any]:
    from albertplus_cli.engine import Engine

    project = workdir / "backfill"
    (project / "functions").mkdir(parents=True)
    (project / "functions" / "items.py").write_text(
        "from albertplus_cli.server import query\nfrom albertplus_cli.values import v\n\n\n"
        '@query(args={"n": v.number()})\ndef byN(ctx, args):\n'
        '    return ctx.db.query("items").with_index("by_n", lambda r: r.eq("n", args["n"])).take(5)\n')
    schema = project / "schema.py"
    schema.write_text(BACKFILL_SCHEMA.replace("INDEXES", ""))
    started = time.perf_counter()
    engine = Engine(project)
    batch = 5000
    for start in range(0, docs, batch):
        def insert(tx: Any, start: int = start) -> None:
            for i in range(start, min(docs, start + batch)):
                tx.insert("items", {"name": f"item {i:06d}", "n": i % 997, "group": "abc"[i % 3],
                                    "meta": {"source": "bench", "rank": i}})
        engine.db.write(insert)
    engine.close()
    load_seconds = time.perf_counter() - started
    with DevServer(project, watch=True, quiet=True) as server:
        server.wait_for_output("Watching", timeout=120)
        before = len(stats(server).get("pushes", []))
        saved = time.perf_counter()
        schema.write_text(BACKFILL_SCHEMA.replace(
            "INDEXES", '.index("by_n", ["n"]).index("by_group_rank", ["group", "meta.rank"])'))
        server.wait_for_output("+ index items.by_group_rank", timeout=300)
        wall = time.perf_counter() - saved
        push = stats(server)["pushes"][before:]
        answer = httpx.post(f"{server.url}/api/query", json={"path": "items:byN", "args": {"n": 5},
                                                             "format": "json"}, timeout=30).json()
        output = server.output()
    return {
        "documents": docs,
        "indexes_added": 2,
        "insert_seconds": round(load_seconds, 2),
        "push_seconds": round(push[-1]["seconds"], 2) if push else None,
        "save_to_pushed_seconds": round(wall, 2),
        "index_usable": answer.get("status") == "success" and len(answer.get("value", [])) == 5,
        "progress_bar_shown": "Backfilling items.by_n" in output,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--skip-backfill", action="store_true")
    args = parser.parse_args()
    import os

    report: dict[str, Any] = {"benchmark": "reload", "machine": {"cores": os.cpu_count(),
                                                                 "python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory(prefix="albertplus-reload-") as tmp:
        report["reload"] = bench_reload(args.saves, Path(tmp))
        if not args.skip_backfill:
            report["backfill"] = bench_backfill(args.docs, Path(tmp))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
