"""PostgreSQL storage: the SQLite layout on a server — bytea b-tree index entries, tsvector + GIN search, the log.

Index keys are the same order-preserving bytes as on SQLite; bytea compares bytewise, so every `with_index`
range is one range scan of `index_entries`' primary key. Reads take a REPEATABLE READ snapshot on a pooled
connection. Each process has one writer connection; a write transaction first takes a transaction-level
advisory lock, so one writer commits at a time across every process and machine (serializable, and commit
timestamps increase in commit order), while each process still groups its queued mutations into one
transaction. Every commit NOTIFYs `albertplus_commits`, which wakes the other processes' sync hubs.
"""

from __future__ import annotations

import os
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from albertplus_cli.database_url import redact
from albertplus_cli.storage.protocol import IndexRow, StorageError, TableRow, chunks

STORAGE_VERSION = 1
WRITE_LOCK = 0x616C6270  # "albp": the advisory lock every write transaction holds
DDL_LOCK = 0x616C6271  # held while the tables are created, so two first starts do not race
CHANNEL = "albertplus_commits"
POOL_SIZE = int(os.environ.get("ALBERTPLUS_PG_POOL_SIZE", "16"))
POOL_TIMEOUT = float(os.environ.get("ALBERTPLUS_PG_POOL_TIMEOUT", "3"))  # below the 5 s function time limit
CONNECT_TIMEOUT = 5

SCHEMA_DDL = [
    "CREATE TABLE IF NOT EXISTS tables(number INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)",
    """CREATE TABLE IF NOT EXISTS indexes(
        index_id BIGSERIAL PRIMARY KEY, table_number INTEGER NOT NULL, name TEXT NOT NULL,
        kind TEXT NOT NULL, spec TEXT NOT NULL, UNIQUE(table_number, name))""",
    """CREATE TABLE IF NOT EXISTS documents(
        doc BIGSERIAL PRIMARY KEY, id TEXT UNIQUE NOT NULL, table_number INTEGER NOT NULL,
        creation_time DOUBLE PRECISION NOT NULL, body BYTEA NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS documents_by_table ON documents(table_number, doc)",
    """CREATE TABLE IF NOT EXISTS index_entries(
        index_id BIGINT NOT NULL, key BYTEA NOT NULL, doc BIGINT NOT NULL, PRIMARY KEY(index_id, key))""",
    """CREATE TABLE IF NOT EXISTS commits(
        ts BIGINT PRIMARY KEY, creation_time DOUBLE PRECISION NOT NULL, writes BYTEA NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS session_requests(
        session_id TEXT NOT NULL, request_id BIGINT NOT NULL, ts BIGINT NOT NULL, result BYTEA NOT NULL,
        PRIMARY KEY(session_id, request_id))""",
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]


def _describe(url: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    host = info.get("host") or "localhost"
    return f"PostgreSQL database {info.get('dbname') or info.get('user') or '?'} on {host}:{info.get('port') or 5432}"


def _error(e: BaseException) -> StorageError:
    """A driver error as one line naming PostgreSQL."""
    if isinstance(e, PoolTimeout):
        return StorageError(f"PostgreSQL: no free database connection within {POOL_TIMEOUT:g} s "
                            f"(all {POOL_SIZE} in use); try again")
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return StorageError(f"PostgreSQL: {first}")


def _connect(url: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as e:
        raise _error(e) from None


def _create_database_if_missing(url: str) -> None:
    """Create the URL's database when the server has none of that name (the tables come next)."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.get("dbname")
    if not name:
        return
    maintenance = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(name))))
    except psycopg.errors.DuplicateDatabase:
        pass  # another process created it first
    except psycopg.Error:
        pass  # no rights on `postgres`: the connect below reports the real problem


