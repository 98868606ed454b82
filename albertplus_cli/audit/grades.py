"""Map the grades printed on a Degree Progress Report to the values `userCourses.grade` admits.

Why: the schema only admits `a, a-, b+, b, b-, c+, c, c-, d+, d, p, f, w`, but a real report also
carries INC, IP, CR, TR, NR, S, ... The original web app ran every grade through a zod schema with
`.catch("p")`, so an incomplete or a not-yet-reported grade silently became a pass. Here every grade
that is not literally a schema grade goes through `GRADE_TABLE`, which says what it becomes and why,
and `map_grade` returns a `GradeMapping` for it so the command can list it to the user. An unknown
grade is never guessed: it is left ungraded and listed.

"Left ungraded" (`to_grade=None`) means the course is imported without a grade. That is deliberate for
grades that are not final (INC, IP, NR, ...): `importUserCourses` fills a missing grade on a later
import, so re-importing the report once the final grade is out completes the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: The grade values of the `userCourses` schema, in the schema's order.
SCHEMA_GRADES: Final[tuple[str, ...]] = (
    "a", "a-", "b+", "b", "b-", "c+", "c", "c-", "d+", "d", "p", "f", "w",
)  # fmt: skip


@dataclass(frozen=True)
class GradeRule:
    """What a non-schema report grade becomes (`None` = imported without a grade) and why."""

    to_grade: str | None
    reason: str


#: Every report grade that is not a schema grade as written, with its decision. Keys are upper case.
GRADE_TABLE: Final[dict[str, GradeRule]] = {
    # Letter grades the schema lacks: the nearest schema grade in the same letter band.
    "A+": GradeRule("a", "A+ is not in the schema; mapped to the highest schema grade, a"),
    "D-": GradeRule("d", "D- is not in the schema (it has d+ and d); mapped to d, the same passing D band"),
    # Passed without a letter grade.
    "S": GradeRule("p", "S (satisfactory) is a pass without a letter grade"),
    "CR": GradeRule("p", "CR (credit) is a pass without a letter grade"),
    "PA": GradeRule("p", "PA (pass) is a pass without a letter grade"),
    "TR": GradeRule("p", "TR (transfer credit) is credit earned elsewhere, without a letter grade"),
    # Failed or no credit earned.
    "U": GradeRule("f", "U (unsatisfactory) is a pass/fail failure: no credit earned"),
    "NC": GradeRule("f", "NC (no credit) means the course earned no credit"),
    "FN": GradeRule("f", "FN (failure, never attended / stopped attending) is a failing grade"),
    "WF": GradeRule("f", "WF (withdrew failing) counts as a failure"),
    # Withdrawals.
    "WD": GradeRule("w", "WD (withdrawn) is a withdrawal"),
    "WP": GradeRule("w", "WP (withdrew passing) is a withdrawal with no grade"),
    "WN": GradeRule("w", "WN (withdrawn, never attended) is a withdrawal"),
    # Not a final grade: imported without a grade, so a later import can fill it.
    "I": GradeRule(None, "I (incomplete) is not a final grade; left ungraded until it is"),
    "INC": GradeRule(None, "INC (incomplete) is not a final grade; left ungraded until it is"),
    "IP": GradeRule(None, "IP (in progress) has no grade yet; left ungraded"),
    "NR": GradeRule(None, "NR (not reported) has no grade yet; left ungraded"),
    "R": GradeRule(None, "R (registered / result pending) is not a final grade; left ungraded"),
    "Y": GradeRule(None, "Y (year-long course, graded at its end) has no grade yet; left ungraded"),
    "NG": GradeRule(None, "NG (no grade) carries no grade; left ungraded"),
    "AU": GradeRule(None, "AU (audit) earns neither credit nor a grade; left ungraded"),
    "AUD": GradeRule(None, "AUD (audit) earns neither credit nor a grade; left ungraded"),
}


@dataclass(frozen=True)
class GradeMapping:
    """One report grade that was not a schema grade, what it became, for which course, and why."""

    from_grade: str
    to_grade: str | None
    course_code: str
    reason: str

    def to_json(self) -> dict[str, str | None]:
        """The `gradeMappings` entry of `import-audit --json` (CONTRACT §3)."""
        return {"from": self.from_grade, "to": self.to_grade, "courseCode": self.course_code}


@dataclass(frozen=True)
class GradeResult:
    """The schema grade to store (`None` = no grade), and the mapping when one was needed."""

    value: str | None
    mapping: GradeMapping | None


def map_grade(raw: str | None, course_code: str) -> GradeResult:
    """Map one report grade for `course_code`.

    A blank grade (an in-progress row) is simply no grade, with no mapping: there is nothing to convert.
    A schema grade in any case (`B+`, `b+`) maps to itself with no mapping. Everything else yields a
    mapping: from `GRADE_TABLE`, or "unrecognized; left ungraded" when the table does not know it.
    """
    grade = (raw or "").strip()
    if not grade:
        return GradeResult(None, None)
    if grade.lower() in SCHEMA_GRADES:
        return GradeResult(grade.lower(), None)
    rule = GRADE_TABLE.get(grade.upper())
    if rule is None:
        rule = GradeRule(None, f"{grade} is not a grade this importer knows; left ungraded")
    return GradeResult(rule.to_grade, GradeMapping(grade, rule.to_grade, course_code, rule.reason))
