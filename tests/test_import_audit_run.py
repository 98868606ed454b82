"""`import-audit`'s import (`albertplus_cli.cli.import_audit_run`), in process, on a copy of the AlbertPlus project.

Why these tests: the command's subprocess tests check the outcome; these pin the transaction. The import
runs the app's own `userCourses:importUserCourses` (so a change to the mutation changes the import), the
whole import is ONE commit (the dev server re-runs subscribers once, and a failure leaves nothing, the
student's startingDate included), a dry run answers the same and writes nothing, and the rules a report
triggers inside one batch (the same course twice, first in progress then graded) and over several stored
rows with one key (the earliest counts, as `.first()` on the index returns it) are the mutation's.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_fixtures import render_fpdf, render_text, sample_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_process import REPO, copy_project

from albertplus_cli.audit import Term, parse_report
from albertplus_cli.cli.import_audit_run import import_courses, import_into_project, to_user_courses
from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter
from albertplus_cli.functions.errors import ConvexError
from albertplus_cli.functions.executor import Executor, UserFacingError
from albertplus_cli.functions.loader import ProjectLoadError, load_project
from albertplus_cli.project import open_project_database

USER = "user_importer"
FALL_2023 = Term(2023, "fall")


@pytest.fixture(scope="module")
def app_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(REPO, tmp_path_factory.mktemp("import_run") / "project")


def open_executor(root: Path, db_path: Path) -> tuple[Executor, Database]:
    opened = open_project_database(root, db_path)
    project = load_project(root)
    return Executor(opened.db, lambda: project), opened.db


@pytest.fixture
def executor(app_project: Path, tmp_path: Path) -> Iterator[Executor]:
    ex, db = open_executor(app_project, tmp_path / "data.sqlite3")
    yield ex
    db.close()


def course(code: str, year: int = 2024, term: str = "fall", grade: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"courseCode": code, "title": f"Title of {code}", "year": year, "term": term}
    if grade is not None:
        doc["grade"] = grade
    return doc


def rows(db: Database, table: str = "userCourses") -> list[dict[str, Any]]:
    return db.read(lambda tx: DatabaseReader(tx).query(table).collect())[0]


def insert(db: Database, table: str, doc: dict[str, Any]) -> str:
    return str(db.write(lambda tx: DatabaseWriter(tx).insert(table, doc)).value)


def add_student(db: Database, user: str = USER, start: dict[str, Any] | None = None) -> str:
    school = insert(db, "schools", {"name": "Tandon School of Engineering", "shortName": "TSOE",
                                    "level": "undergraduate"})
    return insert(db, "students", {"userId": user, "programs": [], "school": school,
                                   "startingDate": start or {"year": 2021, "term": "fall"},
                                   "expectedGraduationDate": {"year": 2025, "term": "spring"}})


# ---------------------------------------------------------------------------------------------------------
# The report as the mutation's arguments


def test_to_user_courses_shape() -> None:
    courses = to_user_courses(parse_report(render_text(sample_report(), "pasted")))
    first = {"courseCode": "MATH-UA 121", "title": "Calculus I", "year": 2023, "term": "fall", "grade": "p"}
    assert courses[0] == first
    in_progress = next(c for c in courses if c["courseCode"] == "CSCI-UA 476")
    assert in_progress == {"courseCode": "CSCI-UA 476", "title": "Processing Big Data: Spark and Hadoop",
                           "year": 2025, "term": "fall"}  # fmt: skip
    assert "grade" not in courses[[c["courseCode"] for c in courses].index("CSCI-UA 102")]  # INC -> no grade
    assert {c["term"] for c in courses} == {"spring", "summer", "fall", "j-term"}
    for c in courses:
        assert set(c) <= {"courseCode", "title", "year", "term", "grade"}


# ---------------------------------------------------------------------------------------------------------
# One transaction of the app's mutation


def test_the_import_is_one_commit(executor: Executor) -> None:
    db = executor.db
    add_student(db)
    before = db.read_latest_ts()
    result = import_courses(executor, USER, [course("A 1"), course("A 2", grade="b")], FALL_2023)
    assert result.counts() == {"inserted": 2, "updated": 0, "duplicates": 0}
    assert result.starting_date.status == "set"
    assert len(db.commits_after(before)) == 1
    assert sorted(result.inserted_ids) == sorted(row["_id"] for row in rows(db))


def test_batch_rules_are_the_mutations(executor: Executor) -> None:
    incoming = [
        course("A 1"),                # insert, no grade
        course("A 1", grade="a"),     # same key later in the batch, graded: fills the grade -> update
        course("A 1", grade="b"),     # now graded: duplicate
        course("A 1", 2025),          # another year: a different course row
        course("B 2", grade="p"),
        course("B 2"),                # duplicate (no grade to give)
    ]
    result = import_courses(executor, USER, incoming, None)
    assert result.actions == ["insert", "update", "duplicate", "insert", "insert", "duplicate"]
    assert result.counts() == {"inserted": 3, "updated": 1, "duplicates": 2}
    stored = {(r["courseCode"], r["year"]): r.get("grade") for r in rows(executor.db)}
    assert stored == {("A 1", 2024): "a", ("A 1", 2025): None, ("B 2", 2024): "p"}
    assert all(r["userId"] == USER for r in rows(executor.db))


def test_the_counts_are_those_of_one_call_with_every_course(executor: Executor, app_project: Path) -> None:
    """Row by row in one transaction is the web app's single call: same counts, same rows."""
    report = [course("A 1"), course("A 1", grade="a"), course("C 1", grade="b"), course("C 1")]
    insert(executor.db, "userCourses", {"userId": "web_user", **course("C 1")})
    insert(executor.db, "userCourses", {"userId": USER, **course("C 1")})
    web = executor.run_mutation("userCourses:importUserCourses", {"courses": report}, _acting_as("web_user"),
                                public_only=False)
    assert web.ok, web.error_message
    cli = import_courses(executor, USER, report, None)
    assert cli.counts() == {k: web.value[k] for k in ("inserted", "updated", "duplicates")}
    keep = ("courseCode", "year", "term", "grade")
    by_user: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows(executor.db):
        by_user.setdefault(row["userId"], []).append(tuple(row.get(k) for k in keep))
    assert by_user["web_user"] == by_user[USER]


