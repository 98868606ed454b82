"""Prerequisite groups of a course (`required` / `alternative` / `options`), replaced as a whole by upserts."""

from albertplus_cli.server import internal_mutation
from albertplus_cli.values import v
from functions.helpers import validators as V


def prerequisites_of(db, course_id):
    return db.query("prerequisites").with_index("by_course", lambda q: q.eq("courseId", course_id)).collect()


def insert_prerequisite(db, prerequisite):
    row = {"courseId": prerequisite["courseId"], "type": prerequisite["type"], "courses": prerequisite["courses"]}
    if prerequisite["type"] == "options":
        row["creditsRequired"] = prerequisite["creditsRequired"]
    return db.insert("prerequisites", row)


@internal_mutation(args={"prerequisites": v.array(V.prerequisite)})
def createPrerequisitesInternal(ctx, args):
    return [insert_prerequisite(ctx.db, p) for p in args["prerequisites"]]


@internal_mutation(args={"courseId": v.id("courses")})
def deletePrerequisitesByCourseInternal(ctx, args):
    for row in prerequisites_of(ctx.db, args["courseId"]):
        ctx.db.delete(row["_id"])
    return None
