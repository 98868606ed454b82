"""Applying a schema to the database: create tables and indexes, backfill, drop, validate existing data.

Runs inside one write transaction: if any stored document no longer matches its table's validator, the push
fails naming the table, the first offending ids, the path and value — and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from albertplus_cli.database.catalog import CREATION_TIME_INDEX, Catalog, IndexInfo, SearchInfo, TableInfo
from albertplus_cli.database.documents import to_document, user_fields
from albertplus_cli.schema import SchemaDefinition
from albertplus_cli.storage import WriteSession
from albertplus_cli.values.ids import FIRST_USER_TABLE_NUMBER
from albertplus_cli.values.index_keys import encode_key, field_value
from albertplus_cli.values.types import UNDEFINED
from albertplus_cli.values.validators import ValidationError

MAX_REPORTED_FAILURES = 3
# progress(description, done, total)
Progress = Callable[[str, int, int], None]


class SchemaValidationError(Exception):
    """Existing documents do not match the new schema; the push was not applied.

    The message counts the offending documents, shows the first few with the field that fails and why (one
    line each), and says how to change a schema under existing data.
    """

    def __init__(self, table: str, failures: list[tuple[str, str]], failing: int | None = None,
                 total: int | None = None) -> None:
        self.table = table
        self.failures = failures
        self.failing = len(failures) if failing is None else failing
        self.total = total
        of_total = f" of {total}" if total is not None else ""
        noun = "document" if (total if total is not None else self.failing) == 1 else "documents"
        lines = [f"Schema validation failed: {self.failing}{of_total} {noun} in table \"{table}\" "
                 "do not match the schema."]
        for doc_id, message in failures:
            lines.append(f"  Document with ID \"{doc_id}\": {message}")
        if self.failing > len(failures):
            lines.append(f"  ... and {self.failing - len(failures)} more")
        lines.append("To change a field under existing data: make it optional (v.optional(...)), backfill the "
                     "documents (a mutation, or `albertplus import --replace`), then require it again.")
        super().__init__("\n".join(lines))


def failure_reason(error: ValidationError) -> str:
    """One line for a validation failure: the field, and the value and validator or the rule it breaks."""
    lines = str(error).split("\n")
    details = {k: v for k, _, v in (line.partition(": ") for line in lines[1:]) if v}
    path = error.path or details.get("Path", "") or "(root)"
    if lines[0].startswith("Value does not match validator") and "Value" in details:
        reason = f"{path}: value {details['Value']} does not match {details.get('Validator', 'the validator')}"
    else:
        reason = f"{path}: {lines[0].split('. Consider')[0].rstrip('.')}"
    return reason if len(reason) <= 200 else reason[:197] + "..."


@dataclass
class SchemaChange:
    added_tables: list[str] = field(default_factory=list)
    added_indexes: list[str] = field(default_factory=list)
    removed_indexes: list[str] = field(default_factory=list)
    validated_tables: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        return ([f"+ table {t}" for t in self.added_tables] + [f"+ index {i}" for i in self.added_indexes]
                + [f"- index {i}" for i in self.removed_indexes])


def _table_schema_json(schema: SchemaDefinition | None, name: str) -> bytes | None:
    table = schema.table(name) if schema else None
    return None if table is None else orjson.dumps(table.validator.to_json())


def _desired_indexes(schema: SchemaDefinition | None, name: str) -> dict[str, tuple[str, str]]:
    """index name -> (kind, spec json) wanted for a table."""
    wanted = {CREATION_TIME_INDEX: ("database", '{"fields":[]}')}
    table = schema.table(name) if schema else None
    if table is not None:
        for index in table.indexes.values():
            wanted[index.name] = ("database", orjson.dumps({"fields": list(index.fields)}).decode())
        for search in table.search_indexes.values():
            spec = {"searchField": search.search_field, "filterFields": list(search.filter_fields)}
            wanted[search.name] = ("search", orjson.dumps(spec).decode())
    return wanted


def apply_schema(
    session: WriteSession, schema: SchemaDefinition | None, progress: Progress | None = None
) -> tuple[Catalog, SchemaChange]:
    """Bring the catalog in line with `schema` inside the caller's transaction; returns the new catalog."""
    change = SchemaChange()
    existing = {row.name: row.number for row in session.load_tables()}
    for name in (schema.tables if schema else {}):
        if name not in existing:
            existing[name] = session.create_table(name, FIRST_USER_TABLE_NUMBER)
            change.added_tables.append(name)
    stored_indexes = {(row.table_number, row.name): row for row in session.load_indexes()}
    for name, number in existing.items():
        wanted = _desired_indexes(schema, name)
        for (table_number, index_name), row in stored_indexes.items():
            if table_number != number:
                continue
            if index_name not in wanted or wanted[index_name] != (row.kind, row.spec):
                session.drop_index(row.index_id, row.kind)
                if index_name not in wanted:
                    change.removed_indexes.append(f"{name}.{index_name}")
        new_indexes: list[_NewIndex] = []
        for index_name, (kind, spec) in wanted.items():
            stored = stored_indexes.get((number, index_name))
            if stored is not None and (stored.kind, stored.spec) == (kind, spec):
                continue
            index_id = session.create_index(number, index_name, kind, spec)
            if index_name != CREATION_TIME_INDEX:
                change.added_indexes.append(f"{name}.{index_name}")
            new_indexes.append(_NewIndex(index_id, index_name, kind, orjson.loads(spec)))
        if new_indexes:
            _backfill(session, name, number, new_indexes, progress)
    catalog = Catalog.load(session, schema)
    _validate_changed_tables(session, catalog, schema, change, progress)
    session.set_meta("schema", orjson.dumps(schema.to_json() if schema else None).decode())
    return catalog, change


