"""Issue 17, items 1 and 12 (dev half): what `albertplus dev` leaves on disk is owner-only, and it says once
that it trusts the local dev signing key.

Every test runs its server under the usual umask 022, under which the folder used to be 0755 and the
database, its -wal/-shm and server.json 0644: any local user could read every student's rows and the
session ids the sync protocol replays mutations by.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hardening_support import hardening_project
from server_process import ALBERTPLUS, DevServer

from albertplus_cli.server.dev_server import DEV_KEY_TRUST_NOTICE


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def loose_files(state: Path) -> dict[str, str]:
    return {p.name: oct(mode(p)) for p in state.iterdir() if mode(p) & 0o077}


def write_something(server: DevServer) -> None:
    for i in range(20):
        response = httpx.post(f"{server.url}/api/mutation", json={"path": "notes:add", "args": {"text": f"n{i}"}},
                              timeout=30)
        assert response.json()["status"] == "success", response.text


def test_the_state_folder_and_every_file_in_it_are_owner_only_while_dev_runs(tmp_path: Path) -> None:
    project = hardening_project(tmp_path / "project")
    state = project / ".albertplus"
    with DevServer(project) as server:
        write_something(server)
        names = {p.name for p in state.iterdir()}
        # the files SQLite creates after start-up are there, and so is what `dev` writes once serving
        assert {"data.sqlite3", "data.sqlite3-wal", "data.sqlite3-shm", "server.json", "admin_key",
                "dev_signing_key.pem"} <= names, names
        assert mode(state) == 0o700
        assert loose_files(state) == {}


def test_state_left_readable_by_an_older_version_is_tightened_at_start(tmp_path: Path) -> None:
    project = hardening_project(tmp_path / "project")
    with DevServer(project) as server:
        write_something(server)
    state = project / ".albertplus"
    state.chmod(0o755)
    for path in state.iterdir():
        path.chmod(0o644)
    (state / "data.sqlite3-wal").touch()
    (state / "data.sqlite3-wal").chmod(0o644)
    with DevServer(project) as server:
        write_something(server)
        assert mode(state) == 0o700
        assert loose_files(state) == {}


def test_a_database_named_with_db_is_owner_only_too(tmp_path: Path) -> None:
    project = hardening_project(tmp_path / "project")
    elsewhere = tmp_path / "data" / "albert.db"
    with DevServer(project, "--db", str(elsewhere)) as server:
        write_something(server)
        files = sorted(elsewhere.parent.iterdir())
        assert {p.name for p in files} >= {"albert.db", "albert.db-wal", "albert.db-shm"}
        assert {p.name: oct(mode(p)) for p in files if mode(p) & 0o077} == {}


def test_an_export_is_owner_only(tmp_path: Path) -> None:
    project = hardening_project(tmp_path / "project")
    with DevServer(project) as server:
        write_something(server)
        done = subprocess.run([ALBERTPLUS, "export", "--dir", str(project), str(tmp_path / "backup.zip")],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert mode(tmp_path / "backup.zip") == 0o600


def test_dev_says_once_that_it_trusts_the_dev_key(tmp_path: Path) -> None:
    project = hardening_project(tmp_path / "project")
    with DevServer(project) as server:
        output = server.wait_for_output("Press Ctrl+C to stop.")
        write_something(server)
        output = server.output()
    assert output.count(DEV_KEY_TRUST_NOTICE) == 1, output
