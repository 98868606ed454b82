"""Crash safety: SIGKILL a real `albertplus dev` under concurrent writers, restart it, and prove nothing was lost.

    .venv/bin/python reliability/crash.py                        # 20 kills, 16 writers (~3-4 minutes)
    .venv/bin/python reliability/crash.py --kills 50 --writers 16 --seconds 4
    .venv/bin/python reliability/crash.py --with-seed-import     # same, while `albertplus seed --scale 2000`
                                                                 # and `albertplus import` write the same file
    .venv/bin/python reliability/crash.py --database postgresql://postgres@127.0.0.1:5432/crash --server serve
                                                                 # the same on PostgreSQL, killing `serve`

`--database URL` runs on that database instead of the project's SQLite file (a PostgreSQL database must be
empty or not exist yet: it is created; it is left as the run leaves it). `--server serve` kills
`albertplus serve` instead of `albertplus dev`.

What it does:

- starts `albertplus dev` on a copy of tests/projects/ledger (with --with-seed-import: the AlbertPlus project
  plus the ledger's tables and functions, so `seed --scale` has its tables);
- runs N writers, half over HTTP (`POST /api/mutation`, httpx) and half over the sync WebSocket (raw protocol
  frames with `websockets`, like the npm client: one sessionId per writer, in-flight mutations re-sent with the
  same requestId after a reconnect). Each writes unique records `writes:logWrite(clientId, seq)`; about one in
  ten is sent with `fail: true` (the mutation inserts and then throws). Every outcome is recorded: acknowledged,
  failed (an error response), refused (no TCP connection: never sent), unknown (sent, no answer);
- kills the server's process group with SIGKILL at random moments (sometimes right after a restart, while
  clients reconnect and re-send; and now and then a second time while the restarted server is still
  starting), checks the database as the kill left it (SQLite: `PRAGMA integrity_check`; PostgreSQL: every
  index entry and search row has its document and every index one entry per document, see
  reliability/crash_database.py), and restarts on the same ports and database;
- after each restart and at the end checks: every acknowledged record is in the database, exactly once; no
  failed, refused or `fail: true` record is; `/api/query_ts` is not behind the newest ts any client saw
  before the kill, and is above it after a new commit; the first fresh commit after a restart is above every
  ts of the previous run; a subscriber through the npm ConvexClient and one through the PyPI ConvexClient
  (child processes) receive the value of a counter bumped after the restart, by themselves;
- with --with-seed-import, `albertplus seed --scale 2000` runs, then again (it must find nothing to change),
  then with --scale 2500 (adding rows), again, and so on; and `albertplus import` runs batches of JSONL into
  the `imported` table. Both run in their own processes, on the same database, while the server is killed
  (they are not); each import batch must be complete (exit 0) or absent (non-zero exit; every fifth file ends
  with an invalid row on purpose, so that path is exercised too).

It prints progress to stderr and one JSON document to stdout, ending with `"summary"`; the exit status is 0
only when every check passed. tests/test_crash_safety.py runs a short version of this for CI.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import websockets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from serve_process import ServeServer  # noqa: E402
from server_process import ALBERTPLUS, DevServer, copy_project  # noqa: E402

from reliability.crash_database import CrashDatabase  # noqa: E402

LEDGER = REPO / "tests" / "projects" / "ledger"
FAIL_RATE = 0.1
TICK = {"name": "tick"}
SUBSCRIBER_TIMEOUT = 60.0
RESOLVE_TIMEOUT = 60.0  # a sync mutation with no answer this long after the server is up again = a hang


def log(message: str) -> None:
    print(f"[crash] {message}", file=sys.stderr, flush=True)


def ts_to_wire(ts: int) -> str:
    return base64.b64encode(ts.to_bytes(8, "little")).decode()


def ts_from_wire(text: str) -> int:
    return int.from_bytes(base64.b64decode(text), "little")


# -- projects ---------------------------------------------------------------------------------------


def ledger_project(target: Path) -> Path:
    return copy_project(LEDGER, target)


def ledger_with_albertplus(target: Path) -> Path:
    """The AlbertPlus project (schema, functions, seed data) plus the ledger's tables and functions."""
    copy_project(REPO, target, with_seed=True)
    for module in (LEDGER / "functions").glob("*.py"):
        (target / "functions" / module.name).write_text(module.read_text())
    schema = (target / "schema.py").read_text()
    schema += (
        "\n\n# reliability/crash.py: the ledger's tables next to AlbertPlus's\n"
        "import importlib.util as _util\n"
        f"_spec = _util.spec_from_file_location('_ledger_schema', {str(LEDGER / 'schema.py')!r})\n"
        "_ledger = _util.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(_ledger)\n"
        "schema = define_schema({**schema.tables, **_ledger.LEDGER_TABLES})\n"
    )
    (target / "schema.py").write_text(schema)
    return target


