"""SQLite storage: documents, index entries keyed by order-preserving bytes, FTS5 search, the commit log.

Every `with_index` range is a b-tree range on `index_entries(index_id, key)` (a WITHOUT ROWID table whose
primary key is the index key), so no query scans a table it has an index for. WAL mode lets readers take
consistent snapshots while one writer commits.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

from albertplus_cli.private_files import prepare_database_file
from albertplus_cli.storage.protocol import DuplicateDocumentError, IndexRow, StorageError, TableRow, chunks

STORAGE_VERSION = 1  # the layout below; a file with a larger number was made by a newer albertplus
SCHEMA_DDL = """
CREATE TABLE IF NOT EXISTS tables(
    number INTEGER PRIMARY KEY,
    name TEXT UNIQUE NOT NULL
);
CREATE TABLE IF NOT EXISTS indexes(
    index_id INTEGER PRIMARY KEY AUTOINCREMENT,
    table_number INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,            -- 'database' | 'search'
    spec TEXT NOT NULL,            -- JSON: fields, or searchField + filterFields
    UNIQUE(table_number, name)
);
CREATE TABLE IF NOT EXISTS documents(
    doc INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    table_number INTEGER NOT NULL,
    creation_time REAL NOT NULL,
    body BLOB NOT NULL             -- the user fields in convex_encoded_json
);
CREATE INDEX IF NOT EXISTS documents_by_table ON documents(table_number);
CREATE TABLE IF NOT EXISTS index_entries(
    index_id INTEGER NOT NULL,
    key BLOB NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY(index_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS commits(
    ts INTEGER PRIMARY KEY,        -- nanoseconds since the epoch; strictly increasing, also across restarts
    creation_time REAL NOT NULL,   -- the largest _creationTime handed out so far
    writes BLOB NOT NULL           -- the index keys this commit touched (see database/write_log.py)
);
CREATE TABLE IF NOT EXISTS session_requests(
    session_id TEXT NOT NULL,
    request_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    result BLOB NOT NULL,
    PRIMARY KEY(session_id, request_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SqliteStorage:
    """One database file: WAL mode, a read connection per thread, one writer connection."""

    reads_block = False  # reads are function calls into the file's pages

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.description = f"SQLite file {self.path}"
        try:
            prepare_database_file(self.path)  # 0600 before SQLite creates it: -wal/-shm copy its mode
            with closing(self.connect()) as conn:
                conn.executescript(SCHEMA_DDL)
                row = conn.execute("SELECT value FROM meta WHERE key = 'storage_version'").fetchone()
                if row is None:
                    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('storage_version', ?)",
                                 (str(STORAGE_VERSION),))
                elif int(row[0]) > STORAGE_VERSION:
                    raise StorageError(f"{self.description} was made by a newer albertplus (storage version "
                                       f"{row[0]}, this one reads {STORAGE_VERSION}); upgrade albertplus")
        except (OSError, sqlite3.Error) as e:
            raise StorageError(f"cannot open {self.description}: {e}") from None
        self._local = threading.local()
        self._peek = SqliteSession(self.connect())
        self._peek_lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        """A new connection in WAL mode; callers manage transactions explicitly."""
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA temp_store=MEMORY")
        return conn

    def reader(self) -> SqliteSession:
        session: SqliteSession | None = getattr(self._local, "session", None)
        if session is None:
            conn = self.connect()
            conn.execute("PRAGMA query_only=1")
            session = self._local.session = SqliteSession(conn)
        return session

    def writer(self) -> SqliteSession:
        return SqliteSession(self.connect(), self.path.with_name(self.path.name + "-writer.lock"))

    def peek_latest_ts(self) -> int:
        with self._peek_lock:
            return self._peek.last_commit()[0]

    notifies_commits = False

    def wait_for_commit(self, timeout: float) -> bool:
        """SQLite has no notifications: the sync hub polls the commit log."""
        time.sleep(timeout)
        return True

    def close(self) -> None:
        with self._peek_lock:
            self._peek.close()


class SqliteSession:
    """The statements of one connection: a read snapshot (BEGIN) or the writer's transaction (BEGIN IMMEDIATE)."""

    def __init__(self, conn: sqlite3.Connection, lock_path: Path | None = None) -> None:
        self.conn = conn
        # Writers of several processes queue on an flock (woken by the kernel in turn) rather than on SQLite's
        # busy handler, which sleeps and retries: under contention that back-off added up to a second.
        self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600) if lock_path is not None else None

    # -- transactions ------------------------------------------------------------------------------

    def begin(self) -> None:
        self.conn.execute("BEGIN")

    def end(self) -> None:
        self.conn.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def begin_write(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            self._run("BEGIN IMMEDIATE")
        except BaseException:
            self._unlock()
            raise

    def commit(self) -> None:
        try:
            self._run("COMMIT")
        except BaseException:
            if not self.conn.in_transaction:
                self._unlock()
            raise
        self._unlock()

    def rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self._run("ROLLBACK")
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def savepoint(self) -> None:
        self._run("SAVEPOINT mutation")

    def release(self) -> None:
        self._run("RELEASE mutation")

    def rollback_to(self) -> None:
        self._run("ROLLBACK TO mutation")
        self._run("RELEASE mutation")

    def close(self) -> None:
        self.conn.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _run(self, statement: str) -> None:
        try:
            self.conn.execute(statement)
        except sqlite3.Error as e:
            raise StorageError(f"SQLite: {e}") from e

    # -- catalog -----------------------------------------------------------------------------------

    def load_tables(self) -> list[TableRow]:
        return [TableRow(n, name) for n, name in self.conn.execute("SELECT number, name FROM tables ORDER BY number")]

    def load_indexes(self) -> list[IndexRow]:
        rows = self.conn.execute("SELECT index_id, table_number, name, kind, spec FROM indexes ORDER BY index_id")
        return [IndexRow(*row) for row in rows]

    def create_table(self, name: str, first_number: int) -> int:
        row = self.conn.execute("SELECT max(number) FROM tables").fetchone()
        number = max(first_number, (row[0] or 0) + 1)
        self.conn.execute("INSERT INTO tables(number, name) VALUES (?, ?)", (number, name))
        return number

    def create_index(self, table_number: int, name: str, kind: str, spec: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO indexes(table_number, name, kind, spec) VALUES (?, ?, ?, ?)",
            (table_number, name, kind, spec),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def drop_index(self, index_id: int, kind: str) -> None:
        self.conn.execute("DELETE FROM indexes WHERE index_id = ?", (index_id,))
        if kind == "search":
            self.conn.execute(f"DROP TABLE IF EXISTS search_{index_id}")
        else:
            self.conn.execute("DELETE FROM index_entries WHERE index_id = ?", (index_id,))

    def create_search_index(self, index_id: int, n_filters: int) -> None:
        filters = "".join(f", f{i} UNINDEXED" for i in range(n_filters))
        self.conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS search_{index_id} USING fts5(body{filters}, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )

    # -- documents ---------------------------------------------------------------------------------

    def get_by_id(self, doc_id: str) -> tuple[int, int, float, bytes] | None:
        row = self.conn.execute(
            "SELECT doc, table_number, creation_time, body FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return row

    def get_by_doc(self, doc: int) -> tuple[str, float, bytes] | None:
        row = self.conn.execute("SELECT id, creation_time, body FROM documents WHERE doc = ?", (doc,)).fetchone()
        return row

    def insert_document(
        self, doc_id: str, table_number: int, creation_time: float, body: bytes
    ) -> int:
        try:
            cur = self.conn.execute(
                "INSERT INTO documents(id, table_number, creation_time, body) VALUES (?, ?, ?, ?)",
                (doc_id, table_number, creation_time, body),
            )
        except sqlite3.IntegrityError:
            raise DuplicateDocumentError(f"A document with _id {doc_id} already exists") from None
        assert cur.lastrowid is not None
        return cur.lastrowid

    def update_document(self, doc: int, body: bytes) -> None:
        self.conn.execute("UPDATE documents SET body = ? WHERE doc = ?", (body, doc))

    def delete_document(self, doc: int) -> None:
        self.conn.execute("DELETE FROM documents WHERE doc = ?", (doc,))

    def has_documents(self) -> bool:
        return bool(self.conn.execute("SELECT EXISTS(SELECT 1 FROM documents)").fetchone()[0])

    def table_ids(self, table_number: int) -> list[str]:
        sql = "SELECT id FROM documents WHERE table_number = ? ORDER BY doc"
        return [row[0] for row in self.conn.execute(sql, (table_number,))]

    def export_rows(self, table_number: int) -> Iterator[tuple[str, float, bytes]]:
        yield from self.conn.execute(
            "SELECT id, creation_time, body FROM documents WHERE table_number = ? ORDER BY creation_time, id",
            (table_number,),
        )

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self.conn.execute(f"SELECT id FROM documents WHERE id IN ({marks})", chunk))
        return found

    def count_documents(self, table_number: int) -> int:
        row = self.conn.execute("SELECT count(*) FROM documents WHERE table_number = ?", (table_number,)).fetchone()
        return int(row[0])

    def iter_table(self, table_number: int) -> Iterator[tuple[int, str, float, bytes]]:
        """All documents of a table (schema validation and backfills)."""
        yield from self.conn.execute(
            "SELECT doc, id, creation_time, body FROM documents WHERE table_number = ? ORDER BY doc",
            (table_number,),
        )

    # -- index entries -----------------------------------------------------------------------------

    def put_entries(self, entries: Sequence[tuple[int, bytes, int]]) -> None:
        self.conn.executemany("INSERT INTO index_entries(index_id, key, doc) VALUES (?, ?, ?)", entries)

    def delete_entries(self, entries: Sequence[tuple[int, bytes]]) -> None:
        self.conn.executemany("DELETE FROM index_entries WHERE index_id = ? AND key = ?", entries)

    def scan(
        self,
        index_id: int,
        lower: bytes | None,
        lower_inclusive: bool,
        upper: bytes | None,
        upper_inclusive: bool,
        descending: bool,
        limit: int,
    ) -> list[tuple[bytes, int, str, float, bytes]]:
        """One page of an index range, joined with the documents; (key, doc, id, creation_time, body)."""
        sql = [
            "SELECT e.key, d.doc, d.id, d.creation_time, d.body FROM index_entries e "
            "JOIN documents d ON d.doc = e.doc WHERE e.index_id = ?"
        ]
        params: list[object] = [index_id]
        if lower is not None:
            sql.append("AND e.key >= ?" if lower_inclusive else "AND e.key > ?")
            params.append(lower)
        if upper is not None:
            sql.append("AND e.key <= ?" if upper_inclusive else "AND e.key < ?")
            params.append(upper)
        sql.append("ORDER BY e.key DESC" if descending else "ORDER BY e.key")
        sql.append("LIMIT ?")
        params.append(limit)
        return self.conn.execute(" ".join(sql), params).fetchall()

    # -- search ------------------------------------------------------------------------------------

    def search_put(self, index_id: int, doc: int, text: str, filters: Sequence[bytes]) -> None:
        cols = "".join(f", f{i}" for i in range(len(filters)))
        marks = ", ?" * len(filters)
        self.conn.execute(
            f"INSERT INTO search_{index_id}(rowid, body{cols}) VALUES (?, ?{marks})", (doc, text, *filters)
        )

    def search_delete(self, index_id: int, doc: int) -> None:
        self.conn.execute(f"DELETE FROM search_{index_id} WHERE rowid = ?", (doc,))

    def search(
        self, index_id: int, terms: Sequence[str], filters: dict[int, bytes], limit: int
    ) -> list[tuple[int, str, float, bytes, float]]:
        """Convex's rule on FTS5: at least one of the terms (only the last also as a prefix) and every filter
        equal, by FTS5's BM25 (how many of the terms, how often, how rare, how long the field: as Convex ranks),
        ties newest first; (doc, id, creation_time, body, rank).

        Convex: get-convex/convex-backend crates/search/src/convex_query.rs ("Contain at least one of the OR
        terms. Match all of the AND terms.") and the docs' "Relevance order"; see database/query.py.
        """
        match = fts_match(terms)
        where = "".join(f" AND s.f{i} = ?" for i in filters)
        sql = (
            f"SELECT d.doc, d.id, d.creation_time, d.body, s.rank FROM search_{index_id} s "
            f"JOIN documents d ON d.doc = s.rowid WHERE s.body MATCH ?{where} "
            "ORDER BY s.rank, d.creation_time DESC LIMIT ?"
        )
        return self.conn.execute(sql, (match, *filters.values(), limit)).fetchall()

    # -- commit log and timestamps ----------------------------------------------------------------

    def last_commit(self) -> tuple[int, float]:
        row = self.conn.execute("SELECT ts, creation_time FROM commits ORDER BY ts DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, 0.0)

    def append_commit(self, ts: int, creation_time: float, writes: bytes) -> None:
        self.conn.execute(
            "INSERT INTO commits(ts, creation_time, writes) VALUES (?, ?, ?)", (ts, creation_time, writes)
        )

    def prune_commits(self, before_ts: int) -> int:
        """Drop log entries older than `before_ts` (never the newest: it anchors the ts across restarts)."""
        newest = self.last_commit()[0]
        cut = min(before_ts, newest)
        cur = self.conn.execute("DELETE FROM commits WHERE ts < ?", (cut,))
        if cur.rowcount:
            self.set_meta("commits_pruned_through", str(cut - 1))
        return cur.rowcount

    def pruned_through(self) -> int:
        value = self.get_meta("commits_pruned_through")
        return int(value) if value else 0

    def commits_after(self, ts: int, limit: int = 1000) -> list[tuple[int, bytes]]:
        return self.conn.execute(
            "SELECT ts, writes FROM commits WHERE ts > ? ORDER BY ts LIMIT ?", (ts, limit)
        ).fetchall()

    # -- session requests (mutation de-duplication across reconnects) -----------------------------

    def get_session_request(self, session_id: str, request_id: int) -> tuple[int, bytes] | None:
        row = self.conn.execute(
            "SELECT ts, result FROM session_requests WHERE session_id = ? AND request_id = ?",
            (session_id, request_id),
        ).fetchone()
        return row

    def put_session_request(self, session_id: str, request_id: int, ts: int, result: bytes) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO session_requests(session_id, request_id, ts, result) VALUES (?, ?, ?, ?)",
            (session_id, request_id, ts, result),
        )

    # -- meta --------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def fts_match(terms: Sequence[str]) -> str:
    """Terms as an FTS5 expression: `"a" OR "b"*` — any term matches (not AND), only the last as a prefix."""
    quoted = [f'"{t}"' for t in terms]
    quoted[-1] += "*"
    return " OR ".join(quoted)
