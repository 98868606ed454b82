"""A transaction: one snapshot to read, buffered checks on every write, and its read and write sets.

Queries run on a storage read session inside one snapshot; mutations run inside the single writer's
transaction (in a savepoint), so their reads see their own writes and they are serializable by construction.
Every read records the index-key interval it covered; every write records old and new keys.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

from albertplus_cli.database.catalog import Catalog, IndexInfo, SearchInfo, TableInfo
from albertplus_cli.database.documents import to_document, user_fields
from albertplus_cli.database.errors import DatabaseError
from albertplus_cli.database.read_set import TABLE_CREATION_INDEX, ReadSet, by_id_index
from albertplus_cli.database.write_set import WriteSet
from albertplus_cli.storage import DuplicateDocumentError, ReadSession, WriteSession
from albertplus_cli.values import limits
from albertplus_cli.values.ids import FIRST_USER_TABLE_NUMBER, InvalidIdError, decode_id, new_id
from albertplus_cli.values.index_keys import encode_key, field_value
from albertplus_cli.values.json_formats import InvalidValueError
from albertplus_cli.values.types import UNDEFINED
from albertplus_cli.values.validators import ValidationError

SYSTEM_FIELDS = ("_id", "_creationTime")


def next_up(x: float) -> float:
    return math.nextafter(x, math.inf)


def _nested_system_field(value: Any) -> str | None:
    """The first `_`-prefixed field name below the top level: Convex refuses such documents
    (`DocumentValidationError::NestedSystemField`), so an export of ours must not contain any."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key.startswith("_"):
                return key
            found = _nested_system_field(item)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for item in value:
            found = _nested_system_field(item)
            if found is not None:
                return found
    return None