# -- what each writer saw ---------------------------------------------------------------------------


@dataclass
class WriterLog:
    client_id: str
    transport: str  # "http" | "ws"
    acked: dict[int, int] = field(default_factory=dict)  # seq -> commit ts (0 over HTTP: no ts in the answer)
    failed: set[int] = field(default_factory=set)  # an error response
    refused: set[int] = field(default_factory=set)  # no connection: never reached the server
    unknown: set[int] = field(default_factory=set)  # sent, no answer
    expect_fail: set[int] = field(default_factory=set)  # sent with fail=true: must never be stored
    unexpected: list[str] = field(default_factory=list)  # e.g. an error other than the requested one
    resent: int = 0  # sync: in-flight mutations re-sent after a reconnect (same sessionId/requestId)
    resent_acked: int = 0
    fatal: list[str] = field(default_factory=list)  # sync: FatalError messages
    # sync acks: (server generation, ts, was re-sent) for the ts checks
    ack_ts: list[tuple[int, int, bool]] = field(default_factory=list)
    max_observed_ts: int = 0


@dataclass
class Shared:
    """State the driver and the writers share (one event loop)."""

    server: DevServer
    generation: int = 0  # bumped after each kill: a connection opened now reaches the next server
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def http_writer(w: WriterLog, shared: Shared, rng: random.Random) -> None:
    url = shared.server.url + "/api/mutation"
    seq = 0
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=2.0)) as client:
        while not shared.stop.is_set():
            seq += 1
            fail = rng.random() < FAIL_RATE
            if fail:
                w.expect_fail.add(seq)
            body = {"path": "writes:logWrite", "args": {"clientId": w.client_id, "seq": seq, "fail": fail}}
            try:
                response = await client.post(url, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                w.refused.add(seq)
                await asyncio.sleep(0.05)
                continue
            except httpx.TimeoutException:
                w.unknown.add(seq)
                w.unexpected.append(f"seq {seq}: no answer in 30 s (a hang?)")
                continue
            except httpx.HTTPError:  # the connection died with the server: it may or may not have committed
                w.unknown.add(seq)
                await asyncio.sleep(0.05)
                continue
            try:
                data = response.json()
            except ValueError:
                data = None
            if response.status_code == 200 and isinstance(data, dict) and data.get("status") == "success":
                w.acked[seq] = 0
                if fail:
                    w.unexpected.append(f"seq {seq} was sent with fail=true and succeeded")
            else:
                w.failed.add(seq)
                code = (data or {}).get("errorData", {}).get("code") if isinstance(data, dict) else None
                if not (fail and code == "REQUESTED_FAILURE"):
                    w.unexpected.append(f"seq {seq}: HTTP {response.status_code} {str(data)[:200]}")


async def ws_writer(w: WriterLog, shared: Shared, rng: random.Random, depth: int = 2) -> None:
    """Raw sync frames: pipelined mutations, re-sent with their requestId after a reconnect (as npm does)."""
    ws_url = shared.server.url.replace("http://", "ws://") + "/api/1.48.0/sync"
    session_id = str(uuid.uuid4())
    connection_count = 0
    last_close = "InitialConnect"
    next_request = 0
    seq = 0
    inflight: dict[int, tuple[int, bool, bool]] = {}  # requestId -> (seq, fail, re-sent)

    def frame(request_id: int) -> str:
        s, fail, _ = inflight[request_id]
        args = {"clientId": w.client_id, "seq": s, "fail": fail}
        return json.dumps({"type": "Mutation", "requestId": request_id, "udfPath": "writes:logWrite",
                           "args": [args]})

    while not (shared.stop.is_set() and not inflight):
        generation = shared.generation
        try:
            async with websockets.connect(ws_url, open_timeout=3, close_timeout=1, ping_interval=None,
                                          max_size=None) as ws:
                connect: dict[str, Any] = {"type": "Connect", "sessionId": session_id,
                                           "connectionCount": connection_count, "lastCloseReason": last_close,
                                           "clientTs": int(time.time() * 1000)}
                if w.max_observed_ts:
                    connect["maxObservedTimestamp"] = ts_to_wire(w.max_observed_ts)
                connection_count += 1
                await ws.send(json.dumps(connect))
                for request_id in sorted(inflight):
                    s, fail, _ = inflight[request_id]
                    inflight[request_id] = (s, fail, True)
                    w.resent += 1
                    await ws.send(frame(request_id))
                while True:
                    while len(inflight) < depth and not shared.stop.is_set():
                        seq += 1
                        fail = rng.random() < FAIL_RATE
                        if fail:
                            w.expect_fail.add(seq)
                        request_id, next_request = next_request, next_request + 1  # before a send that may fail
                        inflight[request_id] = (seq, fail, False)
                        await ws.send(frame(request_id))
                    if not inflight:
                        return
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=RESOLVE_TIMEOUT)
                    except TimeoutError:
                        w.unexpected.append(f"no answer to {len(inflight)} sync mutations in {RESOLVE_TIMEOUT} s "
                                            "on an open socket (a hang?)")
                        last_close = "Timeout"
                        break
                    message = json.loads(raw)
                    kind = message.get("type")
                    if kind == "MutationResponse":
                        entry = inflight.pop(message["requestId"], None)
                        if entry is None:
                            w.unexpected.append(f"a response for unknown request {message['requestId']}")
                            continue
                        s, fail, resent = entry
                        if message["success"]:
                            ts = ts_from_wire(message["ts"])
                            w.acked[s] = ts
                            w.ack_ts.append((generation, ts, resent))
                            w.max_observed_ts = max(w.max_observed_ts, ts)
                            w.resent_acked += resent
                            if fail:
                                w.unexpected.append(f"seq {s} was sent with fail=true and succeeded")
                        else:
                            w.failed.add(s)
                            code = (message.get("errorData") or {}).get("code")
                            if not (fail and code == "REQUESTED_FAILURE"):
                                w.unexpected.append(f"seq {s}: {str(message.get('result'))[:200]}")
                    elif kind == "Transition":
                        w.max_observed_ts = max(w.max_observed_ts, ts_from_wire(message["endVersion"]["ts"]))
                    elif kind == "FatalError":
                        w.fatal.append(message.get("error", ""))
                        last_close = "FatalError"
                        break
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as e:
            last_close = type(e).__name__
        await asyncio.sleep(0.05 + rng.random() * 0.1)
    # anything still in flight here never got an answer
    for s, _fail, _resent in inflight.values():
        w.unknown.add(s)


