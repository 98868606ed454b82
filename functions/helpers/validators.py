"""The `v.*` validators of the AlbertPlus tables (the original's `convex/schemas/*.ts`).

`schema.py` builds its tables from them and the functions validate their arguments with them, so each table
is defined once. They live here, not in schema.py, because the functions import the `functions.*` package
(a bare `import schema` could pick up some other module of that name); the loader resolves `functions.*`
to this project before it imports schema.py.
"""

from albertplus_cli.values import v

SCHOOL_NAMES = (
    "College of Arts and Science",
    "Graduate School of Arts and Science",
    "College of Dentistry",
    "Gallatin School of Individualized Study",
    "Leonard N. Stern School of Business",
    "Liberal Studies",
    "NYU Abu Dhabi",
    "NYU Shanghai",
    "NYU Grossman School of Medicine",
    "NYU Grossman Long Island School of Medicine",
    "Robert F. Wagner Graduate School of Public Service",
    "Rory Meyers College of Nursing",
    "School of Global Public Health",
    "School of Law",
    "School of Professional Studies",
    "Silver School of Social Work",
    "Steinhardt School of Culture, Education, and Human Development",
    "Tandon School of Engineering",
    "Tisch School of the Arts",
    "Non-School Based Programs - UG",
)
TERMS = ("spring", "summer", "fall", "j-term")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
GRADES = ("a", "a-", "b+", "b", "b-", "c+", "c", "c-", "d+", "d", "p", "f", "w")
LEVELS = ("undergraduate", "graduate")
STATUSES = ("open", "closed", "waitlist")


def literals(values):
    return v.union(*(v.literal(x) for x in values))


school_name = literals(SCHOOL_NAMES)
level = literals(LEVELS)
term = literals(TERMS)
day = literals(DAYS)
grade = literals(GRADES)
status = literals(STATUSES)
semester = v.object({"year": v.number(), "term": term})

# Convex's `paginationOptsValidator`.
pagination_opts = v.object({
    "numItems": v.number(),
    "cursor": v.union(v.string(), v.null()),
    "endCursor": v.optional(v.union(v.string(), v.null())),
    "id": v.optional(v.number()),
    "maximumRowsRead": v.optional(v.number()),
    "maximumBytesRead": v.optional(v.number()),
})

app_configs = v.object({"key": v.string(), "value": v.string()})

programs = v.object({"name": v.string(), "level": level, "school": school_name, "programUrl": v.string()})

_requirement_base = {"programId": v.id("programs"), "isMajor": v.boolean(), "description": v.optional(v.string())}
requirement_variants = (
    v.object({**_requirement_base, "type": v.literal("required"), "courses": v.array(v.string())}),
    v.object({**_requirement_base, "type": v.literal("alternative"), "courses": v.array(v.string())}),
    v.object({
        **_requirement_base,
        "type": v.literal("options"),
        "courses": v.array(v.string()),
        "courseLevels": v.array(v.object({"program": v.string(), "level": v.number()})),
        "creditsRequired": v.number(),
    }),
)
requirement = v.union(*requirement_variants)

courses = v.object({
    "code": v.string(),
    "program": v.string(),
    "programName": v.string(),
    "level": level,
    "title": v.string(),
    "credits": v.number(),
    "school": school_name,
    "description": v.string(),
    "courseUrl": v.string(),
})

prerequisite_variants = (
    v.object({"courseId": v.id("courses"), "type": v.literal("required"), "courses": v.array(v.string())}),
    v.object({"courseId": v.id("courses"), "type": v.literal("alternative"), "courses": v.array(v.string())}),
    v.object({
        "courseId": v.id("courses"),
        "type": v.literal("options"),
        "courses": v.array(v.string()),
        "creditsRequired": v.number(),
    }),
)
prerequisite = v.union(*prerequisite_variants)

course_offerings = v.object({
    "courseCode": v.string(),
    "classNumber": v.number(),
    "title": v.optional(v.string()),
    "section": v.string(),
    "description": v.optional(v.string()),
    "year": v.number(),
    "term": term,
    "level": level,
    "school": school_name,
    "instructors": v.array(v.string()),
    "location": v.optional(v.string()),
    "days": v.array(day),
    "startTime": v.optional(v.string()),
    "endTime": v.optional(v.string()),
    "status": status,
    "waitlistNum": v.optional(v.number()),
    "isCorequisite": v.boolean(),
    "corequisiteOf": v.optional(v.number()),
})

user_courses = v.object({
    "userId": v.string(),
    "courseCode": v.string(),
    "title": v.string(),
    "year": v.number(),
    "term": term,
    "alternativeOf": v.optional(v.id("userCourses")),
    "grade": v.optional(grade),
})

user_course_offerings = v.object({
    "userId": v.string(),
    "classNumber": v.number(),
    "alternativeOf": v.optional(v.id("userCourseOfferings")),
})

students = v.object({
    "userId": v.string(),
    "programs": v.array(v.id("programs")),
    "school": v.id("schools"),
    "startingDate": semester,
    "expectedGraduationDate": semester,
})

schools = v.object({"name": school_name, "shortName": v.string(), "level": level})

student_invites = v.object({"userId": v.string(), "name": v.string(), "email": v.string()})
