"""The fanout benchmark's functions: everyone's total, one user's counter, and a bump."""

from albertplus_cli.server import mutation, query
from albertplus_cli.values import v


@query(args={})
def total(ctx, args):
    return sum(doc["value"] for doc in ctx.db.query("counters").take(100))


@query(args={"userId": v.string()})
def forUser(ctx, args):
    doc = ctx.db.query("counters").with_index("by_user", lambda r: r.eq("userId", args["userId"])).first()
    return None if doc is None else doc["value"]


@mutation(args={"userId": v.string()})
def bump(ctx, args):
    doc = ctx.db.query("counters").with_index("by_user", lambda r: r.eq("userId", args["userId"])).first()
    if doc is None:
        ctx.db.insert("counters", {"userId": args["userId"], "value": 1})
        return 1
    ctx.db.patch(doc["_id"], {"value": doc["value"] + 1})
    return doc["value"] + 1
