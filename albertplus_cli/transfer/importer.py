"""`albertplus import`: snapshot ZIPs, JSONL, JSON arrays and CSV, validated in full before one atomic write.

Reading (`read_import`) parses every file, turns numbers into float64 or int64 by the table's validator
(`decoding`), keeps `_id` and `_creationTime` when given, and checks every document against the schema and
Convex's limits. All problems are collected and reported as ``file:line: field `x`: message``; nothing is
written unless there are none.

Writing (`perform_import`) is one transaction, whatever the size (a system write, like Convex's import, not
bound by the 16,000-writes limit of a function): with ``replace`` the old documents of each imported table are
deleted and the new ones inserted in that same transaction, so readers see either the old table or the new.
Without ``replace``/``append`` it refuses to touch a table that has documents.

Ids: a kept `_id` must be an id of the table it is imported into. A snapshot from another deployment numbers
its tables differently, so an id whose table number differs is re-encoded with this database's number for
that table (same 16-byte internal id), and every reference to it in the imported documents is rewritten.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from albertplus_cli.database import Database, DatabaseError, Transaction
from albertplus_cli.database.catalog import Catalog
from albertplus_cli.transfer.decoding import (
    OMIT,
    Context,
    DecodeError,
    decode_csv_cell,
    decode_json,
    field_validators,
    table_context,
)
from albertplus_cli.values import limits
from albertplus_cli.values.ids import FIRST_USER_TABLE_NUMBER, InvalidIdError, decode_id, encode_id
from albertplus_cli.values.json_formats import InvalidValueError
from albertplus_cli.values.validators import ValidationError, Validator

ImportFormat = Literal["zip", "jsonl", "json", "csv"]
Mode = Literal["replace", "append"]

FORMAT_NAMES: dict[str, ImportFormat] = {
    "zip": "zip", "jsonl": "jsonl", "jsonlines": "jsonl", "ndjson": "jsonl", "json": "json",
    "jsonarray": "json", "csv": "csv",
}
MAX_REPORTED_ERRORS = 20
MAX_SAFE_CREATION_TIME = 2**53


class ImportFailed(Exception):  # noqa: N818 - the CLI's name for it
    """The import cannot go ahead; `errors` lists every problem found (file, line, field)."""

    def __init__(self, errors: list[str] | str) -> None:
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        shown = self.errors[:MAX_REPORTED_ERRORS]
        more = len(self.errors) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more problems" if more > 0 else "")
        super().__init__(text)


@dataclass
class ImportDoc:
    source: str
    line: int
    fields: dict[str, Any]
    doc_id: str | None = None
    creation_time: float | None = None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass
class ImportTable:
    name: str
    source: str
    docs: list[ImportDoc] = field(default_factory=list)


@dataclass
class ImportPlan:
    path: Path
    format: ImportFormat
    tables: list[ImportTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    remapped_ids: int = 0

    @property
    def documents(self) -> int:
        return sum(len(t.docs) for t in self.tables)


@dataclass
class ImportReport:
    imported: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return sum(self.imported.values())


# -- formats ---------------------------------------------------------------------------------------


def detect_format(path: Path, fmt: str | None = None) -> ImportFormat:
    if fmt is not None:
        found = FORMAT_NAMES.get(fmt.lower().replace("_", "").replace("-", ""))
        if found is None:
            raise ImportFailed(f"unknown format {fmt!r}: use zip, jsonl, json or csv")
        return found
    suffix = path.suffix.lower().lstrip(".")
    found = FORMAT_NAMES.get(suffix)
    if found is None:
        raise ImportFailed(
            f"{path.name}: cannot tell the format from the extension; name it .zip, .jsonl, .json or .csv "
            "(or pass --format)"
        )
    return found


# A raw record: (line number, parsed JSON object | CSV cells by header)
_Raw = tuple[int, Any]


def _jsonl_records(data: bytes, source: str, errors: list[str]) -> Iterator[_Raw]:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as e:
            errors.append(f"{source}:{number}: not valid JSON ({e.msg})")


def _json_array_records(data: bytes, source: str, errors: list[str]) -> Iterator[_Raw]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        errors.append(f"{source}: not valid UTF-8 (at byte {e.start})")
        return
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        errors.append(f"{source}:{text.count(chr(10), 0, pos) + 1}: expected a JSON array of objects")
        return
    pos = _skip_ws(text, pos + 1)
    line, counted = 1, 0
    if pos < len(text) and text[pos] == "]":
        return
    while pos < len(text):
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            errors.append(f"{source}:{e.lineno}: not valid JSON ({e.msg}, column {e.colno})")
            return
        yield line, value
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            if _skip_ws(text, pos + 1) != len(text):
                errors.append(f"{source}: unexpected text after the JSON array")
            return
        errors.append(f"{source}:{text.count(chr(10), 0, pos) + 1}: expected ',' or ']' in the JSON array")
        return
    errors.append(f"{source}: the JSON array is not closed")


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _csv_records(data: bytes, source: str, errors: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        errors.append(f"{source}: not valid UTF-8 (at byte {e.start})")
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if header is None:
                header = cells
                continue
            if not cells:  # a blank line
                continue
            rows.append((reader.line_num, cells))
    except csv.Error as e:
        errors.append(f"{source}:{reader.line_num}: not valid CSV ({e})")
        return [], []
    if not header or all(not name for name in header):
        errors.append(f"{source}: a CSV import needs a header row naming the fields")
        return [], []
    seen: set[str] = set()
    for name in header:
        if not name:
            errors.append(f"{source}:1: the header row has an empty column name")
        elif name in seen:
            errors.append(f"{source}:1: the header row names `{name}` twice")
        seen.add(name)
    return header, rows


# -- decoding and checking ---------------------------------------------------------------------------


def _validator_for(catalog: Catalog, table: str) -> Validator | None:
    info = catalog.table(table)
    if info is not None and info.validator is not None:
        return info.validator
    schema = catalog.schema
    table_def = schema.table(table) if schema is not None else None
    return table_def.validator if table_def is not None else None


def _system_fields(record: dict[str, Any], where: str, errors: list[str]) -> tuple[str | None, float | None] | None:
    doc_id = record.pop("_id", None)
    creation_time = record.pop("_creationTime", None)
    ok = True
    if doc_id is not None and not isinstance(doc_id, str):
        errors.append(f"{where}: field `_id`: must be a document id string, got {orjson.dumps(doc_id).decode()}")
        ok = False
    if creation_time is not None:
        if isinstance(creation_time, str):
            try:
                creation_time = float(creation_time)
            except ValueError:
                pass
        if isinstance(creation_time, bool) or not isinstance(creation_time, (int, float)) or not (
            0 < creation_time < MAX_SAFE_CREATION_TIME
        ):
            errors.append(f"{where}: field `_creationTime`: must be a number of milliseconds in (0, 2^53), "
                          f"got {creation_time!r}")
            ok = False
        else:
            creation_time = float(creation_time)
    for name in record:
        if isinstance(name, str) and name.startswith("_"):
            errors.append(f"{where}: field `{name}`: starts with an underscore, which only the system fields "
                          "`_id` and `_creationTime` may")
            ok = False
    return (doc_id, creation_time) if ok else None


def _json_doc(
    table: ImportTable, line: int, data: Any, ctx: Context, ints_are_int64: bool, errors: list[str],
    int64_strings: bool = False,
) -> None:
    where = f"{table.source}:{line}"
    if not isinstance(data, dict):
        errors.append(f"{where}: expected a JSON object, got {type(data).__name__}")
        return
    record = dict(data)
    system = _system_fields(record, where, errors)
    if system is None:
        return
    try:
        fields = decode_json(record, ctx, ints_are_int64, "", int64_strings)
    except DecodeError as e:
        errors.append(f"{where}: field `{e.path.lstrip('.')}`: {e.message}")
        return
    table.docs.append(ImportDoc(table.source, line, fields, system[0], system[1]))


def _csv_doc(
    table: ImportTable, line: int, header: list[str], cells: list[str], ctx: Context, errors: list[str]
) -> None:
    where = f"{table.source}:{line}"
    if len(cells) != len(header):
        errors.append(f"{where}: {len(cells)} cells, but the header row names {len(header)} fields")
        return
    record: dict[str, Any] = {}
    for name, text in zip(header, cells, strict=True):
        if name in ("_id", "_creationTime"):
            if text != "":
                record[name] = text
            continue
        value = decode_csv_cell(text, field_validators(ctx, name))
        if value is not OMIT:
            record[name] = value
    system = _system_fields(record, where, errors)
    if system is not None:
        table.docs.append(ImportDoc(table.source, line, record, system[0], system[1]))


def _load_file(table: ImportTable, data: bytes, fmt: ImportFormat, ctx: Context, ints_are_int64: bool,
               errors: list[str], int64_strings: bool = False) -> None:
    if fmt == "csv":
        header, rows = _csv_records(data, table.source, errors)
        for line, cells in rows:
            _csv_doc(table, line, header, cells, ctx, errors)
        return
    records = _jsonl_records(data, table.source, errors) if fmt != "json" else _json_array_records(
        data, table.source, errors)
    for line, value in records:
        _json_doc(table, line, value, ctx, ints_are_int64, errors, int64_strings)


def _zip_tables(path: Path, only: str | None, plan: ImportPlan) -> list[tuple[str, str, bytes, bool]]:
    """(table, entry name, documents.jsonl bytes, legacy format?) for every table of a snapshot ZIP.

    Current Convex exports mark each table's documents as the uniform export format with a
    `generated_schema.jsonl` of `"uniform"`; an older export has an inferred shape there instead (legacy).
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ImportFailed(f"{path.name}: not a readable ZIP file ({e})") from None
    with zf:
        names = [n for n in zf.namelist() if not n.endswith("/") and not n.startswith("__MACOSX/")]
        prefix = _common_folder(names)
        out: list[tuple[str, str, bytes, bool]] = []
        for name in names:
            parts = name[len(prefix):].split("/")
            if parts[-1] != "documents.jsonl":
                continue
            if len(parts) != 2:
                plan.warnings.append(f"{name}: skipped (not <table>/documents.jsonl)")
                continue
            table = parts[0]
            if table.startswith("_"):
                if table == "_storage" and zf.getinfo(name).file_size > 0:
                    plan.warnings.append(f"{name}: file storage is not imported")
                continue
            if only is not None and table != only:
                continue
            schema_name = name[: -len("documents.jsonl")] + "generated_schema.jsonl"
            legacy = False
            if schema_name in names:
                first = zf.read(schema_name).split(b"\n", 1)[0].strip()
                legacy = bool(first) and first != b'"uniform"'
                if legacy:
                    plan.warnings.append(f"{name}: legacy export format; int64 values are read from strings "
                                         "where the schema says int64")
            out.append((table, name, zf.read(name), legacy))
    if not out:
        what = f"a `{only}/documents.jsonl`" if only else "any `<table>/documents.jsonl`"
        raise ImportFailed(f"{path.name}: the ZIP has no {what} (is it a Convex snapshot export?)")
    return sorted(out)


