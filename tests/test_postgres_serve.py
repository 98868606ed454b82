"""Several `albertplus serve` processes on one PostgreSQL database, driven by the official clients.

Each test gets its own database (tests/storage_backends.py); the servers are real subprocesses on loopback.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from convex import ConvexClient
from convex.http_client import ConvexHttpClient
from protocol_support import next_matching, within
from serve_process import ServeServer
from server_process import ALBERTPLUS, REPO, copy_project
from storage_backends import PostgresDatabases

from albertplus_cli.database import Database, DatabaseReader

MESSAGES = REPO / "tests" / "projects" / "messages"
LEDGER = REPO / "tests" / "projects" / "ledger"


@pytest.fixture
def servers() -> Iterator[list[ServeServer]]:
    started: list[ServeServer] = []
    yield started
    for server in started:
        server.stop()


def start(servers: list[ServeServer], project: Path, url: str, name: str, *args: str) -> ServeServer:
    server = ServeServer(project, url, *args, log_name=f"{name}.log").start(timeout=120)
    servers.append(server)
    return server


def mutation(url: str, path: str, args: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{url}/api/mutation", json={"path": path, "args": args, "format": "json"}, timeout=60)


def test_a_subscription_on_one_process_sees_a_mutation_through_the_other(
    tmp_path: Path, postgres_databases: PostgresDatabases, servers: list[ServeServer]
) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    url = postgres_databases.create()
    a = start(servers, project, url, "a")
    b = start(servers, project, url, "b")
    watcher = ConvexClient(a.url)
    updates = iter(watcher.subscribe("messages:list", {"author": "cross"}))
    assert next_matching(updates, lambda v: v == [], 20, "first result") == []
    writer = ConvexHttpClient(b.url)
    with within(20, "the mutation through process B"):
        sent = writer.mutation("messages:send", {"author": "cross", "body": "via B"})
    value = next_matching(updates, lambda v: len(v) == 1, 20, "process A's update after B's mutation")
    assert value[0]["_id"] == sent and value[0]["body"] == "via B"
    # and the other way round: a write through A reaches a query on B
    with within(20, "the mutation through process A"):
        watcher.mutation("messages:send", {"author": "cross", "body": "via A"})
    assert [m["body"] for m in ConvexHttpClient(b.url).query("messages:list", {"author": "cross"})] == \
        ["via B", "via A"]
    # A second identical query is a cache hit, answered on a worker thread: on PostgreSQL even a hit asks the
    # server for its newest commit, which must never block the event loop (so no protocol fast path here).
    assert len(ConvexHttpClient(b.url).query("messages:list", {"author": "cross"})) == 2
    stats = httpx.get(f"{b.url}/api/albertplus/stats", headers={"authorization": f"Convex {b.admin_key}"},
                      timeout=30).json()
    assert stats["queryCache"]["hits"] >= 1 and stats["httpFastPathAnswers"] == 0


def test_concurrent_writes_through_both_processes_lose_nothing_and_one_key_wins(
    tmp_path: Path, postgres_databases: PostgresDatabases, servers: list[ServeServer]
) -> None:
    project = copy_project(LEDGER, tmp_path / "ledger")
    url = postgres_databases.create()
    a = start(servers, project, url, "a")
    b = start(servers, project, url, "b")
    per_client = 30

    def client(n: int) -> list[int]:
        target = (a, b)[n % 2].url
        acknowledged = []
        for seq in range(per_client):
            response = mutation(target, "writes:logWrite", {"clientId": f"c{n}", "seq": seq})
            assert response.status_code == 200, response.text
            acknowledged.append(seq)
            # the raced key: every client increments the same counter, created by whichever insert wins
            response = mutation(target, "counters:increment", {"name": "shared"})
            assert response.status_code == 200, response.text
        return acknowledged

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(client, range(8)))
    for n, acknowledged in enumerate(results):
        for server in (a, b):
            stored = httpx.post(f"{server.url}/api/query", json={
                "path": "writes:seqs", "args": {"clientId": f"c{n}", "after": -1}, "format": "json"}).json()
            assert stored["value"] == acknowledged
    assert httpx.post(f"{a.url}/api/query", json={"path": "counters:get", "args": {"name": "shared"},
                                                  "format": "json"}).json()["value"] == 8 * per_client
    db = Database(url)
    try:
        rows = db.read(lambda tx: DatabaseReader(tx).query("counters").collect())[0]
    finally:
        db.close()
    assert [row["name"] for row in rows] == ["shared"]  # exactly one insert won the race


def test_sigkill_of_one_process_under_load_loses_no_acknowledged_write(
    tmp_path: Path, postgres_databases: PostgresDatabases, servers: list[ServeServer]
) -> None:
    project = copy_project(LEDGER, tmp_path / "ledger")
    url = postgres_databases.create()
    a = start(servers, project, url, "a")
    b = start(servers, project, url, "b")
    acknowledged: dict[str, list[int]] = {}
    stop = threading.Event()

    def writer(name: str, target: str) -> None:
        seq = 0
        acknowledged[name] = []
        while not stop.is_set():
            try:
                response = mutation(target, "writes:logWrite", {"clientId": name, "seq": seq})
            except httpx.HTTPError:
                response = None
            if response is not None and response.status_code == 200:
                acknowledged[name].append(seq)
            elif target == a.url:
                time.sleep(0.05)  # A is gone: its clients keep trying, as a load balancer's would
            seq += 1

    threads = [threading.Thread(target=writer, args=(f"{side}{i}", server.url))
               for side, server in (("a", a), ("b", b)) for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    a.kill()
    b_before = sum(len(acknowledged[f"b{i}"]) for i in range(3))
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(len(acknowledged[f"b{i}"]) for i in range(3)) > b_before, "process B stopped serving"
    assert sum(len(acknowledged[f"a{i}"]) for i in range(3)) > 0
    restarted = start(servers, project, url, "a2")
    for name, seqs in acknowledged.items():
        stored = httpx.post(f"{restarted.url}/api/query", json={
            "path": "writes:seqs", "args": {"clientId": name, "after": -1}, "format": "json"}).json()["value"]
        assert set(seqs) <= set(stored), name  # every acknowledged write is there
        assert stored == sorted(set(stored))


def test_a_database_url_with_an_unknown_scheme_is_a_usage_error(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    done = subprocess.run([ALBERTPLUS, "serve", "--dir", str(project), "--database", "mysql://root@db/app"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown scheme 'mysql'" in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_an_unreachable_server_is_a_one_line_error(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    done = subprocess.run([ALBERTPLUS, "serve", "--dir", str(project), "--database",
                           "postgresql://postgres@127.0.0.1:1/app"], capture_output=True, text=True, timeout=60,
                          env={"COLUMNS": "300", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.startswith("error: cannot open PostgreSQL database app on 127.0.0.1:1")
    assert "Connection refused" in done.stderr
