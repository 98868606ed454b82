"""`albertplus serve` on SQLite: the dev key needs --trust-dev-key, JSON access logs, --workers on one port."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serve_process import ServeServer
from server_process import REPO, copy_project

MESSAGES = REPO / "tests" / "projects" / "messages"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(MESSAGES, tmp_path / "messages")


@pytest.fixture
def servers() -> Iterator[list[ServeServer]]:
    started: list[ServeServer] = []
    yield started
    for server in started:
        server.stop()


def whoami(server: ServeServer, token: str) -> httpx.Response:
    return httpx.post(f"{server.url}/api/query", json={"path": "messages:whoami", "args": {}, "format": "json"},
                      headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_the_dev_signing_key_is_trusted_only_with_trust_dev_key(
    project: Path, tmp_path: Path, servers: list[ServeServer]
) -> None:
    database = str(tmp_path / "data.sqlite3")
    plain = ServeServer(project, database, log_name="plain.log").start(timeout=120)
    servers.append(plain)
    refused = whoami(plain, plain.token("mallory"))
    assert refused.status_code == 401, refused.text
    assert refused.json()["code"] == "Unauthenticated"
    plain.stop()
    trusting = ServeServer(project, database, "--trust-dev-key", log_name="trusting.log").start(timeout=120)
    servers.append(trusting)
    accepted = whoami(trusting, trusting.token("dev-user"))
    assert accepted.status_code == 200 and accepted.json()["value"] == "dev-user"
    assert "trusting the dev signing key" in trusting.output()


def test_json_access_logs_one_object_per_request(project: Path, tmp_path: Path, servers: list[ServeServer]) -> None:
    server = ServeServer(project, f"sqlite:///{tmp_path / 'data.sqlite3'}", "--log-format", "json").start(timeout=120)
    servers.append(server)
    for path in ("messages:list", "messages:list", "messages:nope"):  # the second list is a query-cache hit,
        httpx.post(f"{server.url}/api/query", json={"path": path, "args": {}, "format": "json"})  # logged too
    deadline = time.monotonic() + 10  # lines are written in batches, at most 50 ms after the request
    while True:
        lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
        queries = [line for line in lines if line["path"] == "/api/query"]
        if len(queries) >= 3 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert [line["status"] for line in queries[-3:]] == [200, 200, 200]  # Convex answers a function error with 200
    assert queries[-3]["bytes"] == queries[-2]["bytes"]
    assert all(line["method"] == "POST" and line["ms"] >= 0 and line["bytes"] > 0 for line in queries)
    assert "Admin key" not in server.output()  # no dev banner, no secrets


def test_workers_serve_one_port_and_share_the_database(
    project: Path, tmp_path: Path, servers: list[ServeServer]
) -> None:
    server = ServeServer(project, str(tmp_path / "data.sqlite3"), "--workers", "2", "--log-format", "json")
    servers.append(server.start(timeout=120))
    server.wait_for_output("worker", timeout=60)
    pids: set[int] = set()
    for i in range(60):
        # a new connection each time: the kernel spreads connections over the workers' sockets
        response = httpx.post(f"{server.url}/api/mutation", headers={"Connection": "close"},
                              json={"path": "messages:send", "args": {"author": "w", "body": str(i)}})
        assert response.status_code == 200, response.text
    for _ in range(40):
        listed = httpx.post(f"{server.url}/api/query", headers={"Connection": "close"},
                            json={"path": "messages:list", "args": {"author": "w"}, "format": "json"}).json()
        assert sorted(int(m["body"]) for m in listed["value"]) == list(range(60))  # every worker sees every write
    for line in server.output().splitlines():
        if line.startswith("{"):
            pids.add(json.loads(line)["pid"])
    assert len(pids) == 2, pids