def _common_folder(names: list[str]) -> str:
    """A single folder every entry sits in (a snapshot zipped with its folder), else ''."""
    if not names or any("/" not in n for n in names):
        return ""
    first = names[0].split("/", 1)[0] + "/"
    if not all(n.startswith(first) for n in names):
        return ""
    if any(len(n.split("/")) == 2 and n.endswith("/documents.jsonl") for n in names):
        return ""  # a one-table snapshot: the folder is the table
    return first


def read_import(
    path: Path, catalog: Catalog, *, table: str | None = None, fmt: str | None = None
) -> ImportPlan:
    """Parse, decode and validate everything to import; raises ImportFailed listing every problem."""
    path = Path(path)
    kind = detect_format(path, fmt)
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    if kind != "zip" and not table:
        raise ImportFailed(f"{path.name}: --table is required to import a {kind.upper()} file")
    plan = ImportPlan(path, kind)
    errors: list[str] = []
    if kind == "zip":
        files = _zip_tables(path, table, plan)
    else:
        assert table is not None
        files = [(table, path.name, path.read_bytes(), False)]
    schema_tables = catalog.schema.tables if catalog.schema is not None else {}
    for name, source, data, legacy in files:
        if schema_tables and name not in schema_tables:
            errors.append(f"{source}: table `{name}` is not in the schema (schema.py)")
            continue
        if catalog.table(name) is None and not schema_tables:
            from albertplus_cli.schema.identifiers import SchemaError, check_table_name

            try:
                check_table_name(name)
            except SchemaError as e:
                errors.append(f"{source}: {e}")
                continue
        imported = ImportTable(name, source)
        ctx = table_context(_validator_for(catalog, name))
        _load_file(imported, data, kind, ctx, kind == "zip" and not legacy, errors, int64_strings=legacy)
        plan.tables.append(imported)
    if not errors:
        _assign_ids(plan, catalog, errors)
    if not errors:
        _validate(plan, catalog, errors)
    if errors:
        raise ImportFailed(errors)
    return plan


