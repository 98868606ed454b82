"""Which server `run` and `dashboard` talk to, and who gets the admin key.

A named URL (`--url`, ALBERTPLUS_URL) that does not answer is an error, not a silent fallback to the database.
The project's admin key only goes to a listener that proves it is the project's running `albertplus dev`: a
program that took the port of a crashed server (the address in a stale server.json) never receives it, neither
on the first connection nor when the dashboard reconnects after its server died. The impostor is a real HTTP
server on 127.0.0.1 that records every request's headers and accepts WebSocket upgrades, recording each
message a client sends.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from server_process import ALBERTPLUS, REPO, DevServer, copy_project, free_port

from albertplus_cli.dashboard.client import DashboardClient, ServerUnavailable

MESSAGES = REPO / "tests" / "projects" / "messages"


class Impostor(ThreadingHTTPServer):
    """Answers like an albertplus server would (instance name, a made-up proof, function results) and records
    the headers of every request."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self.ws_messages: list[str] = []
        super().__init__(("127.0.0.1", port), _ImpostorHandler)
        self.url = f"http://127.0.0.1:{port}"

    def authorizations(self) -> list[str]:
        return [headers["authorization"] for _m, _p, headers in self.seen if "authorization" in headers]

    def proofs_asked(self) -> int:
        return sum(1 for method, path, _h in self.seen if (method, path) == ("POST", "/api/albertplus/prove"))


def start_impostor(port: int) -> Impostor:
    impostor = Impostor(port)
    threading.Thread(target=impostor.serve_forever, daemon=True).start()
    return impostor


def stop_impostor(impostor: Impostor) -> None:
    impostor.shutdown()
    impostor.server_close()


class _ImpostorHandler(BaseHTTPRequestHandler):
    server: Impostor

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> None:
        self.server.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._record()
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self._websocket()
            return
        self._answer("albertplus-dev" if self.path == "/instance_name" else {})

    def _websocket(self) -> None:
        """Accept the upgrade (RFC 6455) and record every text message until the client closes."""
        accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"]
                                                + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        self.protocol_version = "HTTP/1.1"
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept.decode())
        self.end_headers()
        self.wfile.flush()
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = int.from_bytes(self.rfile.read(2), "big")
            elif length == 127:
                length = int.from_bytes(self.rfile.read(8), "big")
            mask = self.rfile.read(4) if head[1] & 0x80 else bytes(4)
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
            if opcode == 8:
                return
            if opcode == 1:
                self.server.ws_messages.append(payload.decode(errors="replace"))

    def do_POST(self) -> None:  # noqa: N802
        self._record()
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/api/albertplus/prove":
            self._answer({"proof": "0" * 64})
        else:
            self._answer({"status": "success", "value": "from the impostor", "logLines": []})


@pytest.fixture
def stale_project(tmp_path: Path) -> Iterator[tuple[Path, Impostor]]:
    """A project whose `albertplus dev` crashed (SIGKILL: server.json stays) and whose port an impostor took."""
    project = copy_project(MESSAGES, tmp_path / "project")
    server = DevServer(project).start(timeout=120)
    server.wait_for_output("Press Ctrl+C to stop", timeout=60)  # server.json is written before the banner
    server.kill()
    assert (project / ".albertplus" / "server.json").exists()
    impostor = start_impostor(server.port)
    try:
        yield project, impostor
    finally:
        stop_impostor(impostor)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=120,
                          env={**base, "COLUMNS": "200", **(env or {})})


def test_run_never_sends_the_admin_key_to_the_port_of_a_crashed_server(stale_project: tuple[Path, Impostor]) -> None:
    project, impostor = stale_project
    key = (project / ".albertplus" / "admin_key").read_text().strip()
    # no URL named: no `dev` runs (the lock died with it), so `run` works on the database
    local = _cli("run", "messages:list", "--dir", str(project))
    assert local.returncode == 0, local.stderr
    assert json.loads(local.stdout) == []
    # the stale address named through ALBERTPLUS_URL or --url: the listener cannot prove itself
    for extra, env in ((), {"ALBERTPLUS_URL": impostor.url}), (("--url", impostor.url), None):
        named = _cli("run", "messages:list", *extra, "--dir", str(project), env=env)
        assert named.returncode == 1, named.stdout
        assert "is not this project's running `albertplus dev`" in named.stderr
        assert "Traceback" not in named.stderr
    assert not any(key in header for header in impostor.authorizations()), impostor.seen
    assert impostor.authorizations() == []


def test_dashboard_never_sends_the_project_key_to_an_unproven_listener(stale_project: tuple[Path, Impostor]) -> None:
    project, impostor = stale_project
    key = (project / ".albertplus" / "admin_key").read_text().strip()
    client = DashboardClient(impostor.url, key, proof_state_dir=project / ".albertplus")

    async def check() -> None:
        try:
            with pytest.raises(ServerUnavailable, match="proves itself"):
                await client.stats()
            with pytest.raises(ServerUnavailable):
                await client.logs(0)
        finally:
            await client.close()

    asyncio.run(check())
    assert impostor.authorizations() == []


