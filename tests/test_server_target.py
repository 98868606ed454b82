"""Which server `run` and `dashboard` talk to, and who gets the admin key.

A named URL (`--url`, ALBERTPLUS_URL) that does not answer is an error, not a silent fallback to the database.
The project's admin key only goes to a listener that proves it is the project's running `albertplus dev`: a
program that took the port of a crashed server (the address in a stale server.json) never receives it. The
impostor is a real HTTP server on 127.0.0.1 that records every request's headers.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import threading
from collections.abc import Iterator
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
        super().__init__(("127.0.0.1", port), _ImpostorHandler)
        self.url = f"http://127.0.0.1:{port}"

    def authorizations(self) -> list[str]:
        return [headers["authorization"] for _m, _p, headers in self.seen if "authorization" in headers]


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
        self._answer("albertplus-dev" if self.path == "/instance_name" else {})

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
    server.kill()
    assert (project / ".albertplus" / "server.json").exists()
    impostor = Impostor(server.port)
    thread = threading.Thread(target=impostor.serve_forever, daemon=True)
    thread.start()
    try:
        yield project, impostor
    finally:
        impostor.shutdown()
        impostor.server_close()


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