class PostgresStorage:
    """One PostgreSQL database: a pool for reads, one writer connection per process, LISTEN for commits."""

    reads_block = True  # every read is a round trip to the server

    def __init__(self, url: str) -> None:
        self.url = url
        self.description = _describe(url)
        try:
            self._prepare()
        except psycopg.OperationalError as e:
            if "does not exist" not in str(e):
                raise StorageError(f"cannot open {self.description} ({redact(url)}): {_error(e)}") from None
            _create_database_if_missing(url)
            try:
                self._prepare()
            except psycopg.Error as again:
                raise StorageError(f"cannot open {self.description}: {_error(again)}") from None
        except psycopg.Error as e:
            raise StorageError(f"cannot open {self.description}: {_error(e)}") from None
        self.pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE, timeout=POOL_TIMEOUT,
                                   kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
                                   check=ConnectionPool.check_connection, open=True, name="albertplus-reads")
        self._local = threading.local()
        self._listener: psycopg.Connection[Any] | None = None

    def _prepare(self) -> None:
        """Create the tables (once, under a lock) and refuse a database made by a newer version."""
        with psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn, \
                conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (DDL_LOCK,))
            for statement in SCHEMA_DDL:
                conn.execute(statement)
            row = conn.execute("SELECT value FROM meta WHERE key = 'storage_version'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta(key, value) VALUES ('storage_version', %s)", (str(STORAGE_VERSION),))
            elif int(row[0]) > STORAGE_VERSION:
                raise StorageError(f"{self.description} was made by a newer albertplus (storage version {row[0]}, "
                                   f"this one reads {STORAGE_VERSION}); upgrade albertplus")

    def pool_error(self, timeout: PoolTimeout) -> StorageError:
        """Why no pooled connection came: every one is busy, or the server cannot be reached (say which)."""
        stats = self.pool.get_stats()
        if stats.get("pool_size", 0) >= POOL_SIZE:
            return _error(timeout)
        try:
            psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.Error as e:
            return _error(e)
        return StorageError("PostgreSQL: the server answers again and the connections are being re-opened; "
                            "try again in a moment")

    def reader(self) -> PostgresSession:
        session: PostgresSession | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = PostgresSession(self)
        return session

    def writer(self) -> PostgresSession:
        return PostgresSession(self, dedicated=True)

    def peek_latest_ts(self) -> int:
        """On its own pooled connection: never the snapshot this thread may have pinned."""
        try:
            with self.pool.connection() as conn:
                row = conn.execute("SELECT ts FROM commits ORDER BY ts DESC LIMIT 1").fetchone()
        except PoolTimeout as e:
            raise self.pool_error(e) from None
        except psycopg.Error as e:
            raise _error(e) from None
        return int(row[0]) if row else 0

    notifies_commits = True

    def wait_for_commit(self, timeout: float) -> bool:
        """Block until another process NOTIFYs a commit (or `timeout`); reconnects after a server restart."""
        try:
            if self._listener is None or self._listener.closed:
                self._listener = _connect(self.url)
                self._listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                return True  # commits may have happened while not listening
            for _ in self._listener.notifies(timeout=timeout, stop_after=1):
                return True
            return False
        except (psycopg.Error, StorageError):
            if self._listener is not None:
                self._listener.close()
            self._listener = None
            time.sleep(min(timeout, 1.0))  # the server is away: try again shortly, without spinning
            return True

    def close(self) -> None:
        self.pool.close()
        if self._listener is not None:
            self._listener.close()


