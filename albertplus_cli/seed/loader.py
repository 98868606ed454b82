"""Seeding a database from the project's ``seed/`` data, relationship-aware and idempotent (`albertplus seed`).

Works like the original ``seed:seedAll`` mutation (spec §4.2), with its gaps fixed:

- tables go in seedAll's order (appConfigs, schools, programs, courses, prerequisites, requirements,
  courseOfferings, students, userCourses, userCourseOfferings); names and codes become ids;
- every row is upserted by its natural key (`plan.NATURAL_KEYS`): an existing document is patched only when
  the patch would change it, so a second run writes nothing and every id stays the same;
- prerequisites and requirements (which have no natural key) are compared per course / program as a
  multiset and replaced only when they differ (seedAll re-inserted them on every run);
- rows naming an unknown course, program or school are skipped with seedAll's warning ("Course not found");
- everything is validated against the schema before the first write: a bad file changes nothing.

Writes go through `Database.write` in chunks of at most `CHUNK_WRITES` writes (each one transaction, below
Convex's 16,000-writes limit), so a running `albertplus dev` on the same file picks each chunk up from the
commit log and its subscribers see the data arrive.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from albertplus_cli.database import Database, DatabaseError, Transaction
from albertplus_cli.database.documents import decode_body
from albertplus_cli.seed.dataset import SEED_DIR_NAME, SeedDataError, load_bundled_dataset
from albertplus_cli.seed.plan import (
    GROUPED_TABLES,
    USER_TABLES,
    SeedError,
    SeedRow,
    UnresolvedReference,
    canonical,
    check_rows,
    convert_row,
    natural_key,
    seed_rows,
    tables_in_order,
)
from albertplus_cli.seed.synthetic import synthetic_dataset

if TYPE_CHECKING:
    from albertplus_cli.server.terminal import Terminal


class ProjectWithDatabase(Protocol):
    """What seeding needs: an `Engine`, or the lighter `project.ProjectDatabase`."""

    @property
    def project_dir(self) -> Path: ...

    @property
    def db(self) -> Database: ...

__all__ = ["CHUNK_WRITES", "SeedError", "SeedReport", "TableCounts", "database_is_empty", "seed_database",
           "seed_if_empty", "summary_table"]

#: Writes per transaction. Well below Convex's 16,000 so a chunk is also a short lock for a running server.
CHUNK_WRITES = 2000

# (kind, table it lives in, how a document of that table is keyed)
_REFERENCE_TABLES = {"course": "courses", "program": "programs", "school": "schools"}


@dataclass
class TableCounts:
    table: str
    seed_rows: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    total: int = 0  # documents in the table afterwards

    @property
    def writes(self) -> int:
        return self.inserted + self.updated + self.deleted


@dataclass
class SeedReport:
    tables: list[TableCounts] = field(default_factory=list)
    cleared: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def writes(self) -> int:
        return self.cleared + sum(t.writes for t in self.tables)


class _Bars:
    """One rich progress bar per table, or nothing (`show_progress=False`)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def add_task(self, description: str, total: int) -> TaskID:
        return self.progress.add_task(description, total=total) if self.progress else TaskID(0)

    def advance(self, task: TaskID, n: int) -> None:
        if self.progress is not None and n:
            self.progress.advance(task, n)


@contextmanager
def _progress(console: Console | None, show: bool) -> Iterator[_Bars]:
    if not show:
        yield _Bars(None)
        return
    progress = Progress(
        TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )
    with progress:
        yield _Bars(progress)


# -- reading ---------------------------------------------------------------------------------------