# -- subscribers ------------------------------------------------------------------------------------


class Subscriber:
    """A child process subscribed to counters:get(tick); its values arrive on a reader thread."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        self.values: list[float] = []
        self.errors: list[str] = []
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        cwd=REPO, start_new_session=True)
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # the npm client logs its reconnects as text
            if not isinstance(event, dict):
                continue
            with self._cond:
                if event.get("event") == "value":
                    self.values.append(float(event["value"]))
                elif event.get("event") == "error":
                    self.errors.append(str(event.get("error")))
                self._cond.notify_all()

    def wait_for(self, at_least: float, timeout: float, since: float) -> float | None:
        """Seconds from `since` (time.monotonic) until a value >= at_least arrived, or None."""
        with self._cond:
            ok = self._cond.wait_for(lambda: bool(self.values) and self.values[-1] >= at_least, timeout)
        return time.monotonic() - since if ok else None

    def monotonic(self) -> bool:
        return all(a <= b for a, b in zip(self.values, self.values[1:], strict=False))

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_subscribers(url: str) -> list[Subscriber]:
    args = json.dumps(TICK)
    return [
        Subscriber("npm", ["node", str(REPO / "reliability" / "subscriber.mjs"), url, "counters:get", args]),
        Subscriber("pypi", [sys.executable, str(REPO / "reliability" / "py_subscriber.py"), url, "counters:get",
                            args]),
    ]


# -- seed and import in their own processes -----------------------------------------------------------


class DataLoaders:
    """`albertplus seed --scale N` (then again: must change nothing) and `albertplus import` batches, looping
    in their own processes until stopped; the server is killed under them, they are not."""

    def __init__(self, project: Path, database: CrashDatabase, scale: int, batch_rows: int) -> None:
        self.project = project
        self.database = database
        self.scale = scale
        self.scale_step = max(1, scale // 4)
        self.last_scale = scale
        self.batch_rows = batch_rows
        self.kill_times: list[float] = []  # time.monotonic() of each kill, from the driver
        self.seed_runs: list[dict[str, Any]] = []
        self.import_runs: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._seed_loop, daemon=True),
                         threading.Thread(target=self._import_loop, daemon=True)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=600)

    def kills_during(self, start: float, seconds: float) -> int:
        return sum(1 for t in self.kill_times if start <= t <= start + seconds)

    def _run(self, *args: str) -> tuple[int, str, float]:
        start = time.monotonic()
        try:
            done = subprocess.run([ALBERTPLUS, *args, "--dir", str(self.project),
                                   "--database", self.database.location], capture_output=True, text=True,
                                  env={**os.environ, "COLUMNS": "200"}, timeout=900)
        except subprocess.TimeoutExpired:
            return -1, f"albertplus {args[0]} did not finish in 900 s (a hang?)", time.monotonic() - start
        return done.returncode, (done.stdout + done.stderr)[-2000:], time.monotonic() - start

    def _seed_loop(self) -> None:
        """`seed --scale N`, then the same again (it must find nothing to change: the first run was complete),
        then a larger N (the synthetic data is prefix-stable, so that only adds rows), and so on."""
        scale = self.scale
        while not self._stop.is_set():
            for kind in ("write", "verify"):
                start = time.monotonic()
                rc, out, seconds = self._run("seed", "--scale", str(scale), "--quiet")
                found = re.search(r"\((\d+) writes\)", out)
                self.seed_runs.append({"kind": kind, "scale": scale, "rc": rc, "seconds": round(seconds, 2),
                                       "writes": int(found.group(1)) if found else 0,
                                       "nothing_to_change": "nothing to change" in out,
                                       "output": out.strip().splitlines()[-1:], "start": start})
                log(f"seed --scale {scale} ({kind}): rc {rc} in {seconds:.1f} s: {out.strip().splitlines()[-1:]}")
                self.last_scale = scale
            scale += self.scale_step

    def _import_loop(self) -> None:
        folder = self.project / "imports"
        folder.mkdir(exist_ok=True)
        batch = 0
        while not self._stop.is_set():
            batch += 1
            path = folder / f"batch{batch}.jsonl"
            rows = [{"batch": batch, "n": i} for i in range(self.batch_rows)]
            bad = batch % 5 == 0  # every fifth file ends with an invalid row: the import must write nothing
            if bad:
                rows[-1]["n"] = "not a number"  # type: ignore[assignment]
            path.write_text("".join(json.dumps(row) + "\n" for row in rows))
            start = time.monotonic()
            rc, out, seconds = self._run("import", str(path), "--table", "imported", "--append")
            self.import_runs.append({"batch": batch, "rc": rc, "seconds": round(seconds, 2), "bad_row": bad,
                                     "output": out.strip().splitlines()[-1:], "start": start})
            self._stop.wait(0.2)

    def final_seed_check(self) -> dict[str, Any]:
        rc, out, seconds = self._run("seed", "--scale", str(self.last_scale), "--quiet")
        return {"rc": rc, "nothing_to_change": "nothing to change" in out, "seconds": round(seconds, 2)}


# -- checks -----------------------------------------------------------------------------------------


def kill_during_startup(server: DevServer, after: float) -> None:
    """Start the server's process and SIGKILL it `after` seconds later, ready or not."""
    with open(server.log_path, "ab") as log_file:
        process = subprocess.Popen(server.args, stdout=log_file, stderr=subprocess.STDOUT, env=server.env,
                                   start_new_session=True)
    time.sleep(after)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


