"""Degree requirements of a program (`required` / `alternative` / `options`), replaced as a whole by upserts."""

from albertplus_cli.server import internal_mutation
from albertplus_cli.values import v
from functions.helpers import validators as V


def requirements_of(db, program_id):
    return db.query("requirements").with_index("by_program", lambda q: q.eq("programId", program_id)).collect()


def insert_requirement(db, requirement):
    row = {"programId": requirement["programId"], "isMajor": requirement["isMajor"], "type": requirement["type"],
           "courses": requirement["courses"]}
    if "description" in requirement:
        row["description"] = requirement["description"]
    if requirement["type"] == "options":
        row["courseLevels"] = requirement["courseLevels"]
        row["creditsRequired"] = requirement["creditsRequired"]
    return db.insert("requirements", row)


@internal_mutation(args={"requirements": v.array(V.requirement)})
def createRequirementsInternal(ctx, args):
    return [insert_requirement(ctx.db, r) for r in args["requirements"]]


@internal_mutation(args={"programId": v.id("programs")})
def deleteRequirementsByProgramInternal(ctx, args):
    for row in requirements_of(ctx.db, args["programId"]):
        ctx.db.delete(row["_id"])
    return None
