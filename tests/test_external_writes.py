"""Writes made outside the running server reach its subscribers within a second, through the commit log:
`albertplus run` from another process (through the server, and directly on the database file), and an
`Engine` opened on the same database in this process."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from convex import ConvexClient
from protocol_support import next_matching, protocol_project, value_of
from server_process import ALBERTPLUS, DevServer

from albertplus_cli.auth import ADMIN
from albertplus_cli.engine import Engine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("external"))) as running:
        yield running


def _run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALBERTPLUS, "run", *args, "--dir", str(project)], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "ALBERTPLUS_URL": ""})


def test_external_writes_reach_a_subscriber_within_a_second(server: DevServer) -> None:
    client = ConvexClient(server.url)
    updates = iter(client.subscribe("messages:list", {"author": "ext"}))
    assert next_matching(updates, lambda v: True, 10, "first result") == []

    # 1. `albertplus run` from another process, while dev runs (it goes through the server)
    done = _run_cli(server.project_dir, "messages:send", json.dumps({"author": "ext", "body": "via run"}))
    finished = time.monotonic()
    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout), str)
    next_matching(updates, lambda v: [d["body"] for d in v] == ["via run"], 5, "the `albertplus run` write")
    assert time.monotonic() - finished < 1.0

    # 2. `albertplus run` straight on the database file (`--database` runs there, not through the server)
    database = server.project_dir / ".albertplus" / "data.sqlite3"
    done = _run_cli(server.project_dir, "messages:internalSend", json.dumps({"author": "ext", "body": "direct"}),
                    "--database", str(database))
    finished = time.monotonic()
    assert done.returncode == 0, done.stderr
    next_matching(updates, lambda v: [d["body"] for d in v] == ["via run", "direct"], 5, "the direct CLI write")
    assert time.monotonic() - finished < 1.0

    # 3. an Engine on the same database, in this process
    engine = Engine(server.project_dir)
    try:
        outcome = engine.executor.run_mutation("messages:send", {"author": "ext", "body": "engine"}, ADMIN,
                                               public_only=False)
        finished = time.monotonic()
        assert outcome.ok, outcome.error_message
    finally:
        engine.close()
    value = next_matching(updates, lambda v: len(v) == 3, 5, "the Engine write")
    assert time.monotonic() - finished < 1.0
    assert [d["body"] for d in value] == ["via run", "direct", "engine"]
    # the server's indexed reads still work after other processes opened the same database
    assert [d["body"] for d in value_of(server, "query", "messages:list", {"author": "ext"})] == [
        "via run", "direct", "engine"]
