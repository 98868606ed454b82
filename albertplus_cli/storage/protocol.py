"""The storage interface: read snapshots, write sessions with savepoints, documents, index ranges, search, the log.

Like Convex's `Persistence` trait: the engine above `storage/` speaks only these methods, and each backend
(SQLite, PostgreSQL) is one module implementing them. Rows are plain tuples so a backend adds no copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


class StorageError(Exception):
    """The storage backend failed (server gone, disk full, pool exhausted): the operation did not happen."""


class DuplicateDocumentError(StorageError):
    """A document with this `_id` is already stored."""


@dataclass(frozen=True)
class TableRow:
    number: int
    name: str


@dataclass(frozen=True)
class IndexRow:
    index_id: int
    table_number: int
    name: str
    kind: str  # "database" | "search"
    spec: str  # JSON: fields, or searchField + filterFields


#: (key, doc, id, creation_time, body) of one index entry joined with its document.
ScanRow = tuple[bytes, int, str, float, bytes]
#: (doc, id, creation_time, body, rank) of one search hit.
SearchRow = tuple[int, str, float, bytes, float]
#: (doc, id, creation_time, body) of one stored document.
DocumentRow = tuple[int, str, float, bytes]


class ReadSession(Protocol):
    """One connection's reads. Between `begin()` and `end()` every read sees one consistent snapshot."""

    def begin(self) -> None: ...

    def end(self) -> None: ...

    # catalog
    def load_tables(self) -> list[TableRow]: ...

    def load_indexes(self) -> list[IndexRow]: ...

    # documents
    def get_by_id(self, doc_id: str) -> tuple[int, int, float, bytes] | None:
        """(doc, table_number, creation_time, body) of a document."""
        ...

    def count_documents(self, table_number: int) -> int: ...

    def has_documents(self) -> bool: ...

    def iter_table(self, table_number: int) -> Iterator[DocumentRow]:
        """Every document of a table in storage order (backfills, validation, seeding)."""
        ...

    def table_ids(self, table_number: int) -> list[str]:
        """Every `_id` of a table in storage order."""
        ...

    def export_rows(self, table_number: int) -> Iterator[tuple[str, float, bytes]]:
        """(id, creation_time, body) of a table by `_creationTime`, then `_id` (the export's order)."""
        ...

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Those of `ids` that a stored document has."""
        ...

    # index ranges and search
    def scan(
        self, index_id: int, lower: bytes | None, lower_inclusive: bool, upper: bytes | None,
        upper_inclusive: bool, descending: bool, limit: int,
    ) -> list[ScanRow]:
        """One page of an index range, in key order: one range scan of the index's b-tree."""
        ...

    def search(self, index_id: int, terms: Sequence[str], filters: dict[int, bytes], limit: int) -> list[SearchRow]:
        """Documents with at least one of `terms` (only the last also as a prefix) and every filter field equal,
        best first (more of the terms first), ties newest first: Convex's rule, see database/query.py."""
        ...

    # commit log
    def last_commit(self) -> tuple[int, float]:
        """(ts, largest creation time) of the newest commit, (0, 0.0) on an empty log."""
        ...

    def commits_after(self, ts: int, limit: int = 1000) -> list[tuple[int, bytes]]: ...

    def pruned_through(self) -> int: ...

    # session requests and meta
    def get_session_request(self, session_id: str, request_id: int) -> tuple[int, bytes] | None: ...

    def get_meta(self, key: str) -> str | None: ...


class WriteSession(ReadSession, Protocol):
    """The writer's connection: one transaction at a time (`begin_write`), savepoints inside it."""

    @property
    def in_transaction(self) -> bool:
        """False once the backend itself rolled the transaction back (the batch is lost)."""
        ...

    def begin_write(self) -> None:
        """Start the one write transaction; serializable against every other writer on the database."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None:
        """End the write transaction, discarding it, whatever state the backend left it in."""
        ...

    def savepoint(self) -> None: ...

    def release(self) -> None: ...

    def rollback_to(self) -> None: ...

    def close(self) -> None: ...

    # catalog
    def create_table(self, name: str, first_number: int) -> int: ...

    def create_index(self, table_number: int, name: str, kind: str, spec: str) -> int: ...

    def drop_index(self, index_id: int, kind: str) -> None: ...

    def create_search_index(self, index_id: int, n_filters: int) -> None: ...

    # documents and index entries
    def insert_document(self, doc_id: str, table_number: int, creation_time: float, body: bytes) -> int:
        """Store a document; raises DuplicateDocumentError when the `_id` is taken. Returns its row number."""
        ...

    def update_document(self, doc: int, body: bytes) -> None: ...

    def delete_document(self, doc: int) -> None: ...

    def put_entries(self, entries: Sequence[tuple[int, bytes, int]]) -> None: ...

    def delete_entries(self, entries: Sequence[tuple[int, bytes]]) -> None: ...

    def search_put(self, index_id: int, doc: int, text: str, filters: Sequence[bytes]) -> None: ...

    def search_delete(self, index_id: int, doc: int) -> None: ...

    # commit log, session requests, meta
    def append_commit(self, ts: int, creation_time: float, writes: bytes) -> None: ...

    def prune_commits(self, before_ts: int) -> int: ...

    def put_session_request(self, session_id: str, request_id: int, ts: int, result: bytes) -> None: ...

    def set_meta(self, key: str, value: str) -> None: ...


class Storage(Protocol):
    """One database: hands out this thread's read session, the writer's session, and commit notifications."""

    #: Reads wait on the network (a server database): callers keep them off the event loop.
    reads_block: bool

    #: Shown in messages ("SQLite file /x/data.sqlite3", "PostgreSQL database app on 10.0.0.1:5432").
    description: str

    def reader(self) -> ReadSession:
        """This thread's read session (reads run on several threads, each with its own connection)."""
        ...

    def writer(self) -> WriteSession:
        """A new write session (the database's writer thread keeps one for its lifetime)."""
        ...

    def peek_latest_ts(self) -> int:
        """The newest committed ts, including other processes' commits (cheap)."""
        ...

    #: True when `wait_for_commit` is woken by other processes' commits (PostgreSQL's LISTEN/NOTIFY); on
    #: False the sync hub polls the commit log instead.
    notifies_commits: bool

    def wait_for_commit(self, timeout: float) -> bool:
        """Block up to `timeout` s for a commit by any process; True when one may have happened."""
        ...

    def close(self) -> None: ...


def chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    """`items` in slices of at most `size` (bounded parameter lists)."""
    for start in range(0, len(items), size):
        yield items[start: start + size]