def _assign_ids(plan: ImportPlan, catalog: Catalog, errors: list[str]) -> None:
    numbers: dict[str, int] = {}
    next_number = max([FIRST_USER_TABLE_NUMBER - 1, *catalog.by_number])
    for imported in plan.tables:
        number = catalog.table_number(imported.name)
        if number is None:  # a table this import creates (schemaless project): the number it will get
            next_number += 1
            number = next_number
        numbers[imported.name] = number
    remap: dict[str, str] = {}
    seen: dict[str, str] = {}
    for imported in plan.tables:
        number = numbers[imported.name]
        for doc in imported.docs:
            if doc.doc_id is None:
                continue
            try:
                decoded = decode_id(doc.doc_id)
            except InvalidIdError as e:
                errors.append(f"{doc.where}: field `_id`: {doc.doc_id!r} is not a Convex document id ({e})")
                continue
            new = doc.doc_id
            if decoded.table_number != number:
                new = encode_id(number, decoded.internal_id)
                remap[doc.doc_id] = new
            if new in seen:
                errors.append(f"{doc.where}: field `_id`: {doc.doc_id} appears twice (first at {seen[new]})")
                continue
            seen[new] = doc.where
            doc.doc_id = new
    plan.remapped_ids = len(remap)
    if remap and not errors:
        for imported in plan.tables:
            for doc in imported.docs:
                doc.fields = _rewrite_ids(doc.fields, remap)


