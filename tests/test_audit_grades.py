"""Report grades -> schema grades: explicit, documented, and never silent.

Why: the original mapped every unknown grade to "p" without telling anyone (an incomplete became a
pass). These tests pin the table and check that each non-schema grade comes back as a listed mapping.
"""

from __future__ import annotations

import pytest
from audit_fixtures import render_text, sample_report

from albertplus_cli.audit import GRADE_TABLE, SCHEMA_GRADES, GradeMapping, map_grade, parse_report
from albertplus_cli.cli.import_audit_run import to_user_courses


@pytest.mark.parametrize("grade", SCHEMA_GRADES)
def test_schema_grades_map_to_themselves_without_a_mapping(grade: str) -> None:
    assert map_grade(grade.upper(), "CSCI-UA 101") == map_grade(grade, "CSCI-UA 101")
    result = map_grade(f" {grade.upper()} ", "CSCI-UA 101")
    assert result.value == grade and result.mapping is None


@pytest.mark.parametrize(("grade", "rule"), sorted(GRADE_TABLE.items()))
def test_every_table_grade_is_listed_with_its_reason(grade: str, rule: object) -> None:
    result = map_grade(grade, "MATH-UA 121")
    assert result.mapping is not None
    assert result.mapping.from_grade == grade
    assert result.mapping.to_grade == result.value
    assert result.mapping.course_code == "MATH-UA 121"
    assert result.mapping.reason and grade.split("-")[0][:1] in result.mapping.reason


def test_table_targets_are_schema_grades_or_ungraded() -> None:
    for grade, rule in GRADE_TABLE.items():
        assert grade == grade.upper()
        assert grade.lower() not in SCHEMA_GRADES
        assert rule.to_grade is None or rule.to_grade in SCHEMA_GRADES


@pytest.mark.parametrize(
    ("grade", "want"),
    [
        ("INC", None), ("I", None), ("IP", None), ("NR", None), ("R", None), ("AU", None), ("Y", None),
        ("CR", "p"), ("S", "p"), ("TR", "p"), ("PA", "p"),
        ("D-", "d"), ("A+", "a"),
        ("U", "f"), ("NC", "f"), ("FN", "f"), ("WF", "f"),
        ("WD", "w"), ("WP", "w"),
        ("inc", None), ("cr", "p"),
    ],
)  # fmt: skip
def test_documented_decisions(grade: str, want: str | None) -> None:
    result = map_grade(grade, "X-UA 1")
    assert result.value == want
    assert result.mapping is not None


def test_unknown_grade_is_left_ungraded_and_listed() -> None:
    result = map_grade("ZZ", "CSCI-UA 101")
    assert result.value is None
    reason = "ZZ is not a grade this importer knows; left ungraded"
    assert result.mapping == GradeMapping("ZZ", None, "CSCI-UA 101", reason)


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_grade_is_no_grade_and_no_mapping(blank: str | None) -> None:
    assert map_grade(blank, "CSCI-UA 101").value is None
    assert map_grade(blank, "CSCI-UA 101").mapping is None


def test_mapping_json_has_the_contract_keys() -> None:
    mapping = map_grade("INC", "CSCI-UA 102").mapping
    assert mapping is not None
    assert mapping.to_json() == {"from": "INC", "to": None, "courseCode": "CSCI-UA 102"}


def test_sample_report_lists_every_non_schema_grade() -> None:
    report = parse_report(render_text(sample_report(), "pdfjs"))
    courses = to_user_courses(report)
    mappings = [m for m in (map_grade(row.grade, row.course_code).mapping for row in report.rows) if m is not None]
    assert [(m.from_grade, m.to_grade, m.course_code) for m in mappings] == [
        ("TR", "p", "MATH-UA 121"),
        ("CR", "p", "ECON-UA 2"),
        ("INC", None, "CSCI-UA 102"),
        ("D-", "d", "MATH-UA 1234"),
        ("AU", None, "MUSIC-UA 10"),
        ("S", "p", "CSCI-UA 472L"),
        ("NR", None, "CSCI-UA 310"),
        ("R", None, "CSCI-UA 330"),
        ("WF", "f", "CSCI-UA 9480"),
        ("IP", None, "MATH-UA 235"),
    ]
    # Nothing became "p" silently: every "p" is a printed P or a listed mapping.
    listed = {(m.course_code, m.to_grade) for m in mappings}
    for course in courses:
        if course.get("grade") == "p":
            printed_p = course["courseCode"] in {"PSYCH-UA 1", "CSCI-UA 4"}
            assert printed_p or (course["courseCode"], "p") in listed
