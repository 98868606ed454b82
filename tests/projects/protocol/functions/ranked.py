"""Rows ordered by a rank the test controls, for gapless reactive pagination (inserts into any page)."""
from albertplus_cli.server import mutation, query
from albertplus_cli.values import v


@query(args={"paginationOpts": v.object({
    "numItems": v.number(),
    "cursor": v.union(v.string(), v.null()),
    "id": v.optional(v.number()),
})})
def page(ctx, args):
    return ctx.db.query("ranked").with_index("by_rank").paginate(args["paginationOpts"])


@query(args={})
def all(ctx, args):
    return ctx.db.query("ranked").with_index("by_rank").collect()


@mutation(args={"rank": v.number(), "label": v.string()})
def add(ctx, args):
    return ctx.db.insert("ranked", {"rank": args["rank"], "label": args["label"]})


@mutation(args={"label": v.string()})
def remove(ctx, args):
    for doc in ctx.db.query("ranked").collect():
        if doc["label"] == args["label"]:
            ctx.db.delete(doc["_id"])
    return None
