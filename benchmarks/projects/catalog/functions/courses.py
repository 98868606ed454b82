"""The benchmark's functions: an indexed point lookup with a join, and a validated single insert."""

from albertplus_cli.server import internal_mutation, mutation, query
from albertplus_cli.values import v


@query(args={"code": v.string()})
def getCourseByCode(ctx, args):
    course = ctx.db.query("courses").with_index("by_course_code", lambda r: r.eq("code", args["code"])).unique()
    if course is None:
        return None
    prerequisites = ctx.db.query("prerequisites").with_index(
        "by_course", lambda r: r.eq("courseId", course["_id"])).collect()
    return {**course, "prerequisites": [{k: p[k] for k in ("type", "courses")} for p in prerequisites]}


@mutation(args={"code": v.string(), "program": v.string(), "title": v.string(), "credits": v.number(),
                "description": v.string()}, returns=v.id("courses"))
def insertCourse(ctx, args):
    return ctx.db.insert("courses", args)


@internal_mutation(args={"start": v.number(), "count": v.number()})
def populate(ctx, args):
    """Insert `count` courses (every third with a prerequisite), numbered from `start`."""
    for i in range(int(args["start"]), int(args["start"] + args["count"])):
        course_id = ctx.db.insert("courses", {
            "code": f"BENCH-UA {i}", "program": "BENCH-UA", "title": f"Benchmark Course {i}", "credits": 4,
            "description": "A course that exists to be looked up quickly.",
        })
        if i % 3 == 0:
            ctx.db.insert("prerequisites", {"courseId": course_id, "type": "required",
                                            "courses": [f"BENCH-UA {i - 1}"]})
    return None