def _read_table(db: Database, table: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (id, user fields) of a table, straight from storage (no per-query scan limit applies here)."""
    info = db.catalog.table(table)
    if info is None:
        return []

    def read(tx: Transaction) -> list[tuple[str, dict[str, Any]]]:
        return [(doc_id, decode_body(body)) for _doc, doc_id, _ct, body in tx.session.iter_table(info.number)]

    return db.read(read)[0]


def _count(db: Database, table: str) -> int:
    info = db.catalog.table(table)
    if info is None:
        return 0
    return db.read(lambda tx: tx.session.count_documents(info.number))[0]


def database_is_empty(db: Database) -> bool:
    """True when no table holds a document."""
    return not db.read(lambda tx: tx.session.has_documents())[0]


class _References:
    """name/code -> id maps for the tables other rows point to, loaded from the database when first needed."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.maps: dict[str, dict[Any, str]] = {}

    def invalidate(self, table: str) -> None:
        for kind, name in _REFERENCE_TABLES.items():
            if name == table:
                self.maps.pop(kind, None)

    def _load(self, kind: str) -> dict[Any, str]:
        table = _REFERENCE_TABLES[kind]
        mapping: dict[Any, str] = {}
        for doc_id, fields in _read_table(self.db, table):
            if kind == "course":
                key: Any = fields.get("code")
            elif kind == "program":
                key = fields.get("name")
            else:
                key = (fields.get("name"), fields.get("level"))
            mapping.setdefault(key, doc_id)  # the oldest document wins, as `.first()` on the index would
        return mapping

    def resolve(self, kind: str, key: Any) -> str:
        mapping = self.maps.get(kind)
        if mapping is None:
            mapping = self.maps[kind] = self._load(kind)
        found = mapping.get(key)
        if found is None:
            raise UnresolvedReference(f"{kind} not found: {key}")
        return found


# -- writing ---------------------------------------------------------------------------------------

# ("insert", fields) | ("patch", id, fields) | ("delete", id)
_Op = tuple[Any, ...]


def _apply(db: Database, table: str, ops: Sequence[_Op]) -> None:
    def write(tx: Transaction) -> None:
        for op in ops:
            if op[0] == "insert":  # checked against the schema by `load_seed_rows` before any write
                tx.import_document(table, op[1], validate=False)
            elif op[0] == "patch":
                tx.patch(op[1], op[2])
            else:
                tx.delete(op[1])

    try:
        db.write(write)
    except DatabaseError as e:
        raise SeedError(f"writing {table} failed: {e}") from None


def _run_units(db: Database, table: str, units: Sequence[list[_Op]], progress: _Bars, task: TaskID) -> None:
    """Apply groups of operations in chunks; a group (one course's prerequisites) never spans two chunks."""
    chunk: list[_Op] = []
    rows = 0
    for unit in units:
        if chunk and len(chunk) + len(unit) > CHUNK_WRITES:
            _apply(db, table, chunk)
            progress.advance(task, rows)
            chunk, rows = [], 0
        chunk.extend(unit)
        rows += sum(1 for op in unit if op[0] != "delete")
    if chunk:
        _apply(db, table, chunk)
        progress.advance(task, rows)


def _ids(db: Database, table_number: int) -> list[str]:
    return db.read(lambda tx: tx.session.table_ids(table_number))[0]


def _clear_all(db: Database, progress: _Bars) -> int:
    """Delete every document of every table (`--reset`), in chunks."""
    cleared = 0
    for table in sorted(db.catalog.by_name):
        info = db.catalog.by_name[table]
        if table.startswith("_"):
            continue
        ids = _ids(db, info.number)
        if not ids:
            continue
        task = progress.add_task(f"clear {table}", total=len(ids))
        for start in range(0, len(ids), CHUNK_WRITES):
            chunk = ids[start: start + CHUNK_WRITES]
            _apply(db, table, [("delete", doc_id) for doc_id in chunk])
            progress.advance(task, len(chunk))
        cleared += len(ids)
    return cleared


def _seed_keyed(
    db: Database, table: str, rows: list[SeedRow], refs: _References, counts: TableCounts,
    warnings: list[str], progress: _Bars, task: TaskID,
) -> None:
    by_key: dict[Any, tuple[str, dict[str, Any]]] = {}
    for doc_id, fields in _read_table(db, table):
        by_key.setdefault(natural_key(table, fields), (doc_id, fields))
    ops: list[_Op] = []
    pending: dict[Any, int] = {}  # key -> index in ops of a planned insert (a row repeated in the seed data)
    for item in rows:
        try:
            fields = convert_row(table, item.row, refs.resolve)
        except UnresolvedReference as e:
            warnings.append(f"{item.where}: {e.message}")
            counts.skipped += 1
            continue
        key = natural_key(table, fields)
        if key in pending:
            index = pending[key]
            ops[index] = ("insert", {**ops[index][1], **fields})
            counts.unchanged += 1
        elif key in by_key:
            doc_id, old = by_key[key]
            merged = {**old, **fields}
            if canonical(merged) == canonical(old):
                counts.unchanged += 1
            else:
                ops.append(("patch", doc_id, fields))
                by_key[key] = (doc_id, merged)
                counts.updated += 1
        else:
            pending[key] = len(ops)
            ops.append(("insert", fields))
            counts.inserted += 1
    progress.advance(task, len(rows) - len(ops))
    _run_units(db, table, [[op] for op in ops], progress, task)


def _seed_grouped(
    db: Database, table: str, rows: list[SeedRow], refs: _References, counts: TableCounts,
    warnings: list[str], progress: _Bars, task: TaskID,
) -> None:
    parent = GROUPED_TABLES[table]
    existing: dict[Any, list[tuple[str, dict[str, Any]]]] = {}
    for doc_id, fields in _read_table(db, table):
        existing.setdefault(fields.get(parent), []).append((doc_id, fields))
    wanted: dict[Any, list[dict[str, Any]]] = {}
    for item in rows:
        try:
            fields = convert_row(table, item.row, refs.resolve)
        except UnresolvedReference as e:
            warnings.append(f"{item.where}: {e.message}")
            counts.skipped += 1
            continue
        wanted.setdefault(fields[parent], []).append(fields)
    units: list[list[_Op]] = []
    for parent_id, new in wanted.items():
        old = existing.get(parent_id, [])
        if Counter(canonical(f) for _, f in old) == Counter(canonical(f) for f in new):
            counts.unchanged += len(new)
            progress.advance(task, len(new))
            continue
        units.append([("delete", doc_id) for doc_id, _ in old] + [("insert", f) for f in new])
        counts.deleted += len(old)
        counts.inserted += len(new)
    progress.advance(task, counts.skipped)
    _run_units(db, table, units, progress, task)


def load_seed_rows(
    engine: ProjectWithDatabase, user_id: str | None = None, scale: int = 0, scale_seed: int = 42
) -> list[SeedRow]:
    """The rows to seed (bundled data, `--user-id` applied, synthetic rows appended), checked against the
    schema. Raises SeedError naming the file and item of the first bad row; nothing is written."""
    if scale < 0:
        raise SeedError(f"--scale must be 0 or more, got {scale}")
    if user_id is not None and not user_id.strip():
        raise SeedError("--user-id must not be empty")
    try:
        data = load_bundled_dataset(engine.project_dir)
    except SeedDataError as e:
        raise SeedError(str(e)) from None
    if user_id is not None:
        for table in USER_TABLES:
            data[table] = [{**row, "userId": user_id} if "userId" in row else row for row in data.get(table, [])]
    synthetic = synthetic_dataset(scale, scale_seed) if scale else {}
    rows = seed_rows(data, synthetic, scale)
    check_rows(rows, engine.db.catalog)
    return rows


def seed_database(
    engine: ProjectWithDatabase,
    *,
    reset: bool = False,
    user_id: str | None = None,
    scale: int = 0,
    scale_seed: int = 42,
    console: Console | None = None,
    show_progress: bool = True,
) -> SeedReport:
    """Load the project's seed data into its database; see the module docstring. Raises SeedError."""
    start = time.perf_counter()
    rows = load_seed_rows(engine, user_id, scale, scale_seed)
    db = engine.db
    report = SeedReport()
    refs = _References(db)
    by_table: dict[str, list[SeedRow]] = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row)
    with _progress(console, show_progress) as progress:
        if reset:
            report.cleared = _clear_all(db, progress)
        for table in tables_in_order(rows):
            table_rows = by_table[table]
            counts = TableCounts(table, seed_rows=len(table_rows))
            task = progress.add_task(table, total=len(table_rows))
            seed = _seed_grouped if table in GROUPED_TABLES else _seed_keyed
            seed(db, table, table_rows, refs, counts, report.warnings, progress, task)
            refs.invalidate(table)
            report.tables.append(counts)
    for counts in report.tables:
        counts.total = _count(db, counts.table)
    report.seconds = time.perf_counter() - start
    return report


