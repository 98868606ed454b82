"""Read an NYU Degree Progress Report and map its grades to the app's; no database code.

Why a separate package: reading a student's report is pure and testable on its own. What to write is not
decided here: the `import-audit` command hands the courses to the app's own `userCourses:importUserCourses`.

    report = parse_report(Path("report.pdf"))            # or text, or bytes; raises AuditError subclasses
    result = map_grade(row.grade, row.course_code)       # the schema grade, and the mapping when one applied
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
    "NoCourseHistoryError",
    "NotADegreeReportError",
    "NotAPdfError",
    "ReportText",
    "SCHEMA_GRADES",
    "TERM_ORDER",
    "Term",
    "TextLine",
    "UnreadableFileError",
    "compose_title",
    "map_grade",
    "parse_report",
    "parse_report_text",
    "read_report",
]
