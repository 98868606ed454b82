"""The AlbertPlus schema: the 11 tables of the real app (packages/server/convex/schema.ts at 6601cc1)."""

from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

SCHOOL_NAMES = [
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
]

school_name = v.union(*(v.literal(name) for name in SCHOOL_NAMES))
level = v.union(v.literal("undergraduate"), v.literal("graduate"))
term = v.union(v.literal("spring"), v.literal("summer"), v.literal("fall"), v.literal("j-term"))
day = v.union(*(v.literal(d) for d in
                ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")))
grade = v.union(*(v.literal(g) for g in ("a", "a-", "b+", "b", "b-", "c+", "c", "c-", "d+", "d", "p", "f", "w")))
semester = v.object({"year": v.number(), "term": term})

app_configs = {"key": v.string(), "value": v.string()}

programs = {"name": v.string(), "level": level, "school": school_name, "programUrl": v.string()}

_requirement_base = {"programId": v.id("programs"), "isMajor": v.boolean(), "description": v.optional(v.string())}
requirement = v.union(
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

courses = {
    "code": v.string(),
    "program": v.string(),
    "programName": v.string(),
    "level": level,
    "title": v.string(),
    "credits": v.number(),
    "school": school_name,
    "description": v.string(),
    "courseUrl": v.string(),
}

prerequisite = v.union(
    v.object({"courseId": v.id("courses"), "type": v.literal("required"), "courses": v.array(v.string())}),
    v.object({"courseId": v.id("courses"), "type": v.literal("alternative"), "courses": v.array(v.string())}),
    v.object({
        "courseId": v.id("courses"),
        "type": v.literal("options"),
        "courses": v.array(v.string()),
        "creditsRequired": v.number(),
    }),
)

course_offerings = {
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
    "status": v.union(v.literal("open"), v.literal("closed"), v.literal("waitlist")),
    "waitlistNum": v.optional(v.number()),
    "isCorequisite": v.boolean(),
    "corequisiteOf": v.optional(v.number()),
}

user_courses = {
    "userId": v.string(),
    "courseCode": v.string(),
    "title": v.string(),
    "year": v.number(),
    "term": term,
    "alternativeOf": v.optional(v.id("userCourses")),
    "grade": v.optional(grade),
}

user_course_offerings = {
    "userId": v.string(),
    "classNumber": v.number(),
    "alternativeOf": v.optional(v.id("userCourseOfferings")),
}

students = {
    "userId": v.string(),
    "programs": v.array(v.id("programs")),
    "school": v.id("schools"),
    "startingDate": semester,
    "expectedGraduationDate": semester,
}

schools = {"name": school_name, "shortName": v.string(), "level": level}

student_invites = {"userId": v.string(), "name": v.string(), "email": v.string()}

schema = define_schema({
    "appConfigs": define_table(app_configs).index("by_key", ["key"]),
    "programs": define_table(programs)
        .index("by_program_name", ["name"])
        .index("by_school", ["school"])
        .search_index("search_name", search_field="name", filter_fields=["school"]),
    "requirements": define_table(requirement).index("by_program", ["programId"]),
    "courses": define_table(courses)
        .index("by_course_code", ["code"])
        .index("by_level", ["level"])
        .index("by_school_level", ["school", "level"])
        .search_index("search_title", search_field="title", filter_fields=["level", "school"]),
    "prerequisites": define_table(prerequisite).index("by_course", ["courseId"]),
    "courseOfferings": define_table(course_offerings)
        .index("by_class_number", ["classNumber", "term", "year"])
        .index("by_term_year", ["isCorequisite", "term", "year"])
        .index("by_course_term", ["courseCode", "term", "year"])
        .index("by_corequisite_of", ["corequisiteOf", "term", "year"])
        .search_index("search_title", search_field="title", filter_fields=["isCorequisite", "term", "year"])
        .search_index("search_course_code", search_field="courseCode",
                      filter_fields=["isCorequisite", "term", "year"]),
    "userCourses": define_table(user_courses)
        .index("by_user", ["userId"])
        .index("by_user_course_term", ["userId", "courseCode", "year", "term"]),
    "userCourseOfferings": define_table(user_course_offerings).index("by_user", ["userId"]),
    "students": define_table(students).index("by_user_id", ["userId"]),
    "schools": define_table(schools).index("by_name_level", ["name", "level"]),
    "studentInvites": define_table(student_invites).index("by_user_id", ["userId"]),
})
