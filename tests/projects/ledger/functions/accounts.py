"""Accounts and transfers between them: the total is conserved and no balance goes negative."""
from albertplus_cli.server import ConvexError, mutation, query
from albertplus_cli.values import v


def _account(ctx, name):
    row = ctx.db.query("accounts").with_index("by_name", lambda r: r.eq("name", name)).unique()
    if row is None:
        raise ConvexError({"code": "NO_ACCOUNT", "account": name})
    return row


@mutation(args={"names": v.array(v.string()), "balance": v.number()})
def open(ctx, args):
    """Create the accounts that do not exist yet, each with `balance`; returns how many were created."""
    created = 0
    for name in args["names"]:
        if ctx.db.query("accounts").with_index("by_name", lambda r, n=name: r.eq("name", n)).unique() is None:
            ctx.db.insert("accounts", {"name": name, "balance": args["balance"]})
            created += 1
    return created


@mutation(args={"from": v.string(), "to": v.string(), "amount": v.number()})
def transfer(ctx, args):
    """Debit first, then check the balance, then credit: a half-applied transfer would be visible if a
    query could ever see the middle of a mutation, and a failed check must roll the debit back."""
    source = _account(ctx, args["from"])
    target = _account(ctx, args["to"])
    amount = args["amount"]
    if amount <= 0 or source["_id"] == target["_id"]:
        raise ConvexError({"code": "BAD_AMOUNT"})
    ctx.db.patch(source["_id"], {"balance": source["balance"] - amount})
    if source["balance"] - amount < 0:
        raise ConvexError({"code": "INSUFFICIENT_FUNDS", "balance": source["balance"]})
    ctx.db.patch(target["_id"], {"balance": target["balance"] + amount})
    return source["balance"] - amount


@query(args={})
def total(ctx, args):
    """{total, min, count, balances} over every account, read in one snapshot (every transfer changes it)."""
    rows = ctx.db.query("accounts").collect()
    balances = [r["balance"] for r in rows]
    return {"total": sum(balances), "min": min(balances) if balances else 0, "count": len(balances),
            "balances": balances}


@query(args={})
def list(ctx, args):
    return {r["name"]: r["balance"] for r in ctx.db.query("accounts").collect()}