def summary_table(report: SeedReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("table", "seed", "new", "updated", "replaced", "same", "skipped", "total"):
        table.add_column(name, justify="left" if name == "table" else "right", no_wrap=True)
    for t in report.tables:
        table.add_row(t.table, str(t.seed_rows), str(t.inserted), str(t.updated), str(t.deleted),
                      str(t.unchanged), str(t.skipped), str(t.total))
    return table


def seed_if_empty(engine: ProjectWithDatabase, terminal: Terminal) -> None:
    """`albertplus dev`'s start-up hook: seed when the project ships seed/ data and every table is empty.

    A broken seed file is reported and the server starts anyway (with an empty database).
    """
    if not (engine.project_dir / SEED_DIR_NAME).is_dir() or not database_is_empty(engine.db):
        return
    try:
        report = seed_database(engine, show_progress=False)
    except SeedError as e:
        terminal.print(f"[yellow]Not seeding the empty database: {escape(str(e))}[/yellow]")
        return
    if not report.tables:
        return
    documents = sum(t.total for t in report.tables)
    terminal.print(
        f"Seeded the empty database from {SEED_DIR_NAME}/: {documents} documents in {len(report.tables)} tables "
        f"({report.seconds:.1f} s)"
    )
    for warning in report.warnings[:10]:
        terminal.print(f"[yellow]  {escape(warning)}[/yellow]")
