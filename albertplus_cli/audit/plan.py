"""Decide what importing a parsed report would do to a user's `userCourses`, without touching a database.

Why: `import-audit` must show the plan (insert / update grade / duplicate) before writing, give the same
counts under `--dry-run`, and write with exactly the rules of AlbertPlus' `userCourses:importUserCourses`
(spec §2.4): each incoming course is looked up by (courseCode, year, term) for the user; missing -> insert;
present without a grade while the incoming course has one -> patch the grade ("updated"); otherwise a
duplicate. The mutation handles the courses one after another, so a course inserted earlier in the same
batch is already "present" for a later identical one. Keeping these rules here, as pure functions over
plain dicts, lets the command and the tests share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .grades import GradeMapping, map_grade
from .parser import DegreeReport

Action = Literal["insert", "update", "duplicate"]
CourseKey = tuple[str, int, str]


def to_user_courses(report: DegreeReport) -> tuple[list[dict[str, Any]], list[GradeMapping]]:
    """The report's rows as `importUserCourses` arguments, plus every grade mapping that was applied.

    Each course is `{"courseCode", "title", "year", "term", "grade"?}`; `grade` is omitted when the
    row has none (in progress) or its grade was left ungraded. Units, type and repeat code have no
    field in `userCourses` and are not carried (they stay on `CourseRow`).
    """
    courses: list[dict[str, Any]] = []
    mappings: list[GradeMapping] = []
    for row in report.rows:
        result = map_grade(row.grade, row.course_code)
        course: dict[str, Any] = {
            "courseCode": row.course_code,
            "title": row.title,
            "year": row.term.year,
            "term": row.term.term,
        }
        if result.value is not None:
            course["grade"] = result.value
        if result.mapping is not None:
            mappings.append(result.mapping)
        courses.append(course)
    return courses, mappings


@dataclass(frozen=True)
class PlanEntry:
    """What happens to one incoming course.

    `existing_id` is the `_id` of the stored row it matched (update, duplicate). When it matched a course
    inserted earlier in the same batch instead, `existing_id` is None and `batch_index` is that course's
    index in the incoming list.
    """

    action: Action
    course: dict[str, Any]
    existing_id: str | None = None
    batch_index: int | None = None


@dataclass(frozen=True)
class ImportPlan:
    """The per-course entries, in incoming order, and the three counts the mutation would return."""

    entries: list[PlanEntry]

    @property
    def inserted(self) -> int:
        return sum(1 for entry in self.entries if entry.action == "insert")

    @property
    def updated(self) -> int:
        return sum(1 for entry in self.entries if entry.action == "update")

    @property
    def duplicates(self) -> int:
        return sum(1 for entry in self.entries if entry.action == "duplicate")

    def counts(self) -> dict[str, int]:
        """`{"inserted", "updated", "duplicates"}`, as `importUserCourses` returns them."""
        return {"inserted": self.inserted, "updated": self.updated, "duplicates": self.duplicates}


def course_key(course: Mapping[str, Any]) -> CourseKey:
    """The dedupe key of `by_user_course_term` (the user is implied): (courseCode, year, term)."""
    return (str(course["courseCode"]), int(course["year"]), str(course["term"]))


@dataclass
class _Slot:
    """The row a key currently resolves to, as the mutation would see it mid-batch."""

    existing_id: str | None
    batch_index: int | None
    has_grade: bool


def plan_import(incoming: Iterable[Mapping[str, Any]], existing: Iterable[Mapping[str, Any]]) -> ImportPlan:
    """Replay `importUserCourses` over `existing` (the user's current userCourses docs) for `incoming`.

    Where the user already has several rows with one key, the first one (in the given order, i.e.
    `_creationTime` order as `.first()` on the index returns) is the one that counts.
    """
    slots: dict[CourseKey, _Slot] = {}
    for doc in existing:
        slots.setdefault(course_key(doc), _Slot(_doc_id(doc), None, doc.get("grade") is not None))

    entries: list[PlanEntry] = []
    for index, raw in enumerate(incoming):
        course = dict(raw)
        key = course_key(course)
        slot = slots.get(key)
        incoming_grade = course.get("grade") is not None
        if slot is None:
            slots[key] = _Slot(None, index, incoming_grade)
            entries.append(PlanEntry("insert", course))
            continue
        action: Action = "update" if (not slot.has_grade and incoming_grade) else "duplicate"
        if action == "update":
            slot.has_grade = True
        entries.append(PlanEntry(action, course, slot.existing_id, slot.batch_index))
    return ImportPlan(entries)


def _doc_id(doc: Mapping[str, Any]) -> str | None:
    """A stored doc's `_id` as a string (None for docs given without one, e.g. in tests)."""
    value = doc.get("_id")
    return None if value is None else str(value)
