"""The course catalog: lookups with prerequisites, the paginated/searchable list, and the scraper's upsert.

`getCourses` with several schools merges one sub-query per school into each page; its cursor is a composite
of per-school positions (see `helpers/pagination.py`), where the original shared one cursor between schools.
A `query` that is given searches, even when empty: as in the original, `query: ""` is a search for no text,
which matches nothing (an empty page), not the unfiltered list.
"""

from albertplus_cli.server import internal_mutation
from albertplus_cli.values import v
from functions.helpers import validators as V
from functions.helpers.auth import protected_query
from functions.helpers.pagination import index_fetch, merged_paginate, search_fetch
from functions.prerequisites import prerequisites_of


def by_code(db, code):
    return db.query("courses").with_index("by_course_code", lambda q: q.eq("code", code)).unique()


def _with_prerequisites(db, course):
    if course is None:
        return None
    prerequisites = [{k: val for k, val in p.items() if k != "courseId"} for p in prerequisites_of(db, course["_id"])]
    return {**course, "prerequisites": prerequisites}


@protected_query(args={"id": v.id("courses")})
def getCourseById(ctx, args):
    return _with_prerequisites(ctx.db, ctx.db.get(args["id"]))


@protected_query(args={"code": v.string()})
def getCourseByCode(ctx, args):
    return _with_prerequisites(ctx.db, by_code(ctx.db, args["code"]))


@protected_query(args={
    "level": V.level,
    "query": v.optional(v.string()),
    "schools": v.optional(v.array(V.school_name)),
    "paginationOpts": V.pagination_opts,
})
def getCourses(ctx, args):
    level, text, schools = args["level"], args.get("query"), args.get("schools") or []
    db = ctx.db
    if schools:
        schools = list(dict.fromkeys(schools))
        if text is not None:
            fetch = search_fetch(lambda school: db.query("courses").with_search_index(
                "search_title", lambda q: q.search("title", text).eq("level", level).eq("school", school)))
        else:
            def in_school(school, before):
                def bounds(r):
                    r = r.eq("school", school).eq("level", level)
                    return r if before is None else r.lt("_creationTime", before)
                return db.query("courses").with_index("by_school_level", bounds).order("desc")
            fetch = index_fetch(in_school)
        return merged_paginate(schools, fetch, args["paginationOpts"])
    if text is not None:
        query = db.query("courses").with_search_index(
            "search_title", lambda q: q.search("title", text).eq("level", level))
    else:
        query = db.query("courses").with_index("by_level", lambda q: q.eq("level", level)).order("desc")
    return query.paginate(args["paginationOpts"])


def upsert_course(db, course):
    existing = by_code(db, course["code"])
    if existing is not None:
        db.patch(existing["_id"], course)
        return existing["_id"]
    return db.insert("courses", course)


@internal_mutation(args=V.courses)
def upsertCourseInternal(ctx, args):
    return upsert_course(ctx.db, args)
