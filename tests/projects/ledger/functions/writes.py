"""The crash test's write log: unique (clientId, seq) records whose acknowledgement the client keeps."""
from albertplus_cli.server import ConvexError, mutation, query
from albertplus_cli.values import v

PAGE = 4000


@mutation(args={"clientId": v.string(), "seq": v.number(), "fail": v.optional(v.boolean())})
def logWrite(ctx, args):
    """Insert the record; with `fail` insert it and then throw, so it must never be found afterwards."""
    doc_id = ctx.db.insert("writes", {"clientId": args["clientId"], "seq": args["seq"]})
    if args.get("fail"):
        raise ConvexError({"code": "REQUESTED_FAILURE", "seq": args["seq"]})
    return doc_id


@query(args={"clientId": v.string(), "after": v.number()})
def seqs(ctx, args):
    """The client's seqs above `after`, ascending, at most PAGE of them (page on with the last one)."""
    rows = (ctx.db.query("writes")
            .with_index("by_client_seq", lambda r: r.eq("clientId", args["clientId"]).gt("seq", args["after"]))
            .take(PAGE))
    return [r["seq"] for r in rows]


@query(args={"batch": v.number()})
def importedCount(ctx, args):
    return len(ctx.db.query("imported").with_index("by_batch", lambda r: r.eq("batch", args["batch"])).collect())
