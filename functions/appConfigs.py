"""App-wide settings (`current_term`, `next_year`, scrape flags, ...): key/value strings, upserted by key."""

from albertplus_cli.server import internal_mutation, internal_query
from albertplus_cli.values import v
from functions.helpers.auth import protected_admin_mutation, protected_query


def _by_key(db, key):
    return db.query("appConfigs").with_index("by_key", lambda q: q.eq("key", key)).first()


def _upsert(db, key, value):
    existing = _by_key(db, key)
    if existing is not None:
        db.patch(existing["_id"], {"value": value})
        return existing["_id"]
    return db.insert("appConfigs", {"key": key, "value": value})


@protected_query(args={"key": v.string()})
def getAppConfig(ctx, args):
    doc = _by_key(ctx.db, args["key"])
    return None if doc is None else doc["value"]


@protected_query(args={})
def getAllAppConfigs(ctx, args):
    return ctx.db.query("appConfigs").collect()


@internal_query(args={"key": v.string()})
def getAppConfigInternal(ctx, args):
    doc = _by_key(ctx.db, args["key"])
    return None if doc is None else doc["value"]


@protected_admin_mutation(args={"key": v.string(), "value": v.string()})
def setAppConfig(ctx, args):
    return _upsert(ctx.db, args["key"], args["value"])


@protected_admin_mutation(args={"key": v.string()})
def removeAppConfig(ctx, args):
    doc = _by_key(ctx.db, args["key"])
    if doc is None:
        return False
    ctx.db.delete(doc["_id"])
    return True


@internal_mutation(args={"key": v.string(), "value": v.string()})
def setAppConfigInternal(ctx, args):
    return _upsert(ctx.db, args["key"], args["value"])