async def call(client: httpx.AsyncClient, url: str, kind: str, path: str, args: dict[str, Any],
               attempts: int = 200) -> Any:
    """A query or mutation that must succeed (retried while the server is starting)."""
    for _ in range(attempts):
        try:
            response = await client.post(f"{url}/api/{kind}", json={"path": path, "args": args})
            data = response.json()
            if data.get("status") == "success":
                return data["value"]
            raise RuntimeError(f"{path}: {data}")
        except (httpx.ConnectError, httpx.ConnectTimeout):
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{path}: the server did not answer")


async def query_ts(client: httpx.AsyncClient, url: str) -> int | None:
    try:
        response = await client.post(f"{url}/api/query_ts", json={})
        return ts_from_wire(response.json()["ts"])
    except (httpx.HTTPError, ValueError, KeyError):
        return None


async def stored_seqs(client: httpx.AsyncClient, url: str, client_id: str) -> list[int]:
    seqs: list[int] = []
    after = 0
    while True:
        page = await call(client, url, "query", "writes:seqs", {"clientId": client_id, "after": after})
        if not page:
            return seqs
        seqs.extend(int(s) for s in page)
        after = int(page[-1])


async def check_writes(client: httpx.AsyncClient, url: str, writers: list[WriterLog]) -> dict[str, Any]:
    """Every acknowledged record stored exactly once; no failed, refused or fail=true record stored."""
    # Snapshot what the clients know *before* reading: anything acknowledged by now is committed.
    known = [(w, dict(w.acked), set(w.failed), set(w.refused), set(w.expect_fail)) for w in writers]
    lost: list[str] = []
    phantom: list[str] = []
    duplicates: list[str] = []
    checked = 0
    for w, acked, failed, refused, expect_fail in known:
        stored = await stored_seqs(client, url, w.client_id)
        present = set(stored)
        if len(present) != len(stored):
            duplicates.append(f"{w.client_id}: {len(stored) - len(present)} duplicate records")
        checked += len(acked)
        lost += [f"{w.client_id}/{s}" for s in acked if s not in present]
        phantom += [f"{w.client_id}/{s}" for s in (failed | refused | expect_fail) & present]
    return {"checked": checked, "lost": lost, "phantom": phantom, "duplicates": duplicates}


