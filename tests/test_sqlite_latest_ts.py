"""The newest commit as this thread's reader sees it, which the query cache asks before every lookup: every
commit is seen at once — one made by another connection, by another OS process, after a checkpoint that
restarts the WAL — and reads alone never change it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from albertplus_cli.storage.sqlite_storage import SqliteStorage

COMMIT_FROM_ANOTHER_PROCESS = """
import sys, time
from albertplus_cli.storage.sqlite_storage import SqliteStorage
store = SqliteStorage(sys.argv[1])
writer = store.writer()
writer.begin_write()
writer.append_commit(int(sys.argv[2]), time.time(), b"")
writer.commit()
writer.close()
store.close()
"""


def _latest(store: SqliteStorage) -> int:
    """What `Database.snapshot_ts` reads outside a pinned snapshot."""
    return store.reader().last_commit()[0]


def _commit(store: SqliteStorage, ts: int) -> None:
    writer = store.writer()
    writer.begin_write()
    writer.append_commit(ts, time.time(), b"")
    writer.commit()
    writer.close()


def test_every_commit_is_seen_whoever_makes_it(tmp_path: Path) -> None:
    path = tmp_path / "data.sqlite3"
    store, other = SqliteStorage(path), SqliteStorage(path)
    try:
        assert _latest(store) == 0
        _commit(store, 10)
        assert _latest(store) == 10
        assert [_latest(store) for _ in range(1000)] == [10] * 1000  # reads alone change nothing
        _commit(other, 11)  # another connection (another engine on the file)
        assert _latest(store) == 11
        done = subprocess.run([sys.executable, "-c", COMMIT_FROM_ANOTHER_PROCESS, str(path), "12"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert _latest(store) == 12
        checkpointer = other.writer()  # a checkpoint that empties the WAL: the next commit restarts it
        checkpointer.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        checkpointer.close()
        assert _latest(store) == 12
        _commit(other, 13)
        assert _latest(store) == 13
    finally:
        other.close()
        store.close()