def _rewrite_ids(value: Any, remap: dict[str, str]) -> Any:
    if isinstance(value, str):
        return remap.get(value, value)
    if isinstance(value, list):
        return [_rewrite_ids(v, remap) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_ids(v, remap) for k, v in value.items()}
    return value


def _validate(plan: ImportPlan, catalog: Catalog, errors: list[str]) -> None:
    check_schema = catalog.schema is None or catalog.schema.schema_validation
    for imported in plan.tables:
        validator = _validator_for(catalog, imported.name) if check_schema else None
        for doc in imported.docs:
            try:
                limits.check_document(doc.fields)
            except (limits.LimitError, InvalidValueError) as e:
                errors.append(f"{doc.where}: {e}")
                continue
            if validator is None:
                continue
            try:
                validator.check(doc.fields, "", catalog.table_number)
            except ValidationError as e:
                path = e.path.lstrip(".")
                where = f" field `{path}`:" if path else ""
                errors.append(f"{doc.where}:{where} {_one_line(str(e))}")


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


# -- writing ---------------------------------------------------------------------------------------


def table_counts(db: Database, names: list[str]) -> dict[str, int]:
    """Documents per table now (0 for tables that do not exist yet)."""
    def read(tx: Transaction) -> dict[str, int]:
        out = {}
        for name in names:
            info = tx.catalog.table(name)
            out[name] = 0 if info is None else tx.session.count_documents(info.number)
        return out

    return db.read(read)[0]


def _existing_ids(db: Database, plan: ImportPlan) -> list[str]:
    ids = [(doc.doc_id, doc.where) for t in plan.tables for doc in t.docs if doc.doc_id is not None]

    present = db.read(lambda tx: tx.session.existing_ids([doc_id for doc_id, _ in ids]))[0]
    return [f"{where}: field `_id`: a document with id {doc_id} already exists"
            for doc_id, where in ids if doc_id in present]


def perform_import(db: Database, plan: ImportPlan, mode: Mode | None = None) -> ImportReport:
    """Write the plan in one transaction; raises ImportFailed (and writes nothing) on any problem."""
    start = time.perf_counter()
    names = [t.name for t in plan.tables]
    counts = table_counts(db, names)
    occupied = {name: n for name, n in counts.items() if n}
    if occupied and mode is None:
        listed = ", ".join(f"{name} ({n} document{'s' if n != 1 else ''})" for name, n in occupied.items())
        raise ImportFailed(f"not importing into tables that have documents: {listed}. "
                           "Pass --replace to replace them or --append to add to them.")
    if mode == "append":
        clashes = _existing_ids(db, plan)
        if clashes:
            raise ImportFailed(clashes)
    report = ImportReport()

    def write(tx: Transaction) -> None:
        tx.system_writes = True
        for imported in plan.tables:
            info = tx.catalog.table(imported.name)
            deleted = 0
            if info is not None:
                existing = tx.session.table_ids(info.number)
                if existing and mode is None:
                    raise DatabaseError(f"table {imported.name} is no longer empty; nothing was imported")
                if mode == "replace":
                    for doc_id in existing:
                        tx.delete(doc_id)
                    deleted = len(existing)
            for doc in imported.docs:
                try:
                    tx.import_document(imported.name, doc.fields, doc.doc_id, doc.creation_time)
                except DatabaseError as e:
                    raise DatabaseError(f"{doc.where}: {e}") from None
            report.imported[imported.name] = len(imported.docs)
            report.deleted[imported.name] = deleted

    try:
        db.write(write)
    except DatabaseError as e:
        raise ImportFailed(str(e)) from None
    report.seconds = time.perf_counter() - start
    return report
