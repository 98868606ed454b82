"""Crash safety, short: SIGKILL a real `albertplus dev` under concurrent HTTP and sync writers, restart it on the
same ports and database, and check that nothing acknowledged was lost, nothing failed was stored, the file is
intact, timestamps only go forward and subscribers recover by themselves.

The fault run itself is reliability/crash.py; run the long versions (minutes) with

    .venv/bin/python reliability/crash.py                      # 20 kills, 16 writers
    .venv/bin/python reliability/crash.py --with-seed-import   # while `albertplus seed --scale 2000` and
                                                               # `albertplus import` write the same file
    .venv/bin/python reliability/crash.py --database postgresql://postgres@127.0.0.1:5432/crash --server serve

The PostgreSQL run here kills `albertplus serve` on a database of its own (tests/storage_backends.py), made
without the tables so that the kills during the very first start hit their creation too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest
from server_process import REPO
from storage_backends import PostgresDatabases

sys.path.insert(0, str(REPO))

from reliability.crash import Config, run  # noqa: E402

pytestmark = pytest.mark.timeout(240)


def _assert_safe(report: dict) -> None:  # type: ignore[type-arg]
    summary = report["summary"]
    context = f"rng seed {report['rng_seed']}; failures: {report['failures']}"
    assert summary["lost"] == 0, context
    assert summary["phantom_failed_writes"] == 0, context
    assert summary["duplicates"] == 0, context
    assert summary["integrity_ok"], context
    assert summary["ts_monotonic"], context
    assert report["failures"] == [], context
    assert summary["ok"], context


def test_sigkill_under_concurrent_writers_loses_no_acknowledged_write(tmp_path: Path) -> None:
    report = run(Config(kills=3, writers=4, seconds=1.5, quick_kill_rate=0.0, workdir=tmp_path))
    _assert_safe(report)
    summary = report["summary"]
    assert summary["kills_survived"] == 3
    assert summary["mutations_acknowledged"] > 100, "the writers hardly wrote anything"
    assert report["http"]["acknowledged"] > 0 and report["ws"]["acknowledged"] > 0
    assert report["ws"]["failed_as_requested"] > 0, "no mutation failed on purpose: the phantom check is void"
    assert summary["subscribers_recovered"], report["failures"]
    assert report["subscriber_recovery_s"]["npm"]["checks"] == 5  # at start, after each kill, at the end
    assert report["subscriber_recovery_s"]["pypi"]["checks"] == 5


def test_sigkill_of_serve_on_postgresql_loses_no_acknowledged_write(
    tmp_path: Path, postgres_databases: PostgresDatabases
) -> None:
    database = postgres_databases.create(empty=True)
    report = run(Config(kills=3, writers=4, seconds=1.5, quick_kill_rate=0.0, workdir=tmp_path, database=database,
                        server="serve"))
    _assert_safe(report)
    summary = report["summary"]
    assert (report["database"], report["server"]) == ("postgres", "serve")
    assert summary["kills_survived"] == 3
    assert report["integrity_checks"] >= 3 + 1  # the data was checked whole after each kill and at the end
    assert summary["mutations_acknowledged"] > 100, "the writers hardly wrote anything"
    assert report["http"]["acknowledged"] > 0 and report["ws"]["acknowledged"] > 0
    assert report["ws"]["failed_as_requested"] > 0, "no mutation failed on purpose: the phantom check is void"
    assert summary["subscribers_recovered"], report["failures"]
    assert report["subscriber_recovery_s"]["npm"]["checks"] == 5
    assert report["subscriber_recovery_s"]["pypi"]["checks"] == 5
    assert not (tmp_path / "project" / ".albertplus" / "data.sqlite3").exists()  # nothing went to a SQLite file
    with psycopg.connect(database) as conn:  # the records are really in PostgreSQL
        stored = conn.execute("SELECT count(*) FROM documents d JOIN tables t ON t.number = d.table_number "
                              "WHERE t.name = 'writes'").fetchone()[0]
    assert stored >= summary["mutations_acknowledged"]


def test_sigkill_while_seed_and_import_write_the_same_file(tmp_path: Path) -> None:
    report = run(Config(kills=2, writers=2, seconds=1.0, quick_kill_rate=0.0, with_seed_import=True, scale=300,
                        import_rows=500, subscribers=False, workdir=tmp_path))
    _assert_safe(report)
    loaders = report["seed_import"]
    assert loaders["seed_runs_ok"] >= 1 and loaders["seed_complete_afterwards"]
    assert loaders["import_batches"] >= 1
    assert loaders["import_complete"] + loaders["import_cleanly_absent"] == loaders["import_batches"]


def test_a_full_disk_fails_the_whole_batch_and_the_writer_goes_on(tmp_path: Path) -> None:
    """SQLITE_FULL inside a group commit rolls back the whole SQLite transaction, released savepoints too.

    The batch's earlier mutations must then fail as well (not be acknowledged: their writes are gone), the later
    ones must fail rather than autocommit, and the writer thread must survive (it used to die on the vanished
    savepoint, and every later mutation hung). `PRAGMA max_page_count` makes the disk "full".
    """
    import threading

    from project_factory import open_database, read

    from albertplus_cli.database import Transaction
    from albertplus_cli.database.reader_writer import DatabaseWriter

    def insert(value: dict[str, object]) -> object:
        return lambda tx: DatabaseWriter(tx).insert("things", value)

    with open_database(tmp_path / "full.sqlite3", None) as db:
        db.write(insert({"n": 0}))
        pages = db._writer.conn.execute("PRAGMA page_count").fetchone()[0]
        db._writer.conn.execute(f"PRAGMA max_page_count = {pages + 4}")
        started, gate = threading.Event(), threading.Event()

        def blocker(tx: Transaction) -> None:
            started.set()
            gate.wait(10)

        first = db.submit(blocker)  # holds the writer, so the next three queue up as one batch
        assert started.wait(10)
        before, too_big, after = (db.submit(insert({"n": 1})), db.submit(insert({"s": "x" * 100_000})),
                                  db.submit(insert({"n": 2})))
        gate.set()
        first.result(timeout=10)
        for future in (before, too_big, after):
            with pytest.raises(Exception, match="full"):
                future.result(timeout=10)  # used to hang: the writer thread was dead
        db._writer.conn.execute("PRAGMA max_page_count = 1073741823")
        assert db.write(insert({"n": 3})).ts > 0
        stored = read(db, lambda d: sorted(doc.get("n", -1) for doc in d.query("things").collect()))
        assert stored == [0, 3]  # nothing of the failed batch, and the writer still works
