"""The official npm `ConvexClient` (WebSocket sync over `ws`) against a real `albertplus dev`: onUpdate, mutations
that resolve (also pipelined and unwatched), errors, auth, gapless reactive pagination (explicit cursors and the
paginated client), and reconnection after the server is killed and restarted on the same ports."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from js_runner import JS_DIR, run_node
from protocol_support import protocol_project
from server_process import DevServer

from albertplus_cli.auth import ADMIN
from albertplus_cli.engine import Engine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("jsclient"))) as running:
        yield running


def _ok(result: dict[str, Any]) -> dict[str, Any]:
    assert result["ok"], result.get("error")
    assert result["clientErrors"] == [], result["clientErrors"]
    return result["facts"]  # type: ignore[no-any-return]


def test_live_updates_mutations_errors_and_auth(server: DevServer) -> None:
    facts = _ok(run_node("sync_client.mjs", "live", server.url, server.token("js-user", {"is_admin": True})))
    assert facts["burst"] == 20
    assert facts["convexErrorData"] == {"code": "EMPTY", "message": "a message needs a body"}
    assert "Uncaught ValueError: boom went the query" in facts["queryError"]
    assert "ArgumentValidationError" in facts["validationError"] and "Path: .body" in facts["validationError"]
    assert facts["action"] == 2
    identity = facts["identity"]
    assert identity["subject"] == "js-user" and identity["is_admin"] is True
    assert identity["tokenIdentifier"] == f"{identity['issuer']}|js-user"
    assert facts["authChanges"] == [True]  # the client saw its token confirmed (identity version bumped)


def test_reactive_pagination_is_gapless(server: DevServer) -> None:
    facts = _ok(run_node("sync_client.mjs", "paginate", server.url))
    assert facts["before"] == [[10, 20, 30, 40], [50, 60, 70, 80], [90, 100]]
    assert facts["paginatedPagesBefore"] == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    expected = [5, 10, 20, 25, 30, 41, 50, 55, 70, 80, 85, 90, 100, 1000]
    assert facts["all"] == expected
    # each page keeps its end cursor: page 1 grows instead of pushing rows onto page 2 (none skipped or repeated),
    # a deleted last row of page 1 (40) leaves its boundary where it was, and the last page takes what comes after
    assert facts["after"] == [[5, 10, 20, 25, 30], [41, 50, 55, 70, 80], [85, 90, 100, 1000]]
    assert facts["pageDone"] == [False, False, True]
    assert facts["paginatedAfter"] == expected and facts["paginatedStatus"] == "Exhausted"


class NodeSession:
    """An interactive Node script: JSON events from its stdout, commands to its stdin."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(["node", str(JS_DIR / "sync_client.mjs"), *args], cwd=JS_DIR,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.history: list[dict[str, Any]] = []
        self.consumed = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self.events.put(json.loads(line))
            except json.JSONDecodeError:
                continue

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def wait_for(self, predicate: Any, timeout: float, what: str) -> dict[str, Any]:
        """The first event matching `predicate`, among those not yet consumed by an earlier wait."""
        for index, event in enumerate(self.history[self.consumed:], self.consumed):
            if predicate(event):
                self.consumed = index + 1
                return event
        try:
            while True:
                event = self.events.get(timeout=timeout)
                self.history.append(event)
                if predicate(event):
                    self.consumed = len(self.history)
                    return event
        except queue.Empty:
            raise AssertionError(f"{what}: not seen within {timeout} s; events {self.history[-5:]}") from None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


def test_reconnects_by_itself_after_the_server_restarts(tmp_path_factory: pytest.TempPathFactory) -> None:
    project = protocol_project(tmp_path_factory.mktemp("jsrestart"))
    server = DevServer(project).start()
    node = NodeSession("reconnect", server.url)
    try:
        updates = lambda bodies: lambda e: e["event"] == "update" and e["bodies"] == bodies  # noqa: E731
        node.wait_for(updates([]), 10, "the first result")
        node.send("mutate before")
        # the JS client resolves a mutation once a Transition has brought its effects: the update comes first
        node.wait_for(updates(["before"]), 10, "the first mutation's update")
        node.wait_for(lambda e: e["event"] == "mutated", 5, "the first mutation resolving")
        server.kill()
        engine = Engine(project)  # another process writes while the server is down
        try:
            engine.executor.run_mutation("messages:send", {"author": "js-phoenix", "body": "while down"}, ADMIN,
                                         public_only=False)
        finally:
            engine.close()
        server.start()
        node.wait_for(updates(["before", "while down"]), 25, "the subscription resuming after the restart")
        node.send("mutate after")
        node.wait_for(updates(["before", "while down", "after"]), 10, "a mutation's update after the restart")
        node.wait_for(lambda e: e["event"] == "mutated", 5, "the mutation resolving")
        node.send("close")
        closed = node.wait_for(lambda e: e["event"] == "closed", 10, "close")
        assert closed["clientErrors"] == []
        assert not [e for e in node.history if e["event"] in ("error", "mutation-failed")], node.history
    finally:
        node.close()
        server.stop()
