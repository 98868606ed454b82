"""Write a parsed degree report into a project's database, with `userCourses:importUserCourses`' rules.

Why a module of its own: the parser package is pure (no database), so `import-audit` needs one place that
turns a plan into writes. Everything here happens in ONE transaction of the project's SQLite file:

* the user's `userCourses` rows are read (index `by_user`, `_creationTime` order) and `plan_import` replays
  the mutation over them: each incoming course is looked up by (userId, courseCode, year, term); missing ->
  insert; present without a grade while the incoming course has one -> patch the grade; otherwise a
  duplicate. Planning inside the write transaction means the counts printed are the ones written, even if
  the web app changed the user's courses a moment before;
* when the report has a starting term and the user has a `students` row (index `by_user_id`), its
  `startingDate` is set, as the web app does with `students:updateCurrentStudent` after an upload. No
  student row is not an error here (the mutation would throw "Student not found", the web app simply does
  not call it then): the result says so and the courses are still imported;
* any error rolls the whole transaction back: nothing is written.

`dry_run=True` runs the same function in a read-only snapshot: the same plan and counts, no writes.

The `albertplus dev` server of the same project sees these commits: it polls the commit log of the shared
SQLite file and re-runs the subscribed queries the writes touch, so the web app's plan page updates live.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter, Transaction
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.schema import SchemaDefinition

from .parser import Term
from .plan import ImportPlan, plan_import

USER_COURSES = "userCourses"
STUDENTS = "students"
BY_USER = "by_user"
BY_USER_ID = "by_user_id"

StartingDateStatus = Literal["set", "unchanged", "no-term", "no-student"]


class ImportTargetError(Exception):
    """The project (or its database) cannot take the import: no schema.py, no `userCourses` table, ...

    `str(err)` is one line, for the command's error output.
    """


@dataclass(frozen=True)
class StartingDateChange:
    """What happened to the student's `startingDate`: `set` (from `old` to `new`), `unchanged` (it already
    was `new`), `no-term` (the report has no career line) or `no-student` (no `students` row for the user)."""

    status: StartingDateStatus
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None
    student_id: str | None = None


@dataclass
class ImportResult:
    """The plan that was applied (or would be, under dry run), the ids written, and the startingDate outcome."""

    plan: ImportPlan
    starting_date: StartingDateChange
    dry_run: bool
    inserted_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return self.plan.counts()


# ---------------------------------------------------------------------------------------------------------
# The project's database


def database_path(project_dir: Path) -> Path:
    """Where `albertplus dev` keeps the project's data: `<project>/.albertplus/data.sqlite3`."""
    from albertplus_cli.auth import state_dir_for
    from albertplus_cli.engine import DB_FILE_NAME

    return state_dir_for(Path(project_dir)) / DB_FILE_NAME


def load_target_schema(project_dir: Path) -> SchemaDefinition:
    """The project's schema, checked to hold what the import writes (raises ImportTargetError otherwise).

    The schema is loaded (not the functions: the import does not need them, and a function module being
    edited must not stop it) because opening the database applies the project's schema, as `dev` does.
    """
    from albertplus_cli.functions.loader import ProjectLoadError, load_schema

    project_dir = Path(project_dir)
    if not (project_dir / "schema.py").is_file():
        raise ImportTargetError(f"{project_dir} is not an albertplus project with a schema.py (pass --dir)")
    try:
        schema = load_schema(project_dir)
    except ProjectLoadError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else "load error"
        raise ImportTargetError(f"the project's schema.py failed to load: {first}") from None
    if schema is None:  # pragma: no cover - load_schema returns None only without the file
        raise ImportTargetError(f"{project_dir} has no schema.py")
    table = schema.table(USER_COURSES)
    if table is None:
        raise ImportTargetError(f'the project\'s schema has no "{USER_COURSES}" table')
    index = table.indexes.get(BY_USER)
    if index is None or index.fields[:1] != ("userId",):
        raise ImportTargetError(f'the "{USER_COURSES}" table has no "{BY_USER}" index on userId')
    return schema


def _location(project_dir: Path, db_path: Path | DatabaseUrl | None) -> Path | DatabaseUrl:
    """A SQLite file as its Path (it may not exist yet), PostgreSQL as its URL."""
    if db_path is None:
        return database_path(project_dir)
    if isinstance(db_path, DatabaseUrl):
        return db_path.sqlite_path if db_path.sqlite_path is not None else db_path
    return Path(db_path)


