"""NYU schools (name + level + short name). Public: onboarding lists them before the student exists."""

from albertplus_cli.server import query
from functions.helpers import validators as V


@query(args={})
def getSchools(ctx, args):
    return ctx.db.query("schools").collect()


@query(args={"name": V.school_name, "level": V.level})
def getSchoolByNameAndLevel(ctx, args):
    return (
        ctx.db.query("schools")
        .with_index("by_name_level", lambda q: q.eq("name", args["name"]).eq("level", args["level"]))
        .unique()
    )
