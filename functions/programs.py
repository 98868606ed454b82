"""Degree programs with their requirements, the paginated/searchable list, and the scraper's upsert."""

from albertplus_cli.server import internal_mutation
from albertplus_cli.values import v
from functions.helpers import validators as V
from functions.helpers.auth import protected_query
from functions.requirements import requirements_of


def by_name(db, name):
    return db.query("programs").with_index("by_program_name", lambda q: q.eq("name", name)).unique()


def _with_requirements(db, program):
    if program is None:
        return None
    requirements = [{k: val for k, val in r.items() if k != "programId"} for r in requirements_of(db, program["_id"])]
    return {**program, "requirements": requirements}


@protected_query(args={"id": v.id("programs")})
def getProgramById(ctx, args):
    return _with_requirements(ctx.db, ctx.db.get(args["id"]))


@protected_query(args={"name": v.string()})
def getProgramByName(ctx, args):
    return _with_requirements(ctx.db, by_name(ctx.db, args["name"]))


@protected_query(args={"query": v.optional(v.string()), "paginationOpts": V.pagination_opts})
def getPrograms(ctx, args):
    text = args.get("query")
    if text:
        query = ctx.db.query("programs").with_search_index("search_name", lambda q: q.search("name", text))
    else:
        query = ctx.db.query("programs").order("desc")
    return query.paginate(args["paginationOpts"])


def upsert_program(db, program):
    existing = by_name(db, program["name"])
    if existing is not None:
        db.patch(existing["_id"], program)
        return existing["_id"]
    return db.insert("programs", program)


@internal_mutation(args=V.programs)
def upsertProgramInternal(ctx, args):
    return upsert_program(ctx.db, args)
