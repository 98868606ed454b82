"""The request bodies of the scraper-facing HTTP routes (the original's zod schemas in `http.ts`), and
`normalizeCourseLevel`."""

from functions.helpers import zod as z
from functions.helpers.validators import DAYS, LEVELS, SCHOOL_NAMES, STATUSES, TERMS

GRADUATE_PROGRAM_CODES = frozenset(
    {"GA", "GG", "GH", "GI", "GP", "GN", "GU", "GC", "GS", "GE", "GB", "GY", "GX", "GT", "MD", "LW", "NL", "NP"})


def normalize_course_level(level, program):
    """A level string stays; a number (e.g. 101, 1003) becomes a level from the program suffix or its size."""
    if isinstance(level, str):
        return level
    suffix = program.rsplit("-", 1)[-1].upper()
    if suffix in GRADUATE_PROGRAM_CODES:
        return "graduate"
    if suffix.startswith("U"):
        return "undergraduate"
    return "graduate" if level >= 500 else "undergraduate"


def school_name():
    return z.enum(*SCHOOL_NAMES)


def _courses():
    return z.array(z.string())


PREREQUISITE = z.discriminated_union("type", {
    "required": z.obj({"type": z.enum("required"), "courses": _courses()}),
    "alternative": z.obj({"type": z.enum("alternative"), "courses": _courses()}),
    "options": z.obj({"type": z.enum("options"), "courses": _courses(), "creditsRequired": z.number()}),
})

UPSERT_COURSE_WITH_PREREQUISITES = z.obj({
    "program": z.string(),
    "programName": z.string(),
    "code": z.string(),
    "level": z.union(z.enum(*LEVELS), z.number()),
    "title": z.string(),
    "credits": z.integer(),
    "description": z.string(),
    "courseUrl": z.string(),
    "school": school_name(),
    "prerequisites": z.array(PREREQUISITE),
})


def _requirement(kind, **extra):
    return z.obj({"type": z.enum(kind), "isMajor": z.boolean(), "description": z.optional(z.string()),
                  "courses": _courses(), **extra})


REQUIREMENT = z.discriminated_union("type", {
    "required": _requirement("required"),
    "alternative": _requirement("alternative"),
    "options": _requirement(
        "options",
        courseLevels=z.array(z.obj({"program": z.string(), "level": z.coerce_number()})),
        creditsRequired=z.number(),
    ),
})

UPSERT_PROGRAM_WITH_REQUIREMENTS = z.obj({
    "name": z.string(),
    "level": z.enum(*LEVELS),
    "school": school_name(),
    "programUrl": z.string(),
    "requirements": z.array(REQUIREMENT),
})

UPSERT_COURSE_OFFERINGS = z.array(z.obj({
    "courseCode": z.string(),
    "classNumber": z.number(),
    "title": z.optional(z.string()),
    "section": z.string(),
    "description": z.optional(z.string()),
    "year": z.number(),
    "term": z.enum(*TERMS),
    "level": z.enum(*LEVELS),
    "school": school_name(),
    "instructors": z.array(z.string()),
    "location": z.optional(z.string()),
    "days": z.array(z.enum(*DAYS)),
    "startTime": z.string(),
    "endTime": z.string(),
    "status": z.enum(*STATUSES),
    "waitlistNum": z.optional(z.number()),
    "isCorequisite": z.default(z.boolean(), False),
    "corequisiteOf": z.optional(z.number()),
}))

GET_APP_CONFIG = z.obj({"key": z.string()})
SET_APP_CONFIG = z.obj({"key": z.string(), "value": z.string()})
