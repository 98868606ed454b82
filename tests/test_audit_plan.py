"""The import plan: the rules of `userCourses:importUserCourses`, replayed without a database.

Why: the command shows this plan, reports its counts under --dry-run, and writes by it; a second import
of the same report must insert nothing, and a missing grade must be filled, never overwritten.
"""

from __future__ import annotations

from typing import Any

from audit_fixtures import render_fpdf, render_text, sample_report
from hypothesis import given, settings
from hypothesis import strategies as st

from albertplus_cli.audit import ImportPlan, PlanEntry, parse_report, plan_import, to_user_courses


def apply(existing: list[dict[str, Any]], plan: ImportPlan) -> list[dict[str, Any]]:
    """What the mutation leaves in the table: a tiny in-memory stand-in for the database write."""
    docs = [dict(doc) for doc in existing]
    inserted_ids: dict[int, str] = {}
    for index, entry in enumerate(plan.entries):
        if entry.action == "insert":
            doc_id = f"uc{len(docs) + 1}"
            docs.append({"_id": doc_id, **entry.course})
            inserted_ids[index] = doc_id
        elif entry.action == "update":
            target = entry.existing_id or inserted_ids[entry.batch_index]  # type: ignore[index]
            next(doc for doc in docs if doc["_id"] == target)["grade"] = entry.course["grade"]
    return docs


def course(code: str, year: int = 2024, term: str = "fall", grade: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"courseCode": code, "title": code, "year": year, "term": term}
    if grade is not None:
        out["grade"] = grade
    return out


def test_to_user_courses_shape() -> None:
    courses, _ = to_user_courses(parse_report(render_text(sample_report(), "pasted")))
    first = {"courseCode": "MATH-UA 121", "title": "Calculus I", "year": 2023, "term": "fall", "grade": "p"}
    assert courses[0] == first
    in_progress = next(c for c in courses if c["courseCode"] == "CSCI-UA 476")
    assert in_progress == {"courseCode": "CSCI-UA 476", "title": "Processing Big Data: Spark and Hadoop",
                           "year": 2025, "term": "fall"}  # fmt: skip
    assert next(c for c in courses if c["courseCode"] == "CSCI-UA 102")  # INC -> no grade key
    assert "grade" not in courses[[c["courseCode"] for c in courses].index("CSCI-UA 102")]
    assert {c["term"] for c in courses} == {"spring", "summer", "fall", "j-term"}
    for c in courses:
        assert set(c) <= {"courseCode", "title", "year", "term", "grade"}


def test_first_import_inserts_everything_and_a_second_inserts_nothing() -> None:
    courses, _ = to_user_courses(parse_report(render_fpdf(sample_report())))
    first = plan_import(courses, [])
    assert first.counts() == {"inserted": len(courses), "updated": 0, "duplicates": 0}
    table = apply([], first)
    second = plan_import(courses, table)
    assert second.counts() == {"inserted": 0, "updated": 0, "duplicates": len(courses)}
    assert all(entry.existing_id for entry in second.entries)
    assert apply(table, second) == table


def test_a_later_report_fills_missing_grades_only() -> None:
    existing = [
        {"_id": "a", **course("CSCI-UA 101")},  # no grade yet
        {"_id": "b", **course("CSCI-UA 102", grade="b")},  # has a grade
        {"_id": "c", **course("CSCI-UA 201")},
    ]
    incoming = [course("CSCI-UA 101", grade="a"), course("CSCI-UA 102", grade="a"), course("CSCI-UA 201")]
    plan = plan_import(incoming, existing)
    assert plan.entries == [
        PlanEntry("update", course("CSCI-UA 101", grade="a"), "a"),
        PlanEntry("duplicate", course("CSCI-UA 102", grade="a"), "b"),  # never overwritten
        PlanEntry("duplicate", course("CSCI-UA 201"), "c"),
    ]
    assert (plan.inserted, plan.updated, plan.duplicates) == (0, 1, 2)


def test_the_key_is_code_year_and_term() -> None:
    existing = [{"_id": "a", **course("CSCI-UA 102", 2024, "spring", "b")}]
    plan = plan_import([course("CSCI-UA 102", 2024, "summer", "a"), course("CSCI-UA 102", 2025, "spring")], existing)
    assert [entry.action for entry in plan.entries] == ["insert", "insert"]


def test_duplicates_within_one_import() -> None:
    plan = plan_import(
        [course("X-UA 1"), course("X-UA 1"), course("X-UA 1", grade="a"), course("X-UA 1", grade="b")], []
    )
    assert [(e.action, e.existing_id, e.batch_index) for e in plan.entries] == [
        ("insert", None, None),
        ("duplicate", None, 0),
        ("update", None, 0),
        ("duplicate", None, 0),
    ]
    assert apply([], plan) == [{"_id": "uc1", **course("X-UA 1", grade="a")}]


def test_first_of_several_existing_rows_counts() -> None:
    existing = [{"_id": "old", **course("X-UA 1", grade="a")}, {"_id": "new", **course("X-UA 1")}]
    (entry,) = plan_import([course("X-UA 1", grade="b")], existing).entries
    assert (entry.action, entry.existing_id) == ("duplicate", "old")


_course = st.builds(
    course,
    st.sampled_from(["A-UA 1", "A-UA 2", "B-UA 1"]),
    st.sampled_from([2024, 2025]),
    st.sampled_from(["spring", "fall"]),
    st.sampled_from([None, "a", "p"]),
)


@settings(max_examples=80, deadline=None)
@given(incoming=st.lists(_course, max_size=12), existing=st.lists(_course, max_size=8))
def test_replaying_an_import_changes_nothing(incoming: list[dict[str, Any]], existing: list[dict[str, Any]]) -> None:
    stored = [{"_id": f"e{i}", **doc} for i, doc in enumerate(existing)]
    plan = plan_import(incoming, stored)
    assert plan.inserted + plan.updated + plan.duplicates == len(incoming)
    after = apply(stored, plan)
    again = plan_import(incoming, after)
    assert (again.inserted, again.updated) == (0, 0)
    assert apply(after, again) == after
