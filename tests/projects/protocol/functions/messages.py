"""Messages: the conformance kit's functions plus what the HTTP/sync tests need (logs, errors, internal)."""
import logging

from albertplus_cli.server import ConvexError, action, internal_mutation, internal_query, mutation, query
from albertplus_cli.values import v

log = logging.getLogger("messages")


@query(args={"author": v.optional(v.string())})
def list(ctx, args):
    q = ctx.db.query("messages")
    if "author" in args:
        q = q.with_index("by_author", lambda r: r.eq("author", args["author"]))
    return q.collect()


@query(args={"author": v.string()})
def count(ctx, args):
    return len(ctx.db.query("messages").with_index("by_author", lambda r: r.eq("author", args["author"])).collect())


@mutation(args={"author": v.string(), "body": v.string()}, returns=v.id("messages"))
def send(ctx, args):
    if not args["body"]:
        raise ConvexError({"code": "EMPTY", "message": "a message needs a body"})
    return ctx.db.insert("messages", {"author": args["author"], "body": args["body"]})


@mutation(args={"id": v.id("messages")})
def like(ctx, args):
    doc = ctx.db.get(args["id"])
    if doc is None:
        raise ConvexError("no such message")
    ctx.db.patch(args["id"], {"likes": doc.get("likes", 0) + 1})
    return doc.get("likes", 0) + 1


@query(args={"paginationOpts": v.object({
    "numItems": v.number(),
    "cursor": v.union(v.string(), v.null()),
    "id": v.optional(v.number()),
})})
def page(ctx, args):
    return ctx.db.query("messages").order("desc").paginate(args["paginationOpts"])


@query(args={"value": v.any()})
def echo(ctx, args):
    print("echo called")
    return args["value"]


@query(args={"n": v.int64(), "b": v.bytes(), "f": v.number()})
def typed(ctx, args):
    return {"n": args["n"], "b": args["b"], "f": args["f"]}


@query(args={})
def logs(ctx, args):
    print("printed", 1)
    log.info("an info line")
    log.warning("a warning")
    log.error("an error line")
    return "logged"


@query(args={})
def boom(ctx, args):
    raise ValueError("boom went the query")


@mutation(args={})
def mutationBoom(ctx, args):
    ctx.db.insert("messages", {"author": "boom", "body": "never committed"})
    raise RuntimeError("boom went the mutation")


@query(args={})
def whoami(ctx, args):
    identity = ctx.auth.get_user_identity()
    return None if identity is None else identity["subject"]


@query(args={})
def identity(ctx, args):
    return ctx.auth.get_user_identity()


@internal_query(args={})
def secret(ctx, args):
    return "classified"


@internal_mutation(args={"author": v.string(), "body": v.string()})
def internalSend(ctx, args):
    return ctx.db.insert("messages", args)


@action(args={"author": v.string()})
def countViaAction(ctx, args):
    return len(ctx.run_query("messages:list", {"author": args["author"]}))


@mutation(args={"data": v.any()})
def fail(ctx, args):
    raise ConvexError(args["data"])