def test_an_explicit_url_with_an_explicit_admin_key_is_the_users_choice(stale_project: tuple[Path, Impostor]) -> None:
    project, impostor = stale_project
    done = _cli("run", "messages:list", "--dir", str(project),
                env={"ALBERTPLUS_URL": impostor.url, "ALBERTPLUS_ADMIN_KEY": "albertplus|chosen"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == "from the impostor"
    assert impostor.authorizations() == ["Convex albertplus|chosen"]


def test_a_named_url_that_does_not_answer_is_an_error(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    nowhere = f"http://127.0.0.1:{free_port()}"
    for extra, env, source in (((), {"ALBERTPLUS_URL": nowhere}, "ALBERTPLUS_URL"),
                               (("--url", nowhere), None, "--url")):
        done = _cli("run", "messages:send", '{"author": "a", "body": "b"}', *extra, "--dir", str(project), env=env)
        assert done.returncode == 1, done.stdout
        assert f"nothing answers at {nowhere} (from {source})" in done.stderr
        assert done.stdout == "" and "Traceback" not in done.stderr
    # nothing was written to the database behind the user's back
    assert json.loads(_cli("run", "messages:list", "--dir", str(project)).stdout) == []


def test_run_url_and_the_dashboard_work_with_the_projects_own_server(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    with DevServer(project) as server:
        for extra, env in ((("--url", server.url), None), ((), {"ALBERTPLUS_URL": server.url}), ((), None)):
            sent = _cli("run", "messages:send", '{"author": "url", "body": "b"}', *extra, "--dir", str(project),
                        env=env)
            assert sent.returncode == 0, sent.stderr
        server.wait_for_output("messages:send")
        client = DashboardClient(server.url, server.admin_key, proof_state_dir=project / ".albertplus")

        async def stats() -> dict[str, Any]:
            try:
                return await client.stats()
            finally:
                await client.close()

        assert asyncio.run(stats())["functions"] >= 1


async def _until(predicate: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


def test_the_dashboard_reconnects_only_to_a_listener_that_proves_itself(tmp_path: Path) -> None:
    """The dashboard is live on the project's `dev`; the server crashes and another program takes its port: the
    sync socket and the HTTP calls keep retrying but never hand it the key. A restarted `dev` (a new instance
    secret in server.json) on that port is trusted again."""
    project = copy_project(MESSAGES, tmp_path / "project")
    server = DevServer(project).start(timeout=120)
    key = server.admin_key
    statuses: list[tuple[str, str | None]] = []
    results: list[Any] = []
    impostor: Impostor | None = None
    again: DevServer | None = None
    client = DashboardClient(server.url, key, on_status=lambda status, detail: statuses.append((status, detail)),
                             proof_state_dir=project / ".albertplus")
    unproven = (f"the server at {server.url} did not prove it is this project's albertplus dev; not sending the "
                "admin key")

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await client.close()

    async def steps() -> None:
        nonlocal impostor, again
        assert (await client.stats())["functions"] >= 1
        client.subscribe("messages:list", {}, results.append)
        await _until(lambda: results and statuses[-1][0] == "connected", 30, "the live subscription")
        server.kill()
        await _until(lambda: statuses[-1][0] != "connected", 30, "the dropped socket")
        await asyncio.sleep(1.0)  # a few attempts while nothing listens
        impostor = start_impostor(server.port)
        await _until(lambda: impostor.proofs_asked() >= 3 or impostor.ws_messages, 30, "reconnect attempts")
        assert impostor.ws_messages == [], "the sync socket reconnected to an unproven listener"
        assert statuses[-1] == ("unproven", unproven)
        # while nothing listened, a stopped server, not an impostor
        assert any(status == "disconnected" and "nothing answers" in str(detail) for status, detail in statuses)
        ran = await client.run_function("messages:list")
        assert not ran.ok and ran.error is not None and unproven in ran.error
        stop_impostor(impostor)
        # `dev` restarted on the same port: a new secret, re-read from server.json; the dashboard is live again
        again = DevServer(project)
        again.port, again.url = server.port, server.url
        again.args[again.args.index("--port") + 1] = str(server.port)
        await asyncio.to_thread(again.start, 120)
        seen = len(results)
        await _until(lambda: statuses[-1][0] == "connected" and len(results) > seen, 30, "the reconnection")
        assert (await client.run_function("messages:list")).ok

    try:
        asyncio.run(scenario())
    finally:
        server.kill()
        if again is not None:
            again.stop()
        if impostor is not None:
            stop_impostor(impostor)
    assert impostor is not None
    assert not any(key in message for message in impostor.ws_messages), impostor.ws_messages
    assert not any(key in header for header in impostor.authorizations()), impostor.seen
    assert impostor.proofs_asked() >= 3


def test_run_watch_never_reconnects_with_the_key_to_a_listener_that_took_the_port(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    server = DevServer(project).start(timeout=120)
    key = server.admin_key
    out, err = tmp_path / "watch.out", tmp_path / "watch.err"
    base = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    impostor: Impostor | None = None
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        watch = subprocess.Popen([ALBERTPLUS, "run", "messages:list", "--watch", "--dir", str(project)],
                                 stdout=stdout, stderr=stderr, env={**base, "COLUMNS": "200"})
    try:
        deadline = time.monotonic() + 60
        while "[]" not in out.read_text():
            assert watch.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.05)
        server.kill()
        time.sleep(0.5)
        impostor = start_impostor(server.port)
        deadline = time.monotonic() + 30
        while impostor.proofs_asked() < 3 and not impostor.ws_messages:
            assert watch.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.05)
    finally:
        watch.kill()
        watch.wait(timeout=10)
        server.kill()
        if impostor is not None:
            stop_impostor(impostor)
    assert impostor.ws_messages == [] and impostor.authorizations() == [], impostor.seen
    assert not any(key in message for message in impostor.ws_messages)
    assert (f"the server at {server.url} did not prove it is this project's albertplus dev; not sending the admin "
            "key") in err.read_text()