@dataclass
class _NewIndex:
    index_id: int
    name: str
    kind: str  # "database" | "search"
    spec: dict[str, Any]


BACKFILL_BATCH = 10_000


def _backfill(
    session: WriteSession, table: str, number: int, indexes: list[_NewIndex], progress: Progress | None,
) -> None:
    """Fill every new index of one table in a single pass over its documents (each decoded once), writing
    the entries with batched executemany."""
    for index in indexes:
        if index.kind == "search":
            session.create_search_index(index.index_id, len(index.spec["filterFields"]))
    total = session.count_documents(number)
    if total == 0:
        return
    labels = [f"Backfilling {table}.{i.name}" for i in indexes]
    database = [(i.index_id, tuple(IndexInfo(i.index_id, table, i.name, tuple(i.spec["fields"])).key_fields))
                for i in indexes if i.kind == "database"]
    searches = [SearchInfo(i.index_id, table, i.name, i.spec["searchField"], tuple(i.spec["filterFields"]))
                for i in indexes if i.kind == "search"]
    # Top-level user fields are read straight from the decoded body; system fields from the row.
    plans = [(index_id, [(f, "." in f) for f in key_fields if f != "_creationTime"]) for index_id, key_fields
             in database]
    batch: list[tuple[int, bytes, int]] = []
    done = 0
    for doc, doc_id, ct, body in session.iter_table(number):
        done += 1
        document = to_document(doc_id, ct, body)
        for index_id, fields in plans:
            values = [field_value(document, f) if nested else document.get(f, UNDEFINED) for f, nested in fields]
            values.append(ct)
            values.append(doc_id)
            batch.append((index_id, encode_key(values), doc))
        for info in searches:
            text = field_value(document, info.search_field)
            if isinstance(text, str):
                filters = [encode_key([field_value(document, f)]) for f in info.filter_fields]
                session.search_put(info.index_id, doc, text, filters)
        if len(batch) >= BACKFILL_BATCH or (searches and done % BACKFILL_BATCH == 0):
            session.put_entries(batch)
            batch.clear()
            if progress:
                for label in labels:
                    progress(label, done, total)
    session.put_entries(batch)
    if progress:
        for label in labels:
            progress(label, total, total)


def _validate_changed_tables(
    session: WriteSession, catalog: Catalog, schema: SchemaDefinition | None, change: SchemaChange,
    progress: Progress | None,
) -> None:
    if schema is None or not schema.schema_validation:
        return
    previous_json = session.get_meta("schema")
    previous = orjson.loads(previous_json) if previous_json else None
    old_validators: dict[str, bytes] = {}
    if previous:
        for table in previous.get("tables", []):
            old_validators[table["tableName"]] = orjson.dumps(table["documentType"])
    for name, info in catalog.by_name.items():
        new_json = _table_schema_json(schema, name)
        if new_json is None or old_validators.get(name) == new_json:
            continue
        _validate_table(session, catalog, info, progress)
        change.validated_tables.append(name)


def _validate_table(session: WriteSession, catalog: Catalog, info: TableInfo, progress: Progress | None) -> None:
    assert info.validator is not None
    failures: list[tuple[str, str]] = []
    failing = 0
    total = session.count_documents(info.number)
    for done, (_doc, doc_id, ct, body) in enumerate(session.iter_table(info.number), 1):
        document = to_document(doc_id, ct, body)
        try:
            info.validator.check(user_fields(document), "", catalog.table_number)
        except ValidationError as e:
            failing += 1
            if len(failures) < MAX_REPORTED_FAILURES:
                failures.append((doc_id, failure_reason(e)))
        if progress and done % 5000 == 0:
            progress(f"Validating {info.name}", done, total)
    if failures:
        raise SchemaValidationError(info.name, failures, failing, total)
