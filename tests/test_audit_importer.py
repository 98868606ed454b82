"""The database side of `import-audit` (`albertplus_cli.audit.importer`), in process.

Why these tests: the command's subprocess tests check the outcome; these pin the transaction itself. The
whole import must be ONE commit (the dev server re-runs subscribers once, and a failure leaves nothing),
the rules must be `importUserCourses`' own, including the cases a report triggers inside one batch (the
same course twice, first in progress then graded) and several stored rows with one key (the earliest
counts, as `.first()` on the index returns it), and the student's startingDate follows the report.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_process import REPO

from albertplus_cli.audit import Term
from albertplus_cli.audit.importer import (
    ImportTargetError,
    database_path,
    import_into_project,
    load_target_schema,
    open_database,
    run_import,
)
from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter
from albertplus_cli.functions.loader import load_schema

USER = "user_importer"
FALL_2023 = Term(2023, "fall")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "data.sqlite3", load_schema(REPO))
    yield database
    database.close()


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


def test_the_import_is_one_commit(db: Database) -> None:
    add_student(db)
    before = db.read_latest_ts()
    result = run_import(db, USER, [course("A 1"), course("A 2", grade="b")], FALL_2023)
    assert result.counts() == {"inserted": 2, "updated": 0, "duplicates": 0}
    assert result.starting_date.status == "set"
    commits = db.commits_after(before)
    assert len(commits) == 1
    assert len(result.inserted_ids) == 2


def test_batch_rules_follow_import_user_courses(db: Database) -> None:
    incoming = [
        course("A 1"),                # insert, no grade
        course("A 1", grade="a"),     # same key later in the batch, graded: fills the grade -> update
        course("A 1", grade="b"),     # now graded: duplicate
        course("A 1", 2025),          # another year: a different course row
        course("B 2", grade="p"),
        course("B 2"),                # duplicate (no grade to give)
    ]
    result = run_import(db, USER, incoming, None)
    assert [e.action for e in result.plan.entries] == ["insert", "update", "duplicate", "insert", "insert",
                                                       "duplicate"]
    assert result.counts() == {"inserted": 3, "updated": 1, "duplicates": 2}
    stored = {(r["courseCode"], r["year"]): r.get("grade") for r in rows(db)}
    assert stored == {("A 1", 2024): "a", ("A 1", 2025): None, ("B 2", 2024): "p"}
    assert result.updated_ids == [result.inserted_ids[0]]
    assert all(r["userId"] == USER for r in rows(db))


def test_the_earliest_stored_row_of_a_key_is_the_one_that_counts(db: Database) -> None:
    first = insert(db, "userCourses", {"userId": USER, **course("C 3")})
    second = insert(db, "userCourses", {"userId": USER, **course("C 3", grade="b")})
    result = run_import(db, USER, [course("C 3", grade="a")], None)
    assert [(e.action, e.existing_id) for e in result.plan.entries] == [("update", first)]
    grades = {r["_id"]: r.get("grade") for r in rows(db)}
    assert grades == {first: "a", second: "b"}


def test_a_failing_write_leaves_nothing(db: Database) -> None:
    student = add_student(db)
    insert(db, "userCourses", {"userId": USER, **course("D 0")})
    before_rows, before_ts = rows(db), db.read_latest_ts()
    bad = [course("D 1"), course("D 0", grade="a"), {**course("D 2"), "grade": "excellent"}]
    with pytest.raises(Exception, match="does not match the schema"):
        run_import(db, USER, bad, FALL_2023)
    assert rows(db) == before_rows
    assert db.read_latest_ts() == before_ts
    [row] = rows(db, "students")
    assert row["_id"] == student and row["startingDate"] == {"year": 2021, "term": "fall"}


def test_dry_run_plans_without_writing(db: Database) -> None:
    add_student(db)
    insert(db, "userCourses", {"userId": USER, **course("E 1")})
    before_ts = db.read_latest_ts()
    result = run_import(db, USER, [course("E 1", grade="c"), course("E 2")], FALL_2023, dry_run=True)
    assert result.dry_run
    assert result.counts() == {"inserted": 1, "updated": 1, "duplicates": 0}
    assert result.starting_date.status == "set"
    assert result.inserted_ids == [] and result.updated_ids == []
    assert db.read_latest_ts() == before_ts
    assert [r.get("grade") for r in rows(db)] == [None]


def test_starting_date_outcomes(db: Database) -> None:
    assert run_import(db, USER, [], None).starting_date.status == "no-term"
    no_student = run_import(db, USER, [], FALL_2023).starting_date
    assert (no_student.status, no_student.new) == ("no-student", {"year": 2023, "term": "fall"})

    student = add_student(db, start={"year": 2022, "term": "spring"})
    add_student(db, user="other", start={"year": 2020, "term": "fall"})
    change = run_import(db, USER, [], FALL_2023).starting_date
    assert (change.status, change.old, change.new, change.student_id) == (
        "set", {"year": 2022, "term": "spring"}, {"year": 2023, "term": "fall"}, student)
    assert run_import(db, USER, [], {"year": 2023, "term": "fall"}).starting_date.status == "unchanged"
    dates = {r["userId"]: r["startingDate"] for r in rows(db, "students")}
    assert dates == {USER: {"year": 2023, "term": "fall"}, "other": {"year": 2020, "term": "fall"}}


def test_empty_user_is_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        run_import(db, "", [course("F 1")], None)
    assert rows(db) == []


def _project(tmp_path: Path, schema_text: str | None) -> Path:
    root = tmp_path / "proj"
    (root / "functions").mkdir(parents=True)
    if schema_text is not None:
        (root / "schema.py").write_text(schema_text)
    return root


def test_projects_that_cannot_take_the_import(tmp_path: Path) -> None:
    with pytest.raises(ImportTargetError, match="schema.py"):
        load_target_schema(_project(tmp_path / "a", None))
    other = ("from albertplus_cli.schema import define_schema, define_table\n"
             "from albertplus_cli.values import v\n"
             "schema = define_schema({'notes': define_table({'body': v.string()})})\n")
    with pytest.raises(ImportTargetError, match="userCourses"):
        load_target_schema(_project(tmp_path / "b", other))
    with pytest.raises(ImportTargetError, match="failed to load"):
        load_target_schema(_project(tmp_path / "c", "raise RuntimeError('broken')\n"))


def test_import_into_project_and_its_dry_run_on_a_fresh_project(tmp_path: Path) -> None:
    root = _project(tmp_path, (REPO / "schema.py").read_text())
    shutil.copytree(REPO / "functions" / "helpers", root / "functions" / "helpers")  # schema.py's validators
    planned = import_into_project(root, USER, [course("G 1"), course("G 1")], FALL_2023, dry_run=True)
    assert planned.counts() == {"inserted": 1, "updated": 0, "duplicates": 1}
    assert planned.starting_date.status == "no-student"
    assert not database_path(root).exists()

    done = import_into_project(root, USER, [course("G 1"), course("G 1")], FALL_2023)
    assert done.counts() == planned.counts()
    db = open_database(root)
    try:
        assert [r["courseCode"] for r in rows(db)] == ["G 1"]
    finally:
        db.close()
