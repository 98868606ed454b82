"""One named counter per row: read-modify-write increments (the lost-update test)."""
from albertplus_cli.server import mutation, query
from albertplus_cli.values import v


def _row(ctx, name):
    return ctx.db.query("counters").with_index("by_name", lambda r: r.eq("name", name)).unique()


@mutation(args={"name": v.string(), "by": v.optional(v.number())})
def increment(ctx, args):
    row = _row(ctx, args["name"])
    by = args.get("by", 1)
    if row is None:
        ctx.db.insert("counters", {"name": args["name"], "value": by})
        return by
    ctx.db.patch(row["_id"], {"value": row["value"] + by})
    return row["value"] + by


@query(args={"name": v.string()})
def get(ctx, args):
    row = _row(ctx, args["name"])
    return 0 if row is None else row["value"]