class Transaction:
    """State of one function execution's database access."""

    #: Set by system operations (`albertplus import`) that must write a whole table in one transaction, as
    #: Convex's snapshot import does; user functions keep Convex's per-transaction write limit.
    system_writes: bool = False

    def __init__(
        self,
        session: ReadSession | WriteSession,
        catalog: Catalog,
        *,
        writable: bool,
        snapshot_ts: int,
        creation_time: float = 0.0,
        deadline: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.writable = writable
        self.snapshot_ts = snapshot_ts
        self.reads = ReadSet()
        self.writes = WriteSet()
        self.scanned = 0
        self.written = 0
        self.paginated = False
        self.journal_in: str | None = None
        self.journal_out: str | None = None
        self.catalog_changed = False
        # Called by the writer with the commit ts, inside the transaction, before it commits.
        self.commit_hooks: list[Callable[[int], None]] = []
        self._creation_time = max(creation_time, time.time() * 1000.0)
        self.max_creation_time = creation_time
        self._deadline = deadline

    # -- bookkeeping -------------------------------------------------------------------------------

    def tick(self) -> None:
        """Called on every database operation: enforces the time limit."""
        if self._deadline is not None:
            self._deadline()

    def count_scanned(self, n: int = 1) -> None:
        self.scanned += n
        if self.scanned > limits.MAX_SCANNED_DOCUMENTS:
            raise DatabaseError(
                f"Too many documents read in a single function execution (limit: {limits.MAX_SCANNED_DOCUMENTS}). "
                "Consider using smaller limits in your queries, paginating your queries, or using indexed "
                "queries with a selective index range expressions."
            )

    def write_session(self) -> WriteSession:
        """The write session: only a mutation's transaction writes (`_table_for_write`/`_existing` check that)."""
        return cast("WriteSession", self.session)

    def _count_written(self) -> None:
        self.written += 1
        if self.written > limits.MAX_WRITTEN_DOCUMENTS and not self.system_writes:
            raise DatabaseError(
                f"Too many writes in a single function execution (limit: {limits.MAX_WRITTEN_DOCUMENTS})"
            )

    def _check_intervals(self) -> None:
        if self.reads.interval_count() > limits.MAX_READ_INTERVALS:
            raise DatabaseError(
                f"Too many reads in a single function execution (limit: {limits.MAX_READ_INTERVALS} index ranges)."
            )

    def record_interval(self, index_id: int, lo: bytes, hi: bytes | None) -> None:
        self.reads.add_interval(index_id, lo, hi)
        self._check_intervals()

    # -- tables ------------------------------------------------------------------------------------

    def table_info(self, name: str) -> TableInfo | None:
        if not isinstance(name, str):
            raise DatabaseError(f"Table name must be a string, got {type(name).__name__}")
        info = self.catalog.table(name)
        if info is None:
            # A schemaless read of a table that does not exist yet: wake up when it is created.
            self.reads.add_point(TABLE_CREATION_INDEX, name.encode())
        return info

    def _table_for_write(self, name: str) -> TableInfo:
        if not self.writable:
            raise DatabaseError("Cannot write to the database in a query: use a mutation.")
        if not isinstance(name, str):
            raise DatabaseError(f"Table name must be a string, got {type(name).__name__}")
        if name.startswith("_"):
            raise DatabaseError("System tables (prefixed with `_`) are read-only.")
        info = self.catalog.table(name)
        if info is not None:
            if not info.in_schema and self.catalog.schema is not None and self.catalog.schema.tables:
                raise DatabaseError(f'Table "{name}" is not in the schema; add it to schema.py to write to it.')
            return info
        if self.catalog.schema is not None and self.catalog.schema.tables:
            raise DatabaseError(f'Table "{name}" is not in the schema; add it to schema.py to write to it.')
        return self._create_table(name)

    def _create_table(self, name: str) -> TableInfo:
        from albertplus_cli.schema.identifiers import SchemaError, check_table_name

        try:
            check_table_name(name)
        except SchemaError as e:
            raise DatabaseError(str(e)) from None
        number = self.write_session().create_table(name, FIRST_USER_TABLE_NUMBER)
        index_id = self.write_session().create_index(number, "by_creation_time", "database", '{"fields":[]}')
        info = TableInfo(name, number, None, in_schema=False)
        info.indexes["by_creation_time"] = IndexInfo(index_id, name, "by_creation_time", ())
        self.catalog = Catalog([*self.catalog.by_name.values(), info], self.catalog.schema)
        self.catalog_changed = True
        self.writes.add_key(TABLE_CREATION_INDEX, name.encode())
        return info

    # -- reads -------------------------------------------------------------------------------------

    def _decode_id_arg(self, doc_id: Any, what: str) -> int:
        try:
            return decode_id(doc_id).table_number
        except InvalidIdError as e:
            raise DatabaseError(f"Invalid argument `id` for `{what}`: Unable to decode ID: {e}") from None

    def get(self, doc_id: Any, table: str | None = None) -> dict[str, Any] | None:
        self.tick()
        number = self._decode_id_arg(doc_id, "db.get")
        if table is not None:
            expected = self.table_info(table)
            if expected is None or expected.number != number:
                raise DatabaseError(f"Invalid argument `id` for `db.get`: the id is not an id of table '{table}'")
        self.reads.add_point(by_id_index(number), doc_id.encode())
        self._check_intervals()
        info = self.catalog.by_number.get(number)
        if info is None:
            return None
        row = self.session.get_by_id(doc_id)
        self.count_scanned()
        if row is None or row[1] != number:
            return None
        return to_document(doc_id, row[2], row[3])

    def normalize_id(self, table: str, doc_id: Any) -> str | None:
        info = self.table_info(table)
        if info is None or not isinstance(doc_id, str):
            return None
        try:
            decoded = decode_id(doc_id)
        except InvalidIdError:
            return None
        return doc_id if decoded.table_number == info.number else None

    def scan(self, index: IndexInfo, lo: bytes, hi: bytes | None, descending: bool) -> IndexScan:
        return IndexScan(self, index, lo, hi, descending)

    def search(
        self, info: SearchInfo, terms: list[str], filters: dict[int, bytes], limit: int
    ) -> list[dict[str, Any]]:
        self.tick()
        self.reads.add_search(info.index_id, filters)
        self._check_intervals()
        rows = self.session.search(info.index_id, terms, filters, limit)
        self.count_scanned(len(rows))
        return [to_document(doc_id, ct, body) for _doc, doc_id, ct, body, _rank in rows]

    # -- writes ------------------------------------------------------------------------------------

    def _validate(self, info: TableInfo, fields: dict[str, Any]) -> None:
        for name in fields:
            if name.startswith("_"):
                raise DatabaseError(
                    f"Field '{name}' starts with an underscore, which is only allowed for system fields like '_id'"
                )
        nested = _nested_system_field(list(fields.values()))
        if nested is not None:
            raise DatabaseError(f"Field '{nested}' starts with an underscore, which is not allowed for nested fields")
        schema = self.catalog.schema
        if info.validator is not None and (schema is None or schema.schema_validation):
            try:
                info.validator.check(fields, "", self.catalog.table_number)
            except ValidationError as e:
                raise DatabaseError(
                    f'Failed to insert or update a document in table "{info.name}" because it does not match '
                    f"the schema: {e}"
                ) from None

    def _encode_body(self, document: dict[str, Any]) -> bytes:
        try:
            return limits.check_document(user_fields(document))
        except (limits.LimitError, InvalidValueError) as e:
            raise DatabaseError(str(e)) from None

    def _index_rows(self, info: TableInfo, document: dict[str, Any]) -> list[tuple[IndexInfo, bytes]]:
        rows = []
        for index in info.indexes.values():
            values = [field_value(document, f) for f in index.key_fields]
            values.append(document["_id"])
            rows.append((index, encode_key(values)))
        return rows

    def _search_rows(
        self, info: TableInfo, document: dict[str, Any]
    ) -> list[tuple[SearchInfo, str | None, list[bytes]]]:
        rows = []
        for search in info.search_indexes.values():
            text = field_value(document, search.search_field)
            filters = [encode_key([field_value(document, f)]) for f in search.filter_fields]
            rows.append((search, text if isinstance(text, str) else None, filters))
        return rows

    def _write_indexes(self, info: TableInfo, doc: int, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        old_rows = self._index_rows(info, old) if old is not None else []
        new_rows = self._index_rows(info, new) if new is not None else []
        if old_rows:
            self.write_session().delete_entries([(index.index_id, key) for index, key in old_rows])
        if new_rows:
            self.write_session().put_entries([(index.index_id, key, doc) for index, key in new_rows])
        for index, key in (*old_rows, *new_rows):
            self.writes.add_key(index.index_id, key)
        doc_id = (new or old or {})["_id"]
        self.writes.add_key(by_id_index(info.number), doc_id.encode())
        if old is not None:
            for search, _text, filters in self._search_rows(info, old):
                self.write_session().search_delete(search.index_id, doc)
                self.writes.add_search(search.index_id, filters)
        if new is not None:
            for search, text, filters in self._search_rows(info, new):
                if text is not None:
                    self.write_session().search_put(search.index_id, doc, text, filters)
                self.writes.add_search(search.index_id, filters)

    def insert(self, table: str, value: Any) -> str:
        self.tick()
        info = self._table_for_write(table)
        if not isinstance(value, dict):
            raise DatabaseError(f"insert() takes an object, got {type(value).__name__}")
        if "_id" in value or "_creationTime" in value:
            raise DatabaseError("Provided system fields `_id`/`_creationTime` are not allowed in insert()")
        fields = {k: val for k, val in value.items() if val is not UNDEFINED}
        self._validate(info, fields)
        doc_id = new_id(info.number)
        self._creation_time = next_up(self._creation_time)
        self.max_creation_time = max(self.max_creation_time, self._creation_time)
        document = {"_id": doc_id, "_creationTime": self._creation_time, **fields}
        body = self._encode_body(document)
        self._count_written()
        doc = self.write_session().insert_document(doc_id, info.number, self._creation_time, body)
        self._write_indexes(info, doc, None, document)
        return doc_id

    def import_document(
        self, table: str, value: dict[str, Any], doc_id: str | None = None, creation_time: float | None = None,
        *, validate: bool = True,
    ) -> str:
        """Insert a document keeping a given `_id` and `_creationTime` (either may be None: a new one is made).

        For the data commands only (`albertplus import`, `seed`): Convex's import is the one way to keep system
        fields. The id must be a valid id of `table` that no document has; the creation time a float64 in
        (0, 2^53). Later inserts get larger creation times than any imported one, so `_creationTime` order
        stays insertion order. `validate=False` skips the schema check for a caller that has already checked
        these very fields against this catalog (seed validates every row before its first write), so the
        same document is not validated twice.
        """
        self.tick()
        info = self._table_for_write(table)
        fields = {k: val for k, val in value.items() if val is not UNDEFINED}
        if validate:
            self._validate(info, fields)
        if doc_id is None:
            doc_id = new_id(info.number)
        elif self._decode_id_arg(doc_id, "import") != info.number:
            raise DatabaseError(f"Invalid _id {doc_id}: it is not an id of table '{table}'")
        if creation_time is None:
            self._creation_time = next_up(self._creation_time)
            creation_time = self._creation_time
        elif isinstance(creation_time, bool) or not isinstance(creation_time, (int, float)) or not (
            0 < creation_time < 2**53
        ):
            raise DatabaseError(f"Invalid _creationTime {creation_time!r}: must be a number in (0, 2^53)")
        else:
            creation_time = float(creation_time)
            self._creation_time = max(self._creation_time, creation_time)
        self.max_creation_time = max(self.max_creation_time, creation_time)
        document = {"_id": doc_id, "_creationTime": creation_time, **fields}
        body = self._encode_body(document)
        self._count_written()
        try:
            doc = self.write_session().insert_document(doc_id, info.number, creation_time, body)
        except DuplicateDocumentError as e:
            raise DatabaseError(str(e)) from None
        self._write_indexes(info, doc, None, document)
        return doc_id

    def _existing(self, doc_id: Any, table: str | None, what: str) -> tuple[TableInfo, int, dict[str, Any]]:
        if not self.writable:
            raise DatabaseError("Cannot write to the database in a query: use a mutation.")
        number = self._decode_id_arg(doc_id, what)
        info = self.catalog.by_number.get(number)
        if info is None or (table is not None and info.name != table):
            raise DatabaseError(f"{what.split('.')[-1].capitalize()} on nonexistent document ID {doc_id}")
        if info.name.startswith("_"):
            raise DatabaseError("System tables (prefixed with `_`) are read-only.")
        row = self.session.get_by_id(doc_id)
        self.reads.add_point(by_id_index(number), doc_id.encode())
        if row is None:
            verb = {"db.patch": "Update", "db.replace": "Replace", "db.delete": "Delete"}[what]
            raise DatabaseError(f"{verb} on nonexistent document ID {doc_id}")
        return info, row[0], to_document(doc_id, row[2], row[3])

    def _check_system_fields(self, value: dict[str, Any], old: dict[str, Any]) -> None:
        for name in SYSTEM_FIELDS:
            if name in value and value[name] is not UNDEFINED and value[name] != old[name]:
                raise DatabaseError(f"Cannot change the system field `{name}` of a document")

    def _rewrite(self, info: TableInfo, doc: int, old: dict[str, Any], fields: dict[str, Any]) -> None:
        self._validate(info, fields)
        new = {"_id": old["_id"], "_creationTime": old["_creationTime"], **fields}
        body = self._encode_body(new)
        self._count_written()
        self.write_session().update_document(doc, body)
        self._write_indexes(info, doc, old, new)

    def patch(self, doc_id: Any, value: Any, table: str | None = None) -> None:
        self.tick()
        info, doc, old = self._existing(doc_id, table, "db.patch")
        if not isinstance(value, dict):
            raise DatabaseError(f"patch() takes an object, got {type(value).__name__}")
        self._check_system_fields(value, old)
        fields = user_fields(old)
        for name, item in value.items():
            if name in SYSTEM_FIELDS:
                continue
            if item is UNDEFINED:
                fields.pop(name, None)
            else:
                fields[name] = item
        self._rewrite(info, doc, old, fields)

    def replace(self, doc_id: Any, value: Any, table: str | None = None) -> None:
        self.tick()
        info, doc, old = self._existing(doc_id, table, "db.replace")
        if not isinstance(value, dict):
            raise DatabaseError(f"replace() takes an object, got {type(value).__name__}")
        self._check_system_fields(value, old)
        fields = {k: v for k, v in value.items() if k not in SYSTEM_FIELDS and v is not UNDEFINED}
        self._rewrite(info, doc, old, fields)

    def delete(self, doc_id: Any, table: str | None = None) -> None:
        self.tick()
        info, doc, old = self._existing(doc_id, table, "db.delete")
        self._count_written()
        self.write_session().delete_document(doc)
        self._write_indexes(info, doc, old, None)


class IndexScan:
    """Streams one index range in pages and records the interval it actually covered."""

    def __init__(self, tx: Transaction, index: IndexInfo, lo: bytes, hi: bytes | None, descending: bool) -> None:
        self.tx = tx
        self.index = index
        self.lo = lo
        self.hi = hi
        self.descending = descending
        self.last_key: bytes | None = None
        self.exhausted = False

    def __iter__(self) -> Iterator[tuple[bytes, dict[str, Any]]]:
        batch = 16
        lo, hi = self.lo, self.hi
        while True:
            self.tx.tick()
            rows = self.tx.session.scan(
                self.index.index_id, lo or None, True, hi, False, self.descending, batch
            )
            for key, _doc, doc_id, creation_time, body in rows:
                self.tx.count_scanned()
                self.last_key = key
                yield key, to_document(doc_id, creation_time, body)
            if len(rows) < batch:
                self.exhausted = True
                return
            last = rows[-1][0]
            if self.descending:
                hi = last
            else:
                lo = last + b"\x00"
            batch = min(batch * 4, 1024)

    def finish(self) -> None:
        """Record the covered interval: the whole range if exhausted, else up to the last key read."""
        if self.exhausted:
            self.tx.record_interval(self.index.index_id, self.lo, self.hi)
        elif self.last_key is None:
            return  # nothing was read (take(0)): no interval
        elif self.descending:
            self.tx.record_interval(self.index.index_id, self.last_key, self.hi)
        else:
            self.tx.record_interval(self.index.index_id, self.lo, self.last_key + b"\x00")
