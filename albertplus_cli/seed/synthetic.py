"""Synthetic courses and sections for ``albertplus seed --scale N`` (benchmarks and load tests).

The rows have exactly the shapes of the bundled data set (seedAll's argument shape, spec §4.2), so the same
loader seeds both. They are built to coexist with the bundled data without touching it:

- course codes are ``SYN<k>-UA <100..999>`` (900 courses per synthetic subject), a prefix no real NYU subject
  uses, so they never collide with bundled codes;
- class numbers start at 60000 and are unique across *all* synthetic sections (not just per term), above the
  bundled ranges (10000-39999); past 10,000 courses they simply grow to six digits;
- output is deterministic from ``seed`` and prefix-stable: the first N courses (and their sections) are the
  same for any ``n_courses >= N``, so re-seeding with a larger ``--scale`` only adds rows.

Speed matters because ``--scale 10000`` (50,000 rows) must seed in seconds, so generation avoids per-row
overhead beyond a handful of ``random`` calls.
"""

from __future__ import annotations

import random
from typing import Any

SYNTHETIC_CLASS_NUMBER_START = 60000
COURSES_PER_SUBJECT = 900
SECTIONS_PER_TERM = 2
#: (term, year) pairs the synthetic sections are spread over: the current and next term of the bundled data.
TERMS: tuple[tuple[str, int], ...] = (("fall", 2026), ("spring", 2027))

_SCHOOL = "College of Arts and Science"
_ADJECTIVES = (
    "Applied", "Advanced", "Computational", "Comparative", "Experimental", "Foundations of", "Topics in",
    "Introduction to", "Quantitative", "Seminar in", "Principles of", "Studies in",
)
_TOPICS = (
    "Networks", "Systems", "Data Analysis", "Modeling", "Statistics", "Design", "Ethics", "Algorithms",
    "Urban Studies", "Media", "Linguistics", "Economics", "Cognition", "Optimization", "Visualization",
    "Policy", "Genomics", "Materials", "Signal Processing", "Narrative",
)
_FOCI = (
    "core methods and their applications",
    "classic readings alongside current research",
    "hands-on projects and weekly problem sets",
    "case studies drawn from industry and government",
    "the mathematical foundations of the field",
)
_PAIRS = (["monday", "wednesday"], ["tuesday", "thursday"])
_GRID = (
    ("08:00", "09:15"), ("09:30", "10:45"), ("11:00", "12:15"), ("12:30", "13:45"),
    ("14:00", "15:15"), ("15:30", "16:45"), ("17:00", "18:15"), ("18:30", "19:45"),
)
_INSTRUCTORS = (
    "Adler", "Baptiste", "Carver", "Dunmore", "Ellery", "Fairbanks", "Galloway", "Hargrove", "Ingram",
    "Jarvis", "Kendall", "Langley", "Merriman", "Norwood", "Oakley", "Prescott", "Quigley", "Radcliffe",
    "Sterling", "Thorne", "Underwood", "Vance", "Whitlock", "Yardley",
)
_STATUSES = ("open", "open", "open", "closed", "waitlist")


def synthetic_code(index: int) -> str:
    """Course code of the ``index``-th synthetic course (0-based): ``SYN0-UA 100``, ..., ``SYN1-UA 100``."""
    subject, offset = divmod(index, COURSES_PER_SUBJECT)
    return f"SYN{subject}-UA {100 + offset}"


def synthetic_dataset(n_courses: int, seed: int = 42) -> dict[str, list[dict[str, Any]]]:
    """Return ``{"courses": [...], "courseOfferings": [...]}`` with ``n_courses`` courses, 4 sections each.

    Each course gets two lecture sections in fall 2026 and two in spring 2027 (``"001"``, ``"002"``), on the
    NYU meeting grid, with a room, one instructor and a status (``waitlistNum`` only for waitlisted ones).
    """
    if n_courses < 0:
        raise ValueError(f"n_courses must be >= 0, got {n_courses}")
    rng = random.Random(seed)
    rand, choice, randint = rng.random, rng.choice, rng.randint
    courses: list[dict[str, Any]] = []
    offerings: list[dict[str, Any]] = []
    class_number = SYNTHETIC_CLASS_NUMBER_START
    for index in range(n_courses):
        code = synthetic_code(index)
        program = code.split(" ", 1)[0]
        subject = index // COURSES_PER_SUBJECT
        title = f"{choice(_ADJECTIVES)} {choice(_TOPICS)}"
        description = f"Synthetic benchmark course ({title}) covering {choice(_FOCI)}."
        credits = 4 if rand() < 0.8 else choice((2, 3))
        courses.append({
            "code": code,
            "program": program,
            "programName": f"Synthetic Subject {subject}",
            "level": "undergraduate",
            "title": title,
            "credits": credits,
            "school": _SCHOOL,
            "description": description,
            "courseUrl": f"https://bulletins.nyu.edu/courses/syn{subject}_ua/",
        })
        for term, year in TERMS:
            for section in range(1, SECTIONS_PER_TERM + 1):
                start, end = choice(_GRID)
                status = choice(_STATUSES)
                row: dict[str, Any] = {
                    "courseCode": code,
                    "classNumber": class_number,
                    "title": title,
                    "section": f"{section:03d}",
                    "year": year,
                    "term": term,
                    "level": "undergraduate",
                    "school": _SCHOOL,
                    "instructors": [choice(_INSTRUCTORS)],
                    "location": f"Synthetic Hall Room {randint(100, 999)}",
                    "days": list(choice(_PAIRS)),
                    "startTime": start,
                    "endTime": end,
                    "status": status,
                    "isCorequisite": False,
                }
                if status == "waitlist":
                    row["waitlistNum"] = randint(1, 25)
                offerings.append(row)
                class_number += 1
    return {"courses": courses, "courseOfferings": offerings}