def test_the_earliest_stored_row_of_a_key_is_the_one_that_counts(executor: Executor) -> None:
    first = insert(executor.db, "userCourses", {"userId": USER, **course("C 3")})
    second = insert(executor.db, "userCourses", {"userId": USER, **course("C 3", grade="b")})
    assert import_courses(executor, USER, [course("C 3", grade="a")], None).actions == ["update"]
    grades = {r["_id"]: r.get("grade") for r in rows(executor.db)}
    assert grades == {first: "a", second: "b"}


def test_a_failing_import_leaves_nothing_not_even_the_starting_date(executor: Executor) -> None:
    db = executor.db
    student = add_student(db)
    insert(db, "userCourses", {"userId": USER, **course("D 0")})
    before_rows, before_ts = rows(db), db.read_latest_ts()
    bad = [course("D 1"), course("D 0", grade="a"), {**course("D 2"), "grade": "excellent"}]
    with pytest.raises(UserFacingError, match="ArgumentValidationError"):
        import_courses(executor, USER, bad, FALL_2023)
    assert rows(db) == before_rows
    assert db.read_latest_ts() == before_ts
    [row] = rows(db, "students")
    assert row["_id"] == student and row["startingDate"] == {"year": 2021, "term": "fall"}


def test_dry_run_answers_the_same_and_writes_nothing(executor: Executor) -> None:
    db = executor.db
    add_student(db)
    insert(db, "userCourses", {"userId": USER, **course("E 1")})
    before_ts, before_students = db.read_latest_ts(), rows(db, "students")
    result = import_courses(executor, USER, [course("E 1", grade="c"), course("E 2")], FALL_2023, dry_run=True)
    assert result.dry_run and result.actions == ["update", "insert"]
    assert result.counts() == {"inserted": 1, "updated": 1, "duplicates": 0}
    assert result.starting_date.status == "set"
    assert result.inserted_ids == []
    assert db.read_latest_ts() == before_ts and db.commits_after(before_ts) == []
    assert [r.get("grade") for r in rows(db)] == [None]
    assert rows(db, "students") == before_students


def test_starting_date_outcomes(executor: Executor) -> None:
    db = executor.db
    assert import_courses(executor, USER, [], None).starting_date.status == "no-term"
    no_student = import_courses(executor, USER, [], FALL_2023).starting_date
    assert (no_student.status, no_student.new) == ("no-student", {"year": 2023, "term": "fall"})

    add_student(db, start={"year": 2022, "term": "spring"})
    add_student(db, user="other", start={"year": 2020, "term": "fall"})
    change = import_courses(executor, USER, [], FALL_2023).starting_date
    assert (change.status, change.old, change.new) == (
        "set", {"year": 2022, "term": "spring"}, {"year": 2023, "term": "fall"})
    before = db.read_latest_ts()
    assert import_courses(executor, USER, [], FALL_2023).starting_date.status == "unchanged"
    assert db.read_latest_ts() == before  # nothing to write: no commit
    dates = {r["userId"]: r["startingDate"] for r in rows(db, "students")}
    assert dates == {USER: {"year": 2023, "term": "fall"}, "other": {"year": 2020, "term": "fall"}}


def test_empty_user_is_refused(executor: Executor) -> None:
    with pytest.raises(ValueError):
        import_courses(executor, " ", [course("F 1")], None)
    assert rows(executor.db) == []


def _acting_as(user: str) -> Any:
    from albertplus_cli.auth import DEV_ISSUER, Identity, normalize_user_attributes

    return Identity("admin", user=normalize_user_attributes({"subject": user}, default_issuer=DEV_ISSUER))