# -- the run ----------------------------------------------------------------------------------------


@dataclass
class Config:
    kills: int = 20
    writers: int = 16
    seconds: float = 3.0  # a run lasts a random 0.3..seconds before its kill
    quick_kill_rate: float = 0.2  # kills that come 0..0.3 s after a restart, while clients reconnect
    startup_kill_rate: float = 0.25  # extra kills of a server that is still starting (not counted in `kills`)
    first_start_kills: int = 2  # kills during the project's very first start (not counted in `kills` either)
    with_seed_import: bool = False
    scale: int = 2000
    import_rows: int = 3000
    rng_seed: int | None = None
    workdir: Path | None = None
    subscribers: bool = True
    database: str | None = None  # a URL or path as `--database` takes it; None: the project's SQLite file
    server: str = "dev"  # which command is killed: "dev" or "serve"


def make_server(cfg: Config, project: Path, database: CrashDatabase) -> DevServer:
    """The server command under test, always told its database (never left to ALBERTPLUS_DATABASE_URL)."""
    if cfg.server == "serve":
        return ServeServer(project, database.location)
    return DevServer(project, "--database", database.location, quiet=True)


async def run_async(cfg: Config) -> dict[str, Any]:
    rng_seed = cfg.rng_seed if cfg.rng_seed is not None else random.randrange(1 << 30)
    rng = random.Random(rng_seed)
    workdir = Path(cfg.workdir) if cfg.workdir else Path(tempfile.mkdtemp(prefix="albertplus-crash-"))
    project = (ledger_with_albertplus(workdir / "project") if cfg.with_seed_import
               else ledger_project(workdir / "project"))
    database = CrashDatabase(cfg.database or project / ".albertplus" / "data.sqlite3")
    database.refuse_used()
    log(f"database: {database}, server: albertplus {cfg.server}")
    server = make_server(cfg, project, database)
    first_start_integrity: list[str] = []
    for _ in range(cfg.first_start_kills):
        # A brand-new project killed during its very first start (creating keys, the database, the schema).
        kill_during_startup(server, rng.uniform(0.1, 1.0))
        if database.exists():
            first_start_integrity.append(database.check()[0])
    server.start()
    shared = Shared(server)
    started = time.monotonic()
    failures: list[str] = []
    kills: list[dict[str, Any]] = []
    recoveries: dict[str, list[float]] = {"npm": [], "pypi": []}
    integrity_results: list[str] = list(first_start_integrity)
    ts_ok = True
    startup_kills = cfg.first_start_kills
    ts_checks = 0  # restarts after which /api/query_ts was checked against the ts seen before the kill
    file_ts_at_kill: list[int] = []  # the newest commit in the file after kill k (= end of generation k)

    writers = [WriterLog(f"{'http' if i % 2 == 0 else 'ws'}-{i}", "http" if i % 2 == 0 else "ws")
               for i in range(cfg.writers)]
    tasks = [asyncio.create_task(http_writer(w, shared, random.Random(rng.random())) if w.transport == "http"
                                 else ws_writer(w, shared, random.Random(rng.random())))
             for w in writers]
    subscribers = start_subscribers(server.url) if cfg.subscribers else []
    loaders = DataLoaders(project, database, cfg.scale, cfg.import_rows) if cfg.with_seed_import else None
    if loaders:
        loaders.start()
    client = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=2.0))
    tick = 0

    async def check_subscribers(label: str, since: float) -> None:
        """Bump the counter; each subscriber must get the new value (time measured from `since`)."""
        nonlocal tick
        tick = int(await call(client, server.url, "mutation", "counters:increment", TICK))
        waits = await asyncio.gather(*(asyncio.to_thread(s.wait_for, tick, SUBSCRIBER_TIMEOUT, since)
                                       for s in subscribers))
        for sub, waited in zip(subscribers, waits, strict=True):
            if waited is None:
                failures.append(f"{label}: the {sub.name} subscriber did not receive tick {tick} in "
                                f"{SUBSCRIBER_TIMEOUT} s (last {sub.values[-1:]})")
            else:
                recoveries[sub.name].append(waited)

    try:
        if subscribers:
            await check_subscribers("start", time.monotonic())
        quick = False
        for k in range(cfg.kills):
            await asyncio.sleep(rng.uniform(0.0, 0.3) if quick else rng.uniform(0.3, cfg.seconds))
            before = await query_ts(client, server.url)
            seen_before = max([w.max_observed_ts for w in writers] + [before or 0])
            await asyncio.to_thread(server.kill)
            shared.generation += 1
            killed_at = time.monotonic()
            if loaders:
                loaders.kill_times.append(killed_at)
            result, file_ts = await asyncio.to_thread(database.check)
            integrity_results.append(result)
            if result != "ok":
                failures.append(f"kill {k + 1}: integrity_check: {result}")
            if file_ts < seen_before:
                ts_ok = False
                failures.append(f"kill {k + 1}: the database's newest commit ts {file_ts} is behind ts {seen_before} "
                                "that a client saw (an acknowledged commit was not durable)")
            await asyncio.sleep(rng.uniform(0.0, 0.5))  # down for a moment: writers meet refused connections
            if rng.random() < cfg.startup_kill_rate:
                # Also kill a server while it starts (loading the catalog, pushing the schema, binding ports).
                await asyncio.to_thread(kill_during_startup, server, rng.uniform(0.05, 1.0))
                startup_kills += 1
                result, _ = await asyncio.to_thread(database.check)
                integrity_results.append(result)
                if result != "ok":
                    failures.append(f"kill during start-up {startup_kills}: integrity_check: {result}")
            await asyncio.to_thread(server.start)
            restarted_at = time.monotonic()
            file_ts_at_kill.append(file_ts)
            after = await query_ts(client, server.url)
            if after is None or after < seen_before:
                ts_ok = False
                failures.append(f"kill {k + 1}: /api/query_ts {after} after the restart is behind {seen_before}")
            # A commit after the restart: /api/query_ts must now be strictly above everything seen before.
            await call(client, server.url, "mutation", "counters:increment", {"name": "probe"})
            after_write = await query_ts(client, server.url)
            if after_write is None or after_write <= max(seen_before, after or 0):
                ts_ok = False
                failures.append(f"kill {k + 1}: /api/query_ts {after_write} after a new commit is not above "
                                f"{max(seen_before, after or 0)}")
            ts_checks += 1
            # quick: the next kill comes at once (no checks in between; the next full check covers this run)
            quick = k + 1 < cfg.kills and rng.random() < cfg.quick_kill_rate
            entry: dict[str, Any] = {"kill": k + 1, "down_s": round(time.monotonic() - killed_at, 2),
                                     "quick_next": quick}
            if not quick:
                if subscribers:  # first, so the recovery time is restart -> new value, reconnect included
                    await check_subscribers(f"after kill {k + 1}", restarted_at)
                check = await check_writes(client, server.url, writers)
                entry.update(checked=check["checked"], lost=len(check["lost"]), phantom=len(check["phantom"]))
                for key in ("lost", "phantom", "duplicates"):
                    if check[key]:
                        failures.append(f"after kill {k + 1}: {key}: {check[key][:10]}")
            kills.append(entry)
            log(f"kill {k + 1}/{cfg.kills}: {entry} acked so far "
                f"{sum(len(w.acked) for w in writers)}")
        # Let the last run write a while, then stop the writers; the sync ones wait for every answer.
        await asyncio.sleep(1.0)
        shared.stop.set()
        done, pending = await asyncio.wait(tasks, timeout=RESOLVE_TIMEOUT + 30)
        for task in pending:
            failures.append("a writer did not finish (a hang?)")
            task.cancel()
        for task in done:
            if task.exception() is not None:
                failures.append(f"a writer crashed: {task.exception()!r}")
        if loaders:
            loaders.stop()
        final = await check_writes(client, server.url, writers)
        for key in ("lost", "phantom", "duplicates"):
            if final[key]:
                failures.append(f"final: {key}: {final[key][:10]}")
        if subscribers:
            await check_subscribers("final", time.monotonic())
        loader_report: dict[str, Any] | None = None
        if loaders:
            loader_report = await check_loaders(client, server.url, loaders, failures)
    finally:
        shared.stop.set()
        for task in tasks:
            task.cancel()
        await client.aclose()
        for sub in subscribers:
            sub.close()
        server.stop()
    final_integrity, _ = database.check()
    integrity_results.append(final_integrity)
    if final_integrity != "ok":
        failures.append(f"final integrity_check: {final_integrity}")

    # Commit timestamps across restarts: a fresh commit of generation g is above everything of generation < g.
    ts_by_gen: dict[int, list[int]] = {}
    fresh_by_gen: dict[int, list[int]] = {}
    for w in writers:
        for gen, ts, resent in w.ack_ts:
            ts_by_gen.setdefault(gen, []).append(ts)
            if not resent:
                fresh_by_gen.setdefault(gen, []).append(ts)
    highest = 0
    for gen in sorted(set(ts_by_gen) | set(fresh_by_gen)):
        fresh = fresh_by_gen.get(gen, [])
        if fresh and min(fresh) <= highest:
            ts_ok = False
            failures.append(f"generation {gen}: a fresh commit ts {min(fresh)} is not above {highest} from before")
        highest = max([highest, *ts_by_gen.get(gen, [])])
    for w in writers:
        failures += [f"{w.client_id}: {u}" for u in w.unexpected[:5]]
        failures += [f"{w.client_id}: FatalError {f}" for f in w.fatal[:5]]
    for sub in subscribers:
        if not sub.monotonic():
            failures.append(f"the {sub.name} subscriber saw the counter go backwards")

    # A re-sent mutation answered with a ts from before its generation started had committed before the kill:
    # the (sessionId, requestId) de-duplication replayed its result instead of running it twice.
    replayed = sum(1 for w in writers for gen, ts, resent in w.ack_ts
                   if resent and 0 < gen <= len(file_ts_at_kill) and ts <= file_ts_at_kill[gen - 1])

    http = [w for w in writers if w.transport == "http"]
    ws = [w for w in writers if w.transport == "ws"]

    def totals(group: list[WriterLog]) -> dict[str, int]:
        return {
            "acknowledged": sum(len(w.acked) for w in group),
            "failed_as_requested": sum(len(w.failed & w.expect_fail) for w in group),
            "failed_other": sum(len(w.failed - w.expect_fail) for w in group),
            "refused_never_sent": sum(len(w.refused) for w in group),
            "unknown_no_answer": sum(len(w.unknown) for w in group),
            "resent_after_reconnect": sum(w.resent for w in group),
            "resent_then_acknowledged": sum(w.resent_acked for w in group),
        }

    report: dict[str, Any] = {
        "mode": "with-seed-import" if cfg.with_seed_import else "basic",
        "database": "postgres" if database.is_postgres else "sqlite",
        "server": cfg.server,
        "rng_seed": rng_seed,
        "writers": {"http": len(http), "ws": len(ws)},
        "seconds": round(time.monotonic() - started, 1),
        "kills": kills,
        "http": totals(http),
        "ws": totals(ws),
        "subscriber_recovery_s": {name: {"checks": len(v), "max": round(max(v), 2) if v else None,
                                         "mean": round(sum(v) / len(v), 2) if v else None}
                                  for name, v in recoveries.items() if cfg.subscribers},
        "ws_resent_replayed_by_dedup": replayed,
        "integrity_checks": len(integrity_results),
        "failures": failures,
    }
    if cfg.with_seed_import:
        report["seed_import"] = loader_report
    report["summary"] = {
        "kills_survived": len(kills),
        "kills_during_startup": startup_kills,
        "mutations_acknowledged": final["checked"],
        "mutations_checked": final["checked"] + sum(len(w.failed) + len(w.refused) for w in writers),
        "lost": len(final["lost"]),
        "phantom_failed_writes": len(final["phantom"]),
        "duplicates": len(final["duplicates"]),
        "unknown_outcome": sum(len(w.unknown) for w in writers),
        "integrity_ok": all(r == "ok" for r in integrity_results),
        "ts_monotonic": ts_ok,
        "ts_restart_checks": ts_checks,
        "ts_of_acknowledged_commits_compared": sum(len(v) for v in ts_by_gen.values()),
        "subscribers_recovered": cfg.subscribers and not any("subscriber" in f for f in failures),
        "ok": not failures,
    }
    return report


