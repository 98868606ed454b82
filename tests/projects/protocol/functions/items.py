"""Per-user rows, for the invalidation-precision tests: one subscription per user reads only that user's range."""
from albertplus_cli.server import mutation, query
from albertplus_cli.values import v


@query(args={"userId": v.string()})
def listForUser(ctx, args):
    return ctx.db.query("items").with_index("by_user", lambda r: r.eq("userId", args["userId"])).collect()


@mutation(args={"userId": v.string(), "value": v.number()})
def add(ctx, args):
    return ctx.db.insert("items", {"userId": args["userId"], "value": args["value"]})


@mutation(args={"id": v.id("items"), "value": v.number()})
def setValue(ctx, args):
    ctx.db.patch(args["id"], {"value": args["value"]})
    return None


@mutation(args={"id": v.id("items"), "userId": v.string()})
def move(ctx, args):
    ctx.db.patch(args["id"], {"userId": args["userId"]})
    return None


@mutation(args={"userIds": v.array(v.string()), "value": v.number()})
def addMany(ctx, args):
    return [ctx.db.insert("items", {"userId": u, "value": args["value"]}) for u in args["userIds"]]
