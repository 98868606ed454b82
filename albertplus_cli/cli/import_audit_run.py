"""Import a parsed degree report with the app's own functions, in one transaction of the project's database.

`import-audit` changes app data, so it runs the app's rules rather than a copy of them: as admin acting as
the user, it calls `students:getCurrentStudent` and, when the report names a new starting term,
`students:updateCurrentStudent` (as the web app does after an upload), then `userCourses:importUserCourses`.
All of it is ONE transaction: it commits whole, or under `--dry-run` is rolled back after it ran, so the
counts printed are the mutation's own answers either way. A running `albertplus dev` on the same database
sees the commit in the commit log and pushes the new rows to its subscribers.

`importUserCourses` answers only counts for the courses it is given, so it is called once per report row
(all in the same transaction, in report order): each row's outcome (inserted, grade filled in, duplicate) is
then the mutation's own answer for that row, which the command shows next to the row, and the totals are the
sums. The mutation decides each course against what is stored, rows imported before it in the same
transaction included, so this leaves what the web app's single call leaves (tests/test_import_audit_run.py
checks both side by side).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from albertplus_cli.audit import DegreeReport, Term, map_grade
from albertplus_cli.auth import DEV_ISSUER, Identity, normalize_user_attributes
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.functions.executor import Executor, FunctionCaller
from albertplus_cli.functions.loader import load_project
from albertplus_cli.project import DB_FILE_NAME, locate_project, open_project_database

IMPORT_COURSES = "userCourses:importUserCourses"
CURRENT_STUDENT = "students:getCurrentStudent"
UPDATE_STUDENT = "students:updateCurrentStudent"

Action = Literal["insert", "update", "duplicate"]
StartingDateStatus = Literal["set", "unchanged", "no-term", "no-student"]


@dataclass(frozen=True)
class StartingDateChange:
    """What happened to the student's `startingDate`: `set` (from `old` to `new`), `unchanged` (it already
    was `new`), `no-term` (the report has no career line) or `no-student` (the user has no student profile)."""

    status: StartingDateStatus
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None


@dataclass
class ImportResult:
    """Per report row what `importUserCourses` did (or, under dry run, would do), and the startingDate."""

    actions: list[Action]
    starting_date: StartingDateChange
    dry_run: bool
    inserted_ids: list[str] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """`{"inserted", "updated", "duplicates"}`, the mutation's counts summed over the rows."""
        return {"inserted": self.actions.count("insert"), "updated": self.actions.count("update"),
                "duplicates": self.actions.count("duplicate")}


def to_user_courses(report: DegreeReport) -> list[dict[str, Any]]:
    """The report's rows as `importUserCourses` arguments, in report order.

    Each course is `{"courseCode", "title", "year", "term", "grade"?}`; `grade` is the row's grade mapped by
    `map_grade`, omitted when the row has none (in progress) or its grade is left ungraded. Units, type and
    repeat code have no field in `userCourses` and are not carried (they stay on `CourseRow`).
    """
    courses: list[dict[str, Any]] = []
    for row in report.rows:
        course: dict[str, Any] = {"courseCode": row.course_code, "title": row.title, "year": row.term.year,
                                  "term": row.term.term}
        grade = map_grade(row.grade, row.course_code).value
        if grade is not None:
            course["grade"] = grade
        courses.append(course)
    return courses


def import_courses(executor: Executor, user_id: str, courses: Sequence[Mapping[str, Any]],
                   starting_term: Term | None, *, dry_run: bool = False) -> ImportResult:
    """Run the import for `user_id` in one transaction of `executor`'s database (rolled back under `dry_run`).

    Raises what the functions raise (ConvexError, an argument validation error, ...): nothing is written then.
    """
    if not isinstance(user_id, str) or not user_id.strip():
        raise ValueError("the user id must be a non-empty string")
    identity = Identity("admin", user=normalize_user_attributes({"subject": user_id}, default_issuer=DEV_ISSUER))

    def body(call: FunctionCaller) -> ImportResult:
        result = ImportResult([], _update_starting_date(call, starting_term), dry_run)
        for course in courses:
            answer = call("mutation", IMPORT_COURSES, {"courses": [dict(course)]})
            result.actions.append(_action_of(answer))
            result.inserted_ids.extend(str(doc_id) for doc_id in answer["ids"])
        return result

    result, logs = executor.run_in_transaction(body, identity, rollback=dry_run)
    result.log_lines = logs
    if dry_run:
        result.inserted_ids = []  # rolled back: those ids name nothing
    return result


def import_into_project(project_dir: Path, user_id: str, courses: Sequence[Mapping[str, Any]],
                        starting_term: Term | None, *, dry_run: bool = False,
                        db_path: Path | DatabaseUrl | None = None) -> ImportResult:
    """Open the project (its schema and functions) and its database, run the import, close it.

    A dry run on a project that has no database yet runs against an empty temporary one: it reports what a
    first import would do and leaves no file behind. Raises ProjectLoadError for a folder that is not a
    loadable project.
    """
    layout = locate_project(project_dir)
    target = layout.database_file if db_path is None else db_path
    sqlite_file = target.sqlite_path if isinstance(target, DatabaseUrl) else target
    if dry_run and sqlite_file is not None and not Path(sqlite_file).exists():
        with tempfile.TemporaryDirectory(prefix="albertplus-dry-run-") as scratch:
            return _import_with(layout.root, Path(scratch) / DB_FILE_NAME, user_id, courses, starting_term,
                                dry_run=True)
    return _import_with(layout.root, db_path, user_id, courses, starting_term, dry_run=dry_run)


def _import_with(root: Path, db_path: Path | DatabaseUrl | None, user_id: str,
                 courses: Sequence[Mapping[str, Any]], starting_term: Term | None, *, dry_run: bool) -> ImportResult:
    opened = open_project_database(root, db_path)
    try:
        project = load_project(root)
        executor = Executor(opened.db, lambda: project)
        return import_courses(executor, user_id, courses, starting_term, dry_run=dry_run)
    finally:
        opened.close()


def _update_starting_date(call: FunctionCaller, starting_term: Term | None) -> StartingDateChange:
    """Set the student's startingDate to the report's career term, as the web app does after an upload.

    Without a student profile the web app does not call `updateCurrentStudent` (it would throw "Student not
    found"); neither does this: the courses are still imported and the result says so.
    """
    if starting_term is None:
        return StartingDateChange("no-term")
    new = {"year": starting_term.year, "term": starting_term.term}
    student = call("query", CURRENT_STUDENT, {})
    if student is None:
        return StartingDateChange("no-student", new)
    stored = student.get("startingDate")
    old = {"year": int(stored["year"]), "term": stored["term"]} if isinstance(stored, dict) else None
    if old == new:
        return StartingDateChange("unchanged", new, old)
    call("mutation", UPDATE_STUDENT, {"startingDate": new})
    return StartingDateChange("set", new, old)


def _action_of(answer: Mapping[str, Any]) -> Action:
    """Which of its three counts `importUserCourses` gave the one course it was called with."""
    if answer["inserted"]:
        return "insert"
    return "update" if answer["updated"] else "duplicate"
