"""The AlbertPlus schema: the 11 tables of the real app (packages/server/convex/schema.ts at 6601cc1).

The document validators live in functions/helpers/validators.py (the original's convex/schemas/*.ts), which
the functions use for their arguments too: one definition of each table.
"""

from albertplus_cli.schema import define_schema, define_table
from functions.helpers.validators import (
    app_configs,
    course_offerings,
    courses,
    prerequisite,
    programs,
    requirement,
    schools,
    student_invites,
    students,
    user_course_offerings,
    user_courses,
)

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