class PostgresSession:
    """The statements of a read snapshot (a pooled connection between begin and end) or of the writer."""

    def __init__(self, storage: PostgresStorage, dedicated: bool = False) -> None:
        self.storage = storage
        self._dedicated = dedicated
        self._conn: psycopg.Connection[Any] | None = _connect(storage.url) if dedicated else None
        self._wrote_commit = False

    # -- connections and transactions -------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """The pinned connection inside a transaction, else one borrowed from the pool for a statement."""
        if self._conn is not None:
            yield self._conn
            return
        try:
            with self.storage.pool.connection() as conn:
                yield conn
        except PoolTimeout as e:
            raise self.storage.pool_error(e) from None

    def _rows(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            with self._connection() as conn:
                return conn.execute(query, params).fetchall()
        except psycopg.Error as e:
            raise _error(e) from None

    def _one(self, query: str, params: Sequence[Any] = ()) -> Any:
        rows = self._rows(query, params)
        return rows[0] if rows else None

    def _run(self, query: str | sql.Composed, params: Sequence[Any] = ()) -> int:
        try:
            with self._connection() as conn:
                return conn.execute(query, params).rowcount
        except psycopg.Error as e:
            raise _error(e) from None

    def _many(self, query: str | sql.Composed, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            with self._connection() as conn, conn.cursor() as cur:
                cur.executemany(query, rows)
        except psycopg.Error as e:
            raise _error(e) from None

    def begin(self) -> None:
        try:
            self._conn = self.storage.pool.getconn()
        except PoolTimeout as e:
            raise self.storage.pool_error(e) from None
        try:
            self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        except psycopg.Error as e:
            self._release_conn()
            raise _error(e) from None

    def end(self) -> None:
        try:
            if self._conn is not None and not self._conn.closed:
                self._conn.execute("COMMIT")
        except psycopg.Error:
            pass  # a read-only snapshot has nothing to lose; the pool drops a broken connection
        finally:
            self._release_conn()

    def _release_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self.storage.pool.putconn(conn)

    @property
    def in_transaction(self) -> bool:
        conn = self._conn
        if conn is None or conn.closed:
            return False
        status = conn.info.transaction_status
        return status in (psycopg.pq.TransactionStatus.INTRANS, psycopg.pq.TransactionStatus.INERROR)

    def begin_write(self) -> None:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = _connect(self.storage.url)  # the server restarted: a fresh connection, no restart of ours
        self._wrote_commit = False
        self._run("BEGIN")
        try:
            self._run("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        except StorageError:
            self.rollback()
            raise

    def commit(self) -> None:
        if self._wrote_commit:
            self._run(sql.SQL("NOTIFY {}").format(sql.Identifier(CHANNEL)))
        self._run("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            try:
                self._run("ROLLBACK")
            except StorageError:
                pass

    def savepoint(self) -> None:
        self._run("SAVEPOINT mutation")

    def release(self) -> None:
        self._run("RELEASE SAVEPOINT mutation")

    def rollback_to(self) -> None:
        self._run("ROLLBACK TO SAVEPOINT mutation")
        self._run("RELEASE SAVEPOINT mutation")

    def close(self) -> None:
        if self._dedicated and self._conn is not None:
            self._conn.close()
        self._conn = None

    # -- catalog -----------------------------------------------------------------------------------

    def load_tables(self) -> list[TableRow]:
        return [TableRow(n, name) for n, name in self._rows("SELECT number, name FROM tables ORDER BY number")]

    def load_indexes(self) -> list[IndexRow]:
        rows = self._rows("SELECT index_id, table_number, name, kind, spec FROM indexes ORDER BY index_id")
        return [IndexRow(*row) for row in rows]

    def create_table(self, name: str, first_number: int) -> int:
        row = self._one("SELECT max(number) FROM tables")
        number = max(first_number, (row[0] or 0) + 1)
        self._run("INSERT INTO tables(number, name) VALUES (%s, %s)", (number, name))
        return number

    def create_index(self, table_number: int, name: str, kind: str, spec: str) -> int:
        row = self._one("INSERT INTO indexes(table_number, name, kind, spec) VALUES (%s, %s, %s, %s) "
                        "RETURNING index_id", (table_number, name, kind, spec))
        return int(row[0])

    def drop_index(self, index_id: int, kind: str) -> None:
        self._run("DELETE FROM indexes WHERE index_id = %s", (index_id,))
        if kind == "search":
            self._run(sql.SQL("DROP TABLE IF EXISTS {}").format(_search_table(index_id)))
        else:
            self._run("DELETE FROM index_entries WHERE index_id = %s", (index_id,))

    def create_search_index(self, index_id: int, n_filters: int) -> None:
        filters = sql.SQL("").join(sql.SQL(", {} BYTEA").format(sql.Identifier(f"f{i}")) for i in range(n_filters))
        table = _search_table(index_id)
        self._run(sql.SQL("CREATE TABLE IF NOT EXISTS {}(doc BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL{})")
                  .format(table, filters))
        self._run(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING GIN(tsv)")
                  .format(sql.Identifier(f"search_{index_id}_tsv"), table))

    # -- documents ---------------------------------------------------------------------------------

    def get_by_id(self, doc_id: str) -> tuple[int, int, float, bytes] | None:
        row = self._one("SELECT doc, table_number, creation_time, body FROM documents WHERE id = %s", (doc_id,))
        return None if row is None else tuple(row)

    def insert_document(self, doc_id: str, table_number: int, creation_time: float, body: bytes) -> int:
        # ON CONFLICT instead of an error: an error would abort the whole transaction, not just this insert.
        row = self._one("INSERT INTO documents(id, table_number, creation_time, body) VALUES (%s, %s, %s, %s) "
                        "ON CONFLICT (id) DO NOTHING RETURNING doc", (doc_id, table_number, creation_time, body))
        if row is None:
            from albertplus_cli.storage.protocol import DuplicateDocumentError

            raise DuplicateDocumentError(f"A document with _id {doc_id} already exists")
        return int(row[0])

    def update_document(self, doc: int, body: bytes) -> None:
        self._run("UPDATE documents SET body = %s WHERE doc = %s", (body, doc))

    def delete_document(self, doc: int) -> None:
        self._run("DELETE FROM documents WHERE doc = %s", (doc,))

    def has_documents(self) -> bool:
        return bool(self._one("SELECT EXISTS(SELECT 1 FROM documents)")[0])

    def table_ids(self, table_number: int) -> list[str]:
        return [r[0] for r in self._rows("SELECT id FROM documents WHERE table_number = %s ORDER BY doc",
                                         (table_number,))]

    def export_rows(self, table_number: int) -> Iterator[tuple[str, float, bytes]]:
        yield from self._rows("SELECT id, creation_time, body FROM documents WHERE table_number = %s "
                              "ORDER BY creation_time, id COLLATE \"C\"", (table_number,))

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(ids, 1000):
            found.update(r[0] for r in self._rows("SELECT id FROM documents WHERE id = ANY(%s)", (list(chunk),)))
        return found

    def count_documents(self, table_number: int) -> int:
        return int(self._one("SELECT count(*) FROM documents WHERE table_number = %s", (table_number,))[0])

    def iter_table(self, table_number: int) -> Iterator[tuple[int, str, float, bytes]]:
        last = 0
        while True:  # in pages by doc: a whole table never sits in memory twice
            rows = self._rows("SELECT doc, id, creation_time, body FROM documents WHERE table_number = %s "
                              "AND doc > %s ORDER BY doc LIMIT 5000", (table_number, last))
            yield from rows
            if len(rows) < 5000:
                return
            last = rows[-1][0]

    # -- index entries -----------------------------------------------------------------------------

    def put_entries(self, entries: Sequence[tuple[int, bytes, int]]) -> None:
        self._many("INSERT INTO index_entries(index_id, key, doc) VALUES (%s, %s, %s)", entries)

    def delete_entries(self, entries: Sequence[tuple[int, bytes]]) -> None:
        self._many("DELETE FROM index_entries WHERE index_id = %s AND key = %s", entries)

    def scan(
        self, index_id: int, lower: bytes | None, lower_inclusive: bool, upper: bytes | None,
        upper_inclusive: bool, descending: bool, limit: int,
    ) -> list[tuple[bytes, int, str, float, bytes]]:
        """One page of an index range joined with the documents: a range scan of index_entries' primary key."""
        parts = ["SELECT e.key, d.doc, d.id, d.creation_time, d.body FROM index_entries e "
                 "JOIN documents d ON d.doc = e.doc WHERE e.index_id = %s"]
        params: list[object] = [index_id]
        if lower is not None:
            parts.append("AND e.key >= %s" if lower_inclusive else "AND e.key > %s")
            params.append(lower)
        if upper is not None:
            parts.append("AND e.key <= %s" if upper_inclusive else "AND e.key < %s")
            params.append(upper)
        parts.append("ORDER BY e.key DESC" if descending else "ORDER BY e.key")
        parts.append("LIMIT %s")
        params.append(limit)
        return self._rows(" ".join(parts), params)

    # -- search ------------------------------------------------------------------------------------

    def search_put(self, index_id: int, doc: int, text: str, filters: Sequence[bytes]) -> None:
        columns = sql.SQL("").join(sql.SQL(", {}").format(sql.Identifier(f"f{i}")) for i in range(len(filters)))
        marks = sql.SQL(", %s" * len(filters))
        self._run(sql.SQL("INSERT INTO {}(doc, tsv{}) VALUES (%s, to_tsvector('simple', %s){})")
                  .format(_search_table(index_id), columns, marks), (doc, _plain(text), *filters))

    def search_delete(self, index_id: int, doc: int) -> None:
        self._run(sql.SQL("DELETE FROM {} WHERE doc = %s").format(_search_table(index_id)), (doc,))

    def search(
        self, index_id: int, terms: Sequence[str], filters: dict[int, bytes], limit: int
    ) -> list[tuple[int, str, float, bytes, float]]:
        """Convex's rule on tsvector + GIN: at least one of the terms (`'a' | 'b':*`, only the last also as a
        prefix) and every filter equal, by ts_rank (how many of the terms and how often: more of them first),
        ties newest first.

        Convex: get-convex/convex-backend crates/search/src/convex_query.rs ("Contain at least one of the OR
        terms. Match all of the AND terms.") and the docs' "Relevance order"; see database/query.py. Unlike
        FTS5's BM25 on SQLite, ts_rank does not weigh how rare a term is across documents nor the field's
        length, so among partial matches the order can differ from SQLite's; which documents match does not.
        """
        words = [w for t in terms for w in _plain(t).split()]
        if not words:
            return []
        query = " | ".join(f"'{w}'" for w in words) + ":*"
        where = sql.SQL("").join(sql.SQL(" AND s.{} = %s").format(sql.Identifier(f"f{i}")) for i in filters)
        statement = sql.SQL(
            "SELECT d.doc, d.id, d.creation_time, d.body, -ts_rank(s.tsv, q) AS rank "
            "FROM {} s CROSS JOIN to_tsquery('simple', %s) q JOIN documents d ON d.doc = s.doc "
            "WHERE s.tsv @@ q{} ORDER BY rank, d.creation_time DESC LIMIT %s"
        ).format(_search_table(index_id), where)
        try:
            with self._connection() as conn:
                return conn.execute(statement, (query, *filters.values(), limit)).fetchall()
        except psycopg.Error as e:
            raise _error(e) from None

    # -- commit log and timestamps ----------------------------------------------------------------

    def last_commit(self) -> tuple[int, float]:
        row = self._one("SELECT ts, creation_time FROM commits ORDER BY ts DESC LIMIT 1")
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    def append_commit(self, ts: int, creation_time: float, writes: bytes) -> None:
        self._run("INSERT INTO commits(ts, creation_time, writes) VALUES (%s, %s, %s)", (ts, creation_time, writes))
        self._wrote_commit = True

    def prune_commits(self, before_ts: int) -> int:
        newest = self.last_commit()[0]
        cut = min(before_ts, newest)
        count = self._run("DELETE FROM commits WHERE ts < %s", (cut,))
        if count:
            self.set_meta("commits_pruned_through", str(cut - 1))
        return count

    def pruned_through(self) -> int:
        value = self.get_meta("commits_pruned_through")
        return int(value) if value else 0

    def commits_after(self, ts: int, limit: int = 1000) -> list[tuple[int, bytes]]:
        return self._rows("SELECT ts, writes FROM commits WHERE ts > %s ORDER BY ts LIMIT %s", (ts, limit))

    # -- session requests and meta ----------------------------------------------------------------

    def get_session_request(self, session_id: str, request_id: int) -> tuple[int, bytes] | None:
        row = self._one("SELECT ts, result FROM session_requests WHERE session_id = %s AND request_id = %s",
                        (session_id, request_id))
        return None if row is None else (int(row[0]), bytes(row[1]))

    def put_session_request(self, session_id: str, request_id: int, ts: int, result: bytes) -> None:
        self._run("INSERT INTO session_requests(session_id, request_id, ts, result) VALUES (%s, %s, %s, %s) "
                  "ON CONFLICT (session_id, request_id) DO UPDATE SET ts = excluded.ts, result = excluded.result",
                  (session_id, request_id, ts, result))

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = %s", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._run("INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  (key, value))


def _search_table(index_id: int) -> sql.Identifier:
    return sql.Identifier(f"search_{index_id}")


def _plain(text: str) -> str:
    """Lower-cased words without diacritics, separated by spaces: the tokens SQLite's unicode61 would make."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in stripped).lower().split())