def open_database(project_dir: Path, db_path: Path | DatabaseUrl | None = None) -> Database:
    """Open the project's database (creating it if needed) with the project's schema applied."""
    schema = load_target_schema(project_dir)
    path = _location(project_dir, db_path)
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Database(path, schema)
    except Exception as err:  # noqa: BLE001 - schema push failures, SQLite errors: one line for the user
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ImportTargetError(f"cannot open the project's database {path}: {first}") from None


# ---------------------------------------------------------------------------------------------------------
# The transaction


def _has_students(tx: Transaction) -> bool:
    """Whether the database has a `students` table with its `by_user_id` index (AlbertPlus does)."""
    info = tx.catalog.table(STUDENTS)
    return info is not None and BY_USER_ID in info.indexes


def _term_json(term: Term | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if term is None:
        return None
    if isinstance(term, Term):
        return {"year": term.year, "term": term.term}
    return {"year": int(term["year"]), "term": str(term["term"])}


def import_in_transaction(
    tx: Transaction,
    user_id: str,
    courses: Iterable[Mapping[str, Any]],
    starting_term: Term | Mapping[str, Any] | None,
    *,
    write: bool,
) -> ImportResult:
    """`importUserCourses` (+ the startingDate update) in `tx`; writes only when `write` (a write transaction).

    Raises whatever the database raises (validation, limits); the caller's transaction then rolls back.
    """
    if not isinstance(user_id, str) or not user_id:
        raise ValueError("user_id must be a non-empty string")
    db: DatabaseReader = DatabaseWriter(tx) if write else DatabaseReader(tx)
    incoming = [dict(course) for course in courses]
    existing = db.query(USER_COURSES).with_index(BY_USER, lambda q: q.eq("userId", user_id)).collect()
    plan = plan_import(incoming, existing)
    result = ImportResult(plan, StartingDateChange("no-term"), dry_run=not write)

    if write:
        assert isinstance(db, DatabaseWriter)
        batch_ids: dict[int, str] = {}
        for index, entry in enumerate(plan.entries):
            if entry.action == "insert":
                doc_id = db.insert(USER_COURSES, {"userId": user_id, **entry.course})
                batch_ids[index] = doc_id
                result.inserted_ids.append(doc_id)
            elif entry.action == "update":
                target = entry.existing_id
                if target is None:
                    assert entry.batch_index is not None
                    target = batch_ids[entry.batch_index]
                db.patch(USER_COURSES, target, {"grade": entry.course["grade"]})
                result.updated_ids.append(target)

    new = _term_json(starting_term)
    if new is None:
        return result
    if not _has_students(tx):
        result.starting_date = StartingDateChange("no-student", new)
        return result
    student = db.query(STUDENTS).with_index(BY_USER_ID, lambda q: q.eq("userId", user_id)).first()
    if student is None:
        result.starting_date = StartingDateChange("no-student", new)
        return result
    old = student.get("startingDate")
    student_id = str(student["_id"])
    if isinstance(old, dict) and _term_json(old) == new:
        result.starting_date = StartingDateChange("unchanged", new, old, student_id)
        return result
    if write:
        assert isinstance(db, DatabaseWriter)
        db.patch(STUDENTS, student_id, {"startingDate": new})
    result.starting_date = StartingDateChange("set", new, old if isinstance(old, dict) else None, student_id)
    return result


def run_import(
    db: Database,
    user_id: str,
    courses: Iterable[Mapping[str, Any]],
    starting_term: Term | Mapping[str, Any] | None,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Apply (or, under `dry_run`, only plan) the import in one transaction of `db`."""
    incoming = [dict(course) for course in courses]
    if dry_run:
        value, _tx = db.read(
            lambda tx: import_in_transaction(tx, user_id, incoming, starting_term, write=False)
        )
        return value
    return db.write(
        lambda tx: import_in_transaction(tx, user_id, incoming, starting_term, write=True)
    ).value


def import_into_project(
    project_dir: Path,
    user_id: str,
    courses: Iterable[Mapping[str, Any]],
    starting_term: Term | Mapping[str, Any] | None,
    *,
    dry_run: bool = False,
    db_path: Path | DatabaseUrl | None = None,
) -> ImportResult:
    """Open the project's database, run the import, close it.

    A dry run on a project that has no database yet plans against no rows and creates nothing.
    """
    incoming = [dict(course) for course in courses]
    path = _location(project_dir, db_path)
    if dry_run and isinstance(path, Path) and not path.exists():
        load_target_schema(project_dir)
        starting = _term_json(starting_term)
        status: StartingDateStatus = "no-term" if starting is None else "no-student"
        return ImportResult(plan_import(incoming, []), StartingDateChange(status, starting), dry_run=True)
    db = open_database(project_dir, path)
    try:
        return run_import(db, user_id, incoming, starting_term, dry_run=dry_run)
    finally:
        db.close()