_course = st.builds(
    course,
    st.sampled_from(["A-UA 1", "A-UA 2", "B-UA 1"]),
    st.sampled_from([2024, 2025]),
    st.sampled_from(["spring", "fall"]),
    st.sampled_from([None, "a", "p"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incoming=st.lists(_course, max_size=10), existing=st.lists(_course, max_size=6))
def test_replaying_an_import_changes_nothing(executor: Executor, incoming: list[dict[str, Any]],
                                             existing: list[dict[str, Any]]) -> None:
    db = executor.db
    user = f"user_{db.read_latest_ts()}"  # a fresh user per example: one database serves every example
    for doc in existing:
        insert(db, "userCourses", {"userId": user, **doc})
    first = import_courses(executor, user, incoming, None)
    assert sum(first.counts().values()) == len(incoming)
    after = [r for r in rows(db) if r["userId"] == user]
    before_ts = db.read_latest_ts()
    again = import_courses(executor, user, incoming, None)
    assert (again.counts()["inserted"], again.counts()["updated"]) == (0, 0)
    assert [r for r in rows(db) if r["userId"] == user] == after
    assert db.read_latest_ts() == before_ts


# ---------------------------------------------------------------------------------------------------------
# The app's rules, not a copy of them


def test_a_changed_mutation_changes_the_import(tmp_path: Path) -> None:
    """Edit the project's importUserCourses (here: a later grade overwrites an earlier one) and the import
    follows it: the command holds no copy of the rules."""
    root = copy_project(REPO, tmp_path / "project")
    source = root / "functions" / "userCourses.py"
    text = source.read_text()
    rule = 'elif existing.get("grade") is None and course.get("grade") is not None:'
    assert rule in text
    source.write_text(text.replace(rule, 'elif course.get("grade") not in (None, existing.get("grade")):'))
    ex, db = open_executor(root, tmp_path / "data.sqlite3")
    try:
        import_courses(ex, USER, [course("H 1", grade="b")], None)
        regrade = import_courses(ex, USER, [course("H 1", grade="a")], None)
        assert regrade.actions == ["update"]
        assert [r.get("grade") for r in rows(db)] == ["a"]
    finally:
        db.close()


def test_a_function_error_reaches_the_caller_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "project")
    source = root / "functions" / "userCourses.py"
    source.write_text(source.read_text().replace(
        "    for course in args[\"courses\"]:\n",
        "    for course in args[\"courses\"]:\n        if course[\"courseCode\"] == \"BAD 1\":\n"
        "            raise ConvexError(\"no such course\")\n", 1))
    ex, db = open_executor(root, tmp_path / "data.sqlite3")
    try:
        with pytest.raises(ConvexError, match="no such course"):
            import_courses(ex, USER, [course("OK 1"), course("BAD 1")], None)
        assert rows(db) == []
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------
# Opening the project


def test_a_folder_that_cannot_take_the_import(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ProjectLoadError, match="schema.py"):
        import_into_project(empty, USER, [course("G 1")], None)
    broken = copy_project(REPO, tmp_path / "broken")
    (broken / "schema.py").write_text("raise RuntimeError('broken')\n")
    with pytest.raises(ProjectLoadError, match="broken"):
        import_into_project(broken, USER, [course("G 1")], None, dry_run=True)
    without_app = tmp_path / "other"
    (without_app / "functions").mkdir(parents=True)
    (without_app / "schema.py").write_text((REPO / "schema.py").read_text())
    shutil.copytree(REPO / "functions" / "helpers", without_app / "functions" / "helpers")  # schema.py's validators
    with pytest.raises(Exception, match="userCourses:importUserCourses"):
        import_into_project(without_app, USER, [course("G 1")], None)


def test_import_into_project_and_its_dry_run_on_a_fresh_project(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "project")
    database = root / ".albertplus" / "data.sqlite3"
    planned = import_into_project(root, USER, [course("G 1"), course("G 1")], FALL_2023, dry_run=True)
    assert planned.counts() == {"inserted": 1, "updated": 0, "duplicates": 1}
    assert planned.starting_date.status == "no-student"
    assert not database.exists()  # a dry run on a fresh project leaves no database behind

    done = import_into_project(root, USER, [course("G 1"), course("G 1")], FALL_2023)
    assert done.counts() == planned.counts() and not done.dry_run
    db = Database(database)
    try:
        assert [r["courseCode"] for r in rows(db)] == ["G 1"]
    finally:
        db.close()


def test_a_whole_report_through_the_mutation(executor: Executor) -> None:
    courses = to_user_courses(parse_report(render_fpdf(sample_report())))
    first = import_courses(executor, USER, courses, None)
    assert first.counts() == {"inserted": len(courses), "updated": 0, "duplicates": 0}
    second = import_courses(executor, USER, courses, None)
    assert second.counts() == {"inserted": 0, "updated": 0, "duplicates": len(courses)}