async def check_loaders(client: httpx.AsyncClient, url: str, loaders: DataLoaders,
                        failures: list[str]) -> dict[str, Any]:
    complete = absent = 0
    for run in loaders.import_runs:
        count = int(await call(client, url, "query", "writes:importedCount", {"batch": run["batch"]}))
        if run["rc"] == 0 and count == loaders.batch_rows and not run["bad_row"]:
            complete += 1
        elif run["rc"] != 0 and count == 0:
            absent += 1
        else:
            failures.append(f"import batch {run['batch']}: exit {run['rc']} but {count} of "
                            f"{loaders.batch_rows} rows stored: {run['output']}")
    for r in loaders.seed_runs:
        if r["rc"] != 0:
            failures.append(f"a seed run failed: {r}")
        elif r["kind"] == "verify" and not r["nothing_to_change"]:
            failures.append(f"seed found something to change right after a complete run at the same scale: {r}")
    writing = [r for r in loaders.seed_runs if r["kind"] == "write" and r["writes"]]
    first_seed = loaders.seed_runs[0] if loaders.seed_runs else None
    final_seed = loaders.final_seed_check()
    if final_seed["rc"] != 0 or not final_seed["nothing_to_change"]:
        failures.append(f"the seeded data is incomplete (seed again changed something): {final_seed}")
    return {
        "seed_runs": len(loaders.seed_runs),
        "seed_runs_ok": sum(1 for r in loaders.seed_runs if r["rc"] == 0),
        "seed_scales": [r["scale"] for r in loaders.seed_runs if r["kind"] == "write"],
        "seed_first_run_s": first_seed["seconds"] if first_seed else None,
        "seed_documents_written": sum(r["writes"] for r in writing),
        "kills_during_seed_runs_that_wrote": sum(loaders.kills_during(r["start"], r["seconds"]) for r in writing),
        "kills_during_seed_runs": sum(loaders.kills_during(r["start"], r["seconds"]) for r in loaders.seed_runs),
        "kills_during_imports": sum(loaders.kills_during(r["start"], r["seconds"]) for r in loaders.import_runs),
        "seed_complete_afterwards": final_seed["rc"] == 0 and final_seed["nothing_to_change"],
        "import_batches": len(loaders.import_runs),
        "import_rows_per_batch": loaders.batch_rows,
        "import_complete": complete,
        "import_cleanly_absent": absent,
        "import_files_with_a_bad_row": sum(1 for r in loaders.import_runs if r["bad_row"]),
    }


