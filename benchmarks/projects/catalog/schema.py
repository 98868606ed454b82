"""Benchmark project: the AlbertPlus courses and prerequisites tables, nothing else."""

from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "courses": define_table({
        "code": v.string(),
        "program": v.string(),
        "title": v.string(),
        "credits": v.number(),
        "description": v.string(),
    }).index("by_course_code", ["code"]),
    "prerequisites": define_table({
        "courseId": v.id("courses"),
        "type": v.union(v.literal("required"), v.literal("alternative")),
        "courses": v.array(v.string()),
    }).index("by_course", ["courseId"]),
})
