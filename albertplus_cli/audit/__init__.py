"""Read an NYU Degree Progress Report and plan its import into `userCourses`; no database code.

Why a separate package: parsing a student's report and deciding what to write are pure, testable
steps; the `import-audit` command adds the database write and the terminal output on top of them.

    report = parse_report(Path("report.pdf"))            # or text, or bytes; raises AuditError subclasses
    courses, mappings = to_user_courses(report)          # importUserCourses args + non-schema grades
    plan = plan_import(courses, existing_user_courses)   # insert / update / duplicate, with counts
"""

from __future__ import annotations

from .errors import (
    AuditError,
    EmptyFileError,
    ImageOnlyPdfError,
    NoCourseHistoryError,
    NotADegreeReportError,
    NotAPdfError,
    UnreadableFileError,
)
from .grades import GRADE_TABLE, SCHEMA_GRADES, GradeMapping, GradeResult, GradeRule, map_grade
from .parser import TERM_ORDER, CourseRow, DegreeReport, Term, compose_title, parse_report, parse_report_text
from .plan import ImportPlan, PlanEntry, course_key, plan_import, to_user_courses
from .report_text import ReportText, TextLine, read_report

__all__ = [
    "AuditError",
    "CourseRow",
    "DegreeReport",
    "EmptyFileError",
    "GRADE_TABLE",
    "GradeMapping",
    "GradeResult",
    "GradeRule",
    "ImageOnlyPdfError",
    "ImportPlan",
    "NoCourseHistoryError",
    "NotADegreeReportError",
    "NotAPdfError",
    "PlanEntry",
    "ReportText",
    "SCHEMA_GRADES",
    "TERM_ORDER",
    "Term",
    "TextLine",
    "UnreadableFileError",
    "compose_title",
    "course_key",
    "map_grade",
    "parse_report",
    "parse_report_text",
    "plan_import",
    "read_report",
    "to_user_courses",
]