def run(cfg: Config) -> dict[str, Any]:
    """One fault run; the temporary project (and its database) is deleted after a clean run, kept otherwise."""
    if cfg.workdir is not None:
        return asyncio.run(run_async(cfg))
    workdir = Path(tempfile.mkdtemp(prefix="albertplus-crash-"))
    report = asyncio.run(run_async(replace(cfg, workdir=workdir)))
    if report["summary"]["ok"]:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        report["kept_workdir"] = str(workdir)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=3.0, help="longest run between kills (random 0.3..S)")
    parser.add_argument("--with-seed-import", action="store_true",
                        help="also run `albertplus seed --scale` and `albertplus import` in other processes")
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--import-rows", type=int, default=3000)
    parser.add_argument("--rng-seed", type=int)
    parser.add_argument("--workdir", type=Path, help="keep the project and database here (default: a temp dir)")
    parser.add_argument("--database", metavar="URL",
                        help="postgresql://... (empty or not yet existing) or a SQLite path; default: the project's "
                             "SQLite file in the work dir")
    parser.add_argument("--server", choices=("dev", "serve"), default="dev", help="the command that is killed")
    ns = parser.parse_args(argv)
    report = run(Config(kills=ns.kills, writers=ns.writers, seconds=ns.seconds,
                        with_seed_import=ns.with_seed_import, scale=ns.scale, import_rows=ns.import_rows,
                        rng_seed=ns.rng_seed, workdir=ns.workdir, database=ns.database, server=ns.server))
    print(json.dumps(report, indent=2))
    return 0 if report["summary"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
