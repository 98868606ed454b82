"""Transactions: atomic and serializable mutations, snapshot queries, monotonic commit timestamps (also across
restarts and processes), the commit log, and group commit."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from project_factory import (
    MESSAGES_SCHEMA,
    REPO_ROOT,
    database_location,
    messages_schema,
    open_database,
    read,
    write,
)

from albertplus_cli.database import Commit, Database, DatabaseWriter, Transaction, WriteResult
from albertplus_cli.database.read_set import by_id_index
from albertplus_cli.database.write_log import decode_writes
from albertplus_cli.schema import SchemaDefinition
from albertplus_cli.values import decode_id
from albertplus_cli.values.index_keys import encode_key

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL


@pytest.fixture
def schema(tmp_path: Path) -> SchemaDefinition:
    return messages_schema(tmp_path)


@pytest.fixture
def db(tmp_path: Path, schema: SchemaDefinition) -> Iterator[Database]:
    with open_database(tmp_path / "data.sqlite3", schema) as database:
        yield database


def count(db: Database) -> int:
    return len(read(db, lambda d: d.query("messages").collect()))


def commit_rows(db: Database) -> list[tuple[int, bytes]]:
    return db.store.reader().commits_after(0, 100_000)


class Boom(Exception):
    pass


def test_a_mutation_that_raises_half_way_writes_nothing(db: Database, tmp_path: Path) -> None:
    keep = write(db, lambda d: d.insert("messages", {"author": "a", "body": "keep"}))
    commits_before = len(commit_rows(db))

    def half_way(d: DatabaseWriter) -> None:
        for i in range(20):
            d.insert("messages", {"author": "a", "body": str(i)})
        d.patch(keep, {"body": "changed"})
        d.delete(keep)
        raise Boom("half way")

    with pytest.raises(Boom):
        write(db, half_way)
    # A fresh reader (its own connection, its own database object) sees nothing of it.
    with open_database(tmp_path / "data.sqlite3", None) as fresh:
        docs = read(fresh, lambda d: d.query("messages").collect())
    assert [doc["body"] for doc in docs] == ["keep"]
    assert len(commit_rows(db)) == commits_before


def test_a_failed_write_check_rolls_back_the_whole_mutation(db: Database) -> None:
    def bad(d: DatabaseWriter) -> None:
        d.insert("messages", {"author": "a", "body": "first"})
        d.insert("messages", {"author": "a", "body": 5})  # schema violation

    with pytest.raises(Exception, match="does not match the schema"):
        write(db, bad)
    assert count(db) == 0


def test_mutations_read_their_own_writes(db: Database) -> None:
    def fn(d: DatabaseWriter) -> tuple[int, str | None]:
        doc_id = d.insert("messages", {"author": "me", "body": "x"})
        d.patch(doc_id, {"body": "y"})
        found = d.query("messages").with_index("by_author", lambda r: r.eq("author", "me")).unique()
        return len(d.query("messages").collect()), found["body"] if found else None

    assert write(db, fn) == (1, "y")


def test_a_query_reads_one_snapshot(db: Database) -> None:
    write(db, lambda d: d.insert("messages", {"author": "a", "body": "before"}))

    def query(tx: Transaction) -> tuple[int, int, int, int]:
        from albertplus_cli.database import DatabaseReader

        d = DatabaseReader(tx)
        first = len(d.query("messages").collect())
        # Another writer commits in the middle of the query.
        write(db, lambda w: [w.insert("messages", {"author": "a", "body": f"during{i}"}) for i in range(3)])
        second = len(d.query("messages").collect())
        by_index = len(d.query("messages").with_index("by_author", lambda r: r.eq("author", "a")).collect())
        return first, second, by_index, tx.snapshot_ts

    (first, second, by_index, snapshot_ts), _ = db.read(query)
    assert first == second == by_index == 1
    assert snapshot_ts < db.latest_ts
    assert count(db) == 4


def test_mutations_are_serializable(db: Database) -> None:
    counter = write(db, lambda d: d.insert("messages", {"author": "counter", "body": "c", "likes": 0}))

    def increment(d: DatabaseWriter) -> None:
        doc = d.get(counter)
        assert doc is not None
        d.patch(counter, {"likes": doc["likes"] + 1})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: write(db, increment), range(200)))
    doc = read(db, lambda d: d.get(counter))
    assert doc is not None and doc["likes"] == 200


def test_commit_timestamps_strictly_increase(db: Database) -> None:
    results = [db.write(lambda tx: DatabaseWriter(tx).insert("messages", {"author": "a", "body": "x"}))
               for _ in range(30)]
    ts = [r.ts for r in results]
    assert all(a < b for a, b in zip(ts, ts[1:], strict=False))
    assert db.latest_ts == ts[-1]
    # A mutation that writes nothing commits nothing: it reports the snapshot ts.
    nothing = db.write(lambda tx: DatabaseWriter(tx).query("messages").first())
    assert nothing.ts == ts[-1]
    assert [row[0] for row in commit_rows(db)] == ts


def test_timestamps_never_go_backwards_across_restarts(tmp_path: Path, schema: SchemaDefinition) -> None:
    path = tmp_path / "restart.sqlite3"
    last_ts, last_creation = 0, 0.0
    for _ in range(3):
        with open_database(path, schema) as db:
            assert db.latest_ts == last_ts
            for _ in range(3):
                result = db.write(lambda tx: DatabaseWriter(tx).insert("messages", {"author": "a", "body": "x"}))
                assert result.ts > last_ts
                doc = read(db, lambda d, i=result.value: d.get(i))
                assert doc is not None and doc["_creationTime"] > last_creation
                last_ts, last_creation = result.ts, doc["_creationTime"]


def test_timestamps_stay_ahead_of_a_clock_that_went_backwards(tmp_path: Path, schema: SchemaDefinition) -> None:
    """A commit log whose last ts is in the future (clock skew, restored backup): new commits still go past it."""
    path = tmp_path / "skew.sqlite3"
    future_ts = time.time_ns() + 3600 * 10**9
    future_creation = (time.time() + 3600) * 1000
    with open_database(path, schema) as db:
        writer = db.store.writer()
        writer.append_commit(future_ts, future_creation, b"")
        writer.close()
    with open_database(path, schema) as db:
        result = db.write(lambda tx: DatabaseWriter(tx).insert("messages", {"author": "a", "body": "x"}))
        assert result.ts > future_ts
        doc = read(db, lambda d: d.get(result.value))
        assert doc is not None and doc["_creationTime"] > future_creation


def test_the_commit_log_records_every_written_key(db: Database) -> None:
    doc_id = write(db, lambda d: d.insert("messages", {"author": "ada", "body": "x"}))
    write(db, lambda d: d.patch(doc_id, {"author": "bob"}))
    write(db, lambda d: d.delete(doc_id))
    rows = commit_rows(db)
    assert len(rows) == 3
    info = db.catalog.table("messages")
    assert info is not None
    by_author = info.indexes["by_author"].index_id
    by_id = by_id_index(decode_id(doc_id).table_number)
    writes = [decode_writes(blob) for _ts, blob in rows]
    for w in writes:
        assert (by_id, doc_id.encode()) in w.keys
    # The insert wrote the new key, the patch the old and the new key, the delete the old key.
    doc = {"author": "ada"}

    def author_keys(w: Any) -> list[bytes]:
        return [key for index_id, key in w.keys if index_id == by_author]

    assert [k.startswith(encode_key([doc["author"]])) for k in author_keys(writes[0])] == [True]
    assert sorted(k[:5] for k in author_keys(writes[1])) == sorted([encode_key(["ada"])[:5], encode_key(["bob"])[:5]])
    assert [k.startswith(encode_key(["bob"])) for k in author_keys(writes[2])] == [True]
    # Search writes carry their filter values.
    search_id = info.search_indexes["search_body"].index_id
    assert any(index_id == search_id and encode_key(["ada"]) in values
               for index_id, values in writes[0].searches)


def test_commit_listeners_see_each_commit_once(db: Database) -> None:
    seen: list[Commit] = []
    db.add_commit_listener(seen.append)
    db.add_commit_listener(lambda c: 1 / 0)  # a broken listener does not break the writer
    results = [write(db, lambda d, i=i: d.insert("messages", {"author": "a", "body": str(i)})) for i in range(3)]
    assert len(seen) == 3 and all(c.writes for c in seen)
    assert [c.ts for c in seen] == sorted(c.ts for c in seen)
    assert len(results) == 3


def test_group_commit_many_threads(db: Database) -> None:
    n_threads, per_thread = 8, 25
    barrier = threading.Barrier(n_threads)

    def worker(t: int) -> list[WriteResult[str]]:
        barrier.wait()
        futures = [db.submit(lambda tx, i=i: DatabaseWriter(tx).insert("messages", {"author": f"t{t}", "body": str(i)}))
                   for i in range(per_thread)]
        return [f.result(timeout=30) for f in futures]

    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        results = [r for rs in pool.map(worker, range(n_threads)) for r in rs]
    assert len(results) == n_threads * per_thread
    ts = [r.ts for r in results]
    assert len(set(ts)) == len(ts), "every mutation commits with its own ts"
    assert count(db) == n_threads * per_thread
    assert sorted(ts) == [row[0] for row in commit_rows(db)]
    # Within one thread, later submissions commit later.
    for t in range(n_threads):
        mine = results[t * per_thread:(t + 1) * per_thread]
        assert [r.ts for r in mine] == sorted(r.ts for r in mine)


def test_a_failing_mutation_in_a_batch_does_not_affect_the_others(db: Database) -> None:
    gate = threading.Event()

    def blocker(tx: Transaction) -> None:
        gate.wait(10)  # holds the writer so the next submissions queue up into one batch

    def fail(tx: Transaction) -> None:
        DatabaseWriter(tx).insert("messages", {"author": "bad", "body": "x"})
        raise Boom("no")

    first = db.submit(blocker)
    futures: list[Future[Any]] = []
    for i in range(10):
        if i % 3 == 1:
            futures.append(db.submit(fail))
        else:
            futures.append(db.submit(lambda tx, i=i: DatabaseWriter(tx).insert("messages", {"author": "ok",
                                                                                          "body": str(i)})))
    gate.set()
    first.result(timeout=10)
    ok_ts = []
    for i, future in enumerate(futures):
        if i % 3 == 1:
            with pytest.raises(Boom):
                future.result(timeout=10)
        else:
            ok_ts.append(future.result(timeout=10).ts)
    assert ok_ts == sorted(ok_ts) and len(set(ok_ts)) == len(ok_ts)
    authors = [doc["author"] for doc in read(db, lambda d: d.query("messages").collect())]
    assert authors == ["ok"] * 7


def test_another_database_on_the_same_file(tmp_path: Path, schema: SchemaDefinition) -> None:
    path = tmp_path / "shared.sqlite3"
    with open_database(path, schema) as one, open_database(path, schema) as two:
        a = one.write(lambda tx: DatabaseWriter(tx).insert("messages", {"author": "one", "body": "x"}))
        b = two.write(lambda tx: DatabaseWriter(tx).insert("messages", {"author": "two", "body": "y"}))
        c = one.write(lambda tx: DatabaseWriter(tx).insert("messages", {"author": "one", "body": "z"}))
        assert a.ts < b.ts < c.ts
        assert [commit.ts for commit in one.commits_after(a.ts)] == [b.ts, c.ts]
        assert count(one) == count(two) == 3


def test_commits_from_another_process(tmp_path: Path, schema: SchemaDefinition) -> None:
    path = tmp_path / "proc.sqlite3"
    (tmp_path / "proc_schema").mkdir()
    (tmp_path / "proc_schema" / "schema.py").write_text(MESSAGES_SCHEMA)
    script = f"""
import sys
from pathlib import Path
from albertplus_cli.database import Database, DatabaseWriter
from albertplus_cli.functions.loader import load_schema
location = {str(database_location(path))!r}
db = Database(location if "://" in location else Path(location), load_schema(Path({str(tmp_path / "proc_schema")!r})))
for i in range(3):
    r = db.write(lambda tx: DatabaseWriter(tx).insert("messages", {{"author": "proc", "body": str(i)}}))
    print(r.ts)
db.close()
"""
    with open_database(path, schema) as db:
        write(db, lambda d: d.insert("messages", {"author": "me", "body": "x"}))
        start_ts = db.latest_ts
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT,
                             timeout=60, check=True).stdout.split()
        their_ts = [int(x) for x in out]
        assert their_ts == sorted(their_ts) and their_ts[0] > start_ts
        commits = db.commits_after(start_ts)
        assert [c.ts for c in commits] == their_ts
        assert all(c.writes.keys for c in commits)
        assert count(db) == 4
        mine = db.write(lambda tx: DatabaseWriter(tx).insert("messages", {"author": "me", "body": "y"}))
        assert mine.ts > their_ts[-1]
