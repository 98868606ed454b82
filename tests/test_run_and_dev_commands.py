"""`albertplus run` (through the running server, and straight on the database when none runs) and the start-up
errors of `albertplus dev`, as a user sees them: JSON on stdout, exit 1 with the reason on stderr."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from protocol_support import protocol_project, value_of
from server_process import ALBERTPLUS, DevServer, free_port


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=timeout,
                          env={**env, "COLUMNS": "200"})


def test_run_through_the_running_server(tmp_path: Path) -> None:
    with DevServer(protocol_project(tmp_path)) as server:
        project = str(server.project_dir)
        sent = _cli("run", "messages:send", '{"author": "cli", "body": "hello"}', "--dir", project)
        assert sent.returncode == 0, sent.stderr
        doc_id = json.loads(sent.stdout)
        assert value_of(server, "query", "messages:list", {"author": "cli"})[0]["_id"] == doc_id
        # the server printed the call: it went through it
        server.wait_for_output("messages:send")
        # internal functions run (admin), with log lines on stderr and the clean-JSON result on stdout
        secret = _cli("run", "messages:secret", "--dir", project)
        assert secret.returncode == 0 and json.loads(secret.stdout) == "classified"
        logs = _cli("run", "messages:logs", "--dir", project)
        assert json.loads(logs.stdout) == "logged" and "[WARN] a warning" in logs.stderr
        who = _cli("run", "messages:identity", "--identity", '{"subject": "u1", "is_admin": true}', "--dir", project)
        identity = json.loads(who.stdout)
        assert identity["subject"] == "u1" and identity["is_admin"] is True
        failed = _cli("run", "messages:send", '{"author": "cli", "body": ""}', "--dir", project)
        assert failed.returncode == 1 and failed.stdout == ""
        assert "a message needs a body" in failed.stderr and "EMPTY" in failed.stderr
        missing = _cli("run", "messages:nope", "--dir", project)
        assert missing.returncode == 1 and "Could not find function for 'messages:nope'" in missing.stderr
        bad_args = _cli("run", "messages:send", "{not json", "--dir", project)
        assert bad_args.returncode == 2 and "ARGS_JSON" in bad_args.stderr


def test_run_without_a_server_works_on_the_database(tmp_path: Path) -> None:
    project = str(protocol_project(tmp_path))
    sent = _cli("run", "messages:send", '{"author": "offline", "body": "direct"}', "--dir", project)
    assert sent.returncode == 0, sent.stderr
    counted = _cli("run", "messages:count", '{"author": "offline"}', "--dir", project)
    assert counted.returncode == 0 and json.loads(counted.stdout) == 1
    failed = _cli("run", "messages:boom", "--dir", project)
    assert failed.returncode == 1 and "boom went the query" in failed.stderr
    with DevServer(Path(project)) as server:  # the server then serves what was written
        assert value_of(server, "query", "messages:count", {"author": "offline"}) == 1


def test_dev_refuses_a_taken_port_clearly(tmp_path: Path) -> None:
    project = protocol_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _cli("dev", "--dir", str(project), "--port", str(port), "--site-port", str(free_port()),
                    "--no-watch", "--no-seed")
    assert done.returncode == 1
    assert f"Port {port} (API) on 127.0.0.1 is already in use" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("layout", ["empty", "schema-only"])
def test_dev_refuses_a_folder_without_functions(tmp_path: Path, layout: str) -> None:
    if layout == "schema-only":
        (tmp_path / "schema.py").write_text("schema = None\n")
    done = _cli("dev", "--dir", str(tmp_path), "--port", str(free_port()), "--site-port", str(free_port()),
                "--no-watch", "--no-seed")
    out = done.stderr + done.stdout
    assert done.returncode == 1, out
    assert "is not an albertplus project" in out and "functions/" in out
    assert "Traceback" not in out
