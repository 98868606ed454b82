"""Each PostgreSQL test gets its own database, made fresh and dropped at its teardown, pass or fail.

A small inner test session (a real `pytest -n 2` subprocess using this suite's fixtures) records which database
each of its tests opened: every test sees an empty database of its own, and once the session is over none of
those databases, nor the workers' template databases, is left on the server, not even the one of the test that
failed while it still held a connection open.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
from storage_backends import NAME_PREFIX, PostgresDatabases, database_server, name_of

TESTS = Path(__file__).resolve().parent

INNER_CONFTEST = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from storage_backends import postgres_databases, postgres_template_cleanup, storage_backend  # noqa: F401
"""

INNER_TESTS = '''
import json
import os

import psycopg
import pytest
from project_factory import database_location, insert_messages, messages_schema, open_database, read
from storage_backends import database_server

pytestmark = pytest.mark.usefixtures("storage_backend")
LINGERING = []  # connections a test leaves open, as a server subprocess that is still running would


def open_checked(tmp_path):
    """Open this test's database, record its name, and check that it starts empty."""
    url = database_location(tmp_path / "data.sqlite3")
    with open(os.environ["RECORD"], "a") as out:
        out.write(json.dumps({"url": url, "template": database_server().template,
                              "worker": os.environ.get("PYTEST_XDIST_WORKER")}) + "\\n")
    db = open_database(tmp_path / "data.sqlite3", messages_schema(tmp_path))
    database = db.__enter__()
    assert read(database, lambda d: d.query("messages").collect()) == []
    insert_messages(database, [{"author": "a", "body": "left behind"}])
    return db, url


@pytest.mark.parametrize("n", range(4))
def test_a_fresh_empty_database(tmp_path, n):
    db, _ = open_checked(tmp_path)
    db.__exit__(None, None, None)


def test_a_failing_test_with_a_connection_open(tmp_path):
    db, url = open_checked(tmp_path)
    LINGERING.append(psycopg.connect(url))
    raise AssertionError("this test fails on purpose")
'''


def test_every_test_gets_its_own_database_dropped_after_it(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "conftest.py").write_text(INNER_CONFTEST)
    (inner / "test_inner.py").write_text(INNER_TESTS)
    record = tmp_path / "record.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["RECORD"] = str(record)
    run = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", "-q", "-k", "postgres",
                          str(inner)], cwd=inner, env=env, capture_output=True, text=True, timeout=240)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "1 failed, 4 passed" in output, output
    assert "this test fails on purpose" in output, output

    opened = [json.loads(line) for line in record.read_text().splitlines()]
    names = [name_of(entry["url"]) for entry in opened]
    assert len(names) == 5 and len(set(names)) == 5, names  # one database per test, none shared
    for entry, name in zip(opened, names, strict=True):
        assert name.startswith(f"{NAME_PREFIX}{entry['worker']}_"), name  # unique per worker, too
    templates = {entry["template"] for entry in opened}
    assert None not in templates and all(t.startswith(NAME_PREFIX) for t in templates), templates
    assert database_server().existing(names + sorted(templates)) == []  # all dropped, the failed test's too


def test_a_database_from_the_tables_template_is_ready_and_one_made_empty_is_bare() -> None:
    databases = PostgresDatabases("template_check")
    try:
        ready, bare = databases.create(), databases.create(empty=True)
        with psycopg.connect(ready) as conn:
            assert conn.execute("SELECT value FROM meta WHERE key = 'storage_version'").fetchone() is not None
            assert conn.execute("SELECT count(*) FROM documents").fetchone() == (0,)
        with psycopg.connect(bare) as conn:
            assert conn.execute("SELECT to_regclass('documents')").fetchone() == (None,)
    finally:
        databases.drop_all()
    assert database_server().existing([name_of(ready), name_of(bare)]) == []
