"""Choosing the database: URL parsing, the flag over ALBERTPLUS_DATABASE_URL, and one-line errors."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest
from server_process import ALBERTPLUS, REPO, copy_project
from storage_backends import PostgresDatabases

from albertplus_cli.database_url import DatabaseUrlError, parse_database_url, redact, resolve_database_url

MESSAGES = REPO / "tests" / "projects" / "messages"


def test_urls_select_the_backend(tmp_path: Path) -> None:
    assert parse_database_url("/srv/data.sqlite3").sqlite_path == Path("/srv/data.sqlite3")
    assert parse_database_url("sqlite:///srv/data.sqlite3").sqlite_path == Path("/srv/data.sqlite3")
    assert parse_database_url("relative/x.sqlite3").kind == "sqlite"
    pg = parse_database_url("postgresql://app:secret@db:5432/albertplus")
    assert pg.kind == "postgres" and pg.postgres_url == "postgresql://app:secret@db:5432/albertplus"
    assert str(pg) == "postgresql://app:***@db:5432/albertplus"  # never a password in a message
    assert parse_database_url("postgres://db/x").kind == "postgres"
    for bad, message in (("mysql://root@db/app", "unknown scheme 'mysql'"), ("", "empty"),
                         ("sqlite://", "names no file"), ("postgresql://db:port/x", "invalid port")):
        with pytest.raises(DatabaseUrlError, match=message):
            parse_database_url(bad)
    assert "secret" not in redact("postgresql://app:secret@db/x")


def test_the_flag_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = tmp_path / "default.sqlite3"
    assert resolve_database_url(None, default).sqlite_path == default
    monkeypatch.setenv("ALBERTPLUS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/from_env")
    assert resolve_database_url(None, default).postgres_url == "postgresql://postgres@127.0.0.1:5432/from_env"
    assert resolve_database_url(str(tmp_path / "flag.sqlite3"), default).sqlite_path == tmp_path / "flag.sqlite3"


def test_run_uses_the_database_the_environment_names(
    tmp_path: Path, postgres_databases: PostgresDatabases
) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    url = postgres_databases.create()
    env = {"PATH": "/usr/bin:/bin", "ALBERTPLUS_DATABASE_URL": url, "HOME": str(tmp_path)}
    sent = subprocess.run([ALBERTPLUS, "run", "--dir", str(project), "messages:send", '{"author": "e", "body": "b"}'],
                          capture_output=True, text=True, timeout=120, env=env)
    assert sent.returncode == 0, sent.stderr
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    assert not (project / ".albertplus" / "data.sqlite3").exists()  # nothing went to the default file


def test_a_database_made_by_a_newer_version_is_refused(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('storage_version', '99')")
    done = subprocess.run([ALBERTPLUS, "run", "--dir", str(project), "--database", str(path), "messages:list"],
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "COLUMNS": "300"})
    assert done.returncode == 1
    assert "made by a newer albertplus (storage version 99" in done.stderr and "Traceback" not in done.stderr
