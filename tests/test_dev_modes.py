"""`albertplus dev --run`, `--once`, `--until-success` and `--tail-logs/--no-tail-logs`, on real projects."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cli_stream import StreamingCommand
from project_factory import write_project
from server_process import ALBERTPLUS, DevServer

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}

SCHEMA = """
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({"notes": define_table({"body": v.string()})})
"""

NOTES = """
from albertplus_cli.server import internal_mutation, query

@internal_mutation(args={})
def setup(ctx, args):
    print("setting up")
    return ctx.db.insert("notes", {"body": "from --run"})

@query(args={})
def list(ctx, args):
    print("listing")
    return [n["body"] for n in ctx.db.query("notes").collect()]
"""


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=120,
                          env={**CLEAN_ENV, "COLUMNS": "200"})


def _project(root: Path) -> Path:
    return write_project(root, SCHEMA, {"notes.py": NOTES})


def test_dev_once_pushes_runs_reports_and_exits(tmp_path: Path) -> None:
    project = _project(tmp_path / "app")
    ok = _cli("dev", "--once", "--run", "notes:setup", "--dir", str(project))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Pushed 2 functions" in ok.stdout and "Ran notes:setup" in ok.stdout and "setting up" in ok.stdout
    assert (project / "functions" / "_generated").is_dir()  # the types were written
    stored = _cli("run", "notes:list", "--dir", str(project))
    assert json.loads(stored.stdout) == ["from --run"]

    failing_run = _cli("dev", "--once", "--run", "notes:missing", "--dir", str(project))
    assert failing_run.returncode == 1 and "--run notes:missing failed" in failing_run.stdout

    (project / "functions" / "notes.py").write_text(NOTES + "\nbroken = (\n")
    broken = _cli("dev", "--once", "--dir", str(project))
    assert broken.returncode == 1 and "notes.py" in broken.stdout and "Traceback" not in broken.stdout
    both = _cli("dev", "--once", "--until-success", "--dir", str(project))
    assert both.returncode == 2


def test_dev_until_success_waits_for_the_fix_then_exits(tmp_path: Path) -> None:
    project = _project(tmp_path / "app")
    good = (project / "functions" / "notes.py").read_text()
    (project / "functions" / "notes.py").write_text(good + "\nbroken = (\n")
    command = StreamingCommand("dev", "--until-success", "--run", "notes:setup", "--dir", str(project))
    try:
        command.wait_for("Waiting for a change", timeout=60)
        assert command.process.poll() is None  # still waiting
        time.sleep(0.5)
        (project / "functions" / "notes.py").write_text(good)
        assert command.wait(timeout=60) == 0, command.out + command.err
    finally:
        command.stop()
    assert command.out.count("Push failed") == 1 and "Ran notes:setup" in command.out


def test_dev_run_seeds_before_serving_and_tail_logs_can_be_turned_off(tmp_path: Path) -> None:
    project = _project(tmp_path / "app")
    with DevServer(project, "--run", "notes:setup") as server:
        answer = httpx.post(f"{server.url}/api/query", json={"path": "notes:list", "args": {}}, timeout=30).json()
        assert answer["value"] == ["from --run"]
        server.wait_for_output("Ran notes:setup")
        server.wait_for_output("Q notes:list")  # the default: each call and its log lines are printed
        server.wait_for_output("[LOG] listing")
    quiet_project = _project(tmp_path / "quiet")
    with DevServer(quiet_project, "--no-tail-logs") as server:
        answer = httpx.post(f"{server.url}/api/query", json={"path": "notes:list", "args": {}}, timeout=30).json()
        assert answer["value"] == []
        time.sleep(1.0)
        assert "notes:list" not in server.output() and "listing" not in server.output()


@pytest.mark.parametrize("mode", ["--once", "--until-success"])
def test_dev_once_and_until_success_refuse_a_project_a_dev_serves_and_touch_nothing(tmp_path: Path,
                                                                                     mode: str) -> None:
    project = _project(tmp_path / "app")
    other_db = tmp_path / "other.sqlite3"
    with DevServer(project) as first:
        assert first.process is not None
        for db in ([], ["--db", str(other_db)]):  # the running server's database, and another one
            second = _cli("dev", mode, "--run", "notes:setup", "--dir", str(project), *db)
            out = second.stdout + second.stderr
            assert second.returncode == 1, out
            assert (f"error: albertplus dev is already running for this project at {first.url}, "
                    f"pid {first.process.pid}") in second.stderr
            assert "Traceback" not in out and "Pushed" not in out and "setting up" not in out
        assert not other_db.exists()  # never opened
        answer = httpx.post(f"{first.url}/api/query", json={"path": "notes:list", "args": {}}, timeout=30).json()
        assert answer["value"] == []  # --run wrote nothing into the served database
    # with the server gone the same command works (the lock is released, not stale)
    done = _cli("dev", mode, "--run", "notes:setup", "--dir", str(project))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ran notes:setup" in done.stdout
