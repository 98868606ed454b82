"""SQLite storage: documents, index entries keyed by order-preserving bytes, FTS5 search, the commit log.

Every `with_index` range is a b-tree range on `index_entries(index_id, key)` (a WITHOUT ROWID table whose
primary key is the index key), so no query scans a table it has an index for. WAL mode lets readers take
consistent snapshots while one writer commits.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from albertplus_cli.private_files import prepare_database_file

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


@dataclass(frozen=True)
class TableRow:
    number: int
    name: str


@dataclass(frozen=True)
class IndexRow:
    index_id: int
    table_number: int
    name: str
    kind: str
    spec: str


class SqliteStore:
    """Opens connections to one database file and holds the low-level statements."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        prepare_database_file(self.path)  # 0600 before SQLite creates it: -wal/-shm copy its mode
        self._local = threading.local()
        with self.connect() as conn:
            conn.executescript(SCHEMA_DDL)

    def connect(self) -> sqlite3.Connection:
        """A new connection in WAL mode; callers manage transactions explicitly."""
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA temp_store=MEMORY")
        return conn

    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (queries run on worker threads, each with its own connection)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.connect()
            conn.execute("PRAGMA query_only=1")
            self._local.conn = conn
        return conn

    # -- catalog -----------------------------------------------------------------------------------

    @staticmethod
    def load_tables(conn: sqlite3.Connection) -> list[TableRow]:
        return [TableRow(n, name) for n, name in conn.execute("SELECT number, name FROM tables ORDER BY number")]

    @staticmethod
    def load_indexes(conn: sqlite3.Connection) -> list[IndexRow]:
        rows = conn.execute("SELECT index_id, table_number, name, kind, spec FROM indexes ORDER BY index_id")
        return [IndexRow(*row) for row in rows]

    @staticmethod
    def create_table(conn: sqlite3.Connection, name: str, first_number: int) -> int:
        row = conn.execute("SELECT max(number) FROM tables").fetchone()
        number = max(first_number, (row[0] or 0) + 1)
        conn.execute("INSERT INTO tables(number, name) VALUES (?, ?)", (number, name))
        return number

    @staticmethod
    def create_index(conn: sqlite3.Connection, table_number: int, name: str, kind: str, spec: str) -> int:
        cur = conn.execute(
            "INSERT INTO indexes(table_number, name, kind, spec) VALUES (?, ?, ?, ?)",
            (table_number, name, kind, spec),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    @staticmethod
    def drop_index(conn: sqlite3.Connection, index_id: int, kind: str) -> None:
        conn.execute("DELETE FROM indexes WHERE index_id = ?", (index_id,))
        if kind == "search":
            conn.execute(f"DROP TABLE IF EXISTS search_{index_id}")
        else:
            conn.execute("DELETE FROM index_entries WHERE index_id = ?", (index_id,))

    @staticmethod
    def create_search_table(conn: sqlite3.Connection, index_id: int, n_filters: int) -> None:
        filters = "".join(f", f{i} UNINDEXED" for i in range(n_filters))
        conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS search_{index_id} USING fts5(body{filters}, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )

    # -- documents ---------------------------------------------------------------------------------

    @staticmethod
    def get_by_id(conn: sqlite3.Connection, doc_id: str) -> tuple[int, int, float, bytes] | None:
        row = conn.execute(
            "SELECT doc, table_number, creation_time, body FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return row

    @staticmethod
    def get_by_doc(conn: sqlite3.Connection, doc: int) -> tuple[str, float, bytes] | None:
        row = conn.execute("SELECT id, creation_time, body FROM documents WHERE doc = ?", (doc,)).fetchone()
        return row

    @staticmethod
    def insert_document(
        conn: sqlite3.Connection, doc_id: str, table_number: int, creation_time: float, body: bytes
    ) -> int:
        cur = conn.execute(
            "INSERT INTO documents(id, table_number, creation_time, body) VALUES (?, ?, ?, ?)",
            (doc_id, table_number, creation_time, body),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    @staticmethod
    def update_document(conn: sqlite3.Connection, doc: int, body: bytes) -> None:
        conn.execute("UPDATE documents SET body = ? WHERE doc = ?", (body, doc))

    @staticmethod
    def delete_document(conn: sqlite3.Connection, doc: int) -> None:
        conn.execute("DELETE FROM documents WHERE doc = ?", (doc,))

    @staticmethod
    def count_documents(conn: sqlite3.Connection, table_number: int) -> int:
        row = conn.execute("SELECT count(*) FROM documents WHERE table_number = ?", (table_number,)).fetchone()
        return int(row[0])

    @staticmethod
    def iter_table(conn: sqlite3.Connection, table_number: int) -> Iterator[tuple[int, str, float, bytes]]:
        """All documents of a table (schema validation and backfills)."""
        yield from conn.execute(
            "SELECT doc, id, creation_time, body FROM documents WHERE table_number = ? ORDER BY doc",
            (table_number,),
        )

    # -- index entries -----------------------------------------------------------------------------

    @staticmethod
    def put_entries(conn: sqlite3.Connection, entries: Sequence[tuple[int, bytes, int]]) -> None:
        conn.executemany("INSERT INTO index_entries(index_id, key, doc) VALUES (?, ?, ?)", entries)

    @staticmethod
    def delete_entries(conn: sqlite3.Connection, entries: Sequence[tuple[int, bytes]]) -> None:
        conn.executemany("DELETE FROM index_entries WHERE index_id = ? AND key = ?", entries)

    @staticmethod
    def scan(
        conn: sqlite3.Connection,
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
        return conn.execute(" ".join(sql), params).fetchall()

    # -- search ------------------------------------------------------------------------------------

    @staticmethod
    def search_put(conn: sqlite3.Connection, index_id: int, doc: int, text: str, filters: Sequence[bytes]) -> None:
        cols = "".join(f", f{i}" for i in range(len(filters)))
        marks = ", ?" * len(filters)
        conn.execute(
            f"INSERT INTO search_{index_id}(rowid, body{cols}) VALUES (?, ?{marks})", (doc, text, *filters)
        )

    @staticmethod
    def search_delete(conn: sqlite3.Connection, index_id: int, doc: int) -> None:
        conn.execute(f"DELETE FROM search_{index_id} WHERE rowid = ?", (doc,))

    @staticmethod
    def search(
        conn: sqlite3.Connection, index_id: int, match: str, filters: dict[int, bytes], limit: int
    ) -> list[tuple[int, str, float, bytes, float]]:
        """Matching documents by BM25 relevance (best first); (doc, id, creation_time, body, rank)."""
        where = "".join(f" AND s.f{i} = ?" for i in filters)
        sql = (
            f"SELECT d.doc, d.id, d.creation_time, d.body, s.rank FROM search_{index_id} s "
            f"JOIN documents d ON d.doc = s.rowid WHERE s.body MATCH ?{where} "
            "ORDER BY s.rank, d.creation_time DESC LIMIT ?"
        )
        return conn.execute(sql, (match, *filters.values(), limit)).fetchall()

    # -- commit log and timestamps ----------------------------------------------------------------

    @staticmethod
    def last_commit(conn: sqlite3.Connection) -> tuple[int, float]:
        row = conn.execute("SELECT ts, creation_time FROM commits ORDER BY ts DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, 0.0)

    @staticmethod
    def append_commit(conn: sqlite3.Connection, ts: int, creation_time: float, writes: bytes) -> None:
        conn.execute("INSERT INTO commits(ts, creation_time, writes) VALUES (?, ?, ?)", (ts, creation_time, writes))

    @staticmethod
    def prune_commits(conn: sqlite3.Connection, before_ts: int) -> int:
        """Drop log entries older than `before_ts` (never the newest: it anchors the ts across restarts)."""
        newest = SqliteStore.last_commit(conn)[0]
        cut = min(before_ts, newest)
        cur = conn.execute("DELETE FROM commits WHERE ts < ?", (cut,))
        if cur.rowcount:
            SqliteStore.set_meta(conn, "commits_pruned_through", str(cut - 1))
        return cur.rowcount

    @staticmethod
    def pruned_through(conn: sqlite3.Connection) -> int:
        value = SqliteStore.get_meta(conn, "commits_pruned_through")
        return int(value) if value else 0

    @staticmethod
    def commits_after(conn: sqlite3.Connection, ts: int, limit: int = 1000) -> list[tuple[int, bytes]]:
        return conn.execute(
            "SELECT ts, writes FROM commits WHERE ts > ? ORDER BY ts LIMIT ?", (ts, limit)
        ).fetchall()

    # -- session requests (mutation de-duplication across reconnects) -----------------------------

    @staticmethod
    def get_session_request(conn: sqlite3.Connection, session_id: str, request_id: int) -> tuple[int, bytes] | None:
        row = conn.execute(
            "SELECT ts, result FROM session_requests WHERE session_id = ? AND request_id = ?",
            (session_id, request_id),
        ).fetchone()
        return row

    @staticmethod
    def put_session_request(conn: sqlite3.Connection, session_id: str, request_id: int, ts: int, result: bytes) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO session_requests(session_id, request_id, ts, result) VALUES (?, ?, ?, ?)",
            (session_id, request_id, ts, result),
        )

    # -- meta --------------------------------------------------------------------------------------

    @staticmethod
    def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
