"""Class sections (course offerings) per term: lookups, the register page's search/list, the scraper's upsert.

Every lookup by class number here takes the term and year (index `by_class_number` = classNumber, term,
year): class numbers are only unique within a term. `getCourseOfferings` with a search text merges the
title and course-code searches (300 hits each, as the original after #104) and pages them by hand, with the
last row's `_id` as the cursor; without text it pages `by_term_year` (lectures only, newest first).
"""

from albertplus_cli.server import internal_mutation
from albertplus_cli.values import v
from functions.helpers import validators as V
from functions.helpers.auth import protected_query

SEARCH_LIMIT = 300


def by_class_number(db, class_number, term, year):
    return (
        db.query("courseOfferings")
        .with_index("by_class_number", lambda q: q.eq("classNumber", class_number).eq("term", term).eq("year", year))
        .unique()
    )


def with_course(db, offering):
    course = db.query("courses").with_index("by_course_code", lambda q: q.eq("code", offering["courseCode"])).unique()
    return {**offering, "course": course}


@protected_query(args={"id": v.id("courseOfferings")})
def getCourseOfferingById(ctx, args):
    return ctx.db.get(args["id"])


@protected_query(args={"courseCodes": v.array(v.string()), "term": V.term, "year": v.number()})
def getCourseOfferingsByCourseCodes(ctx, args):
    out = []
    for code in args["courseCodes"]:
        out.extend(
            ctx.db.query("courseOfferings")
            .with_index("by_course_term", lambda q, c=code: q.eq("courseCode", c).eq("term", args["term"])
                        .eq("year", args["year"]))
            .collect()
        )
    return out


@protected_query(args={"classNumber": v.number(), "term": V.term, "year": v.number()})
def getCourseOfferingByClassNumber(ctx, args):
    return by_class_number(ctx.db, args["classNumber"], args["term"], args["year"])


@protected_query(args={"classNumber": v.number(), "term": V.term, "year": v.number()})
def getCorequisitesByCourseCode(ctx, args):
    return (
        ctx.db.query("courseOfferings")
        .with_index("by_corequisite_of", lambda q: q.eq("corequisiteOf", args["classNumber"]).eq("term", args["term"])
                    .eq("year", args["year"]))
        .collect()
    )


def _search(db, index, field, text, term, year):
    return (
        db.query("courseOfferings")
        .with_search_index(index, lambda q: q.search(field, text).eq("isCorequisite", False).eq("term", term)
                           .eq("year", year))
        .take(SEARCH_LIMIT)
    )


def _search_page(db, text, term, year, opts):
    merged = {}
    for row in _search(db, "search_title", "title", text, term, year) + _search(
            db, "search_course_code", "courseCode", text, term, year):
        merged.setdefault(row["_id"], row)
    results = list(merged.values())
    cursor = opts.get("cursor")
    start = next((i + 1 for i, row in enumerate(results) if row["_id"] == cursor), 0) if cursor else 0
    end = start + int(opts["numItems"])
    page = results[start:end]
    return {"page": page, "isDone": end >= len(results), "continueCursor": page[-1]["_id"] if page else ""}


@protected_query(args={"query": v.optional(v.string()), "term": V.term, "year": v.number(),
                       "paginationOpts": V.pagination_opts})
def getCourseOfferings(ctx, args):
    text, term, year = args.get("query"), args["term"], args["year"]
    if text:
        result = _search_page(ctx.db, text, term, year, args["paginationOpts"])
    else:
        result = (
            ctx.db.query("courseOfferings")
            .with_index("by_term_year", lambda q: q.eq("isCorequisite", False).eq("term", term).eq("year", year))
            .order("desc")
            .paginate(args["paginationOpts"])
        )
    return {**result, "page": [with_course(ctx.db, row) for row in result["page"]]}


def upsert_offering(db, offering):
    """Insert, or patch the section with the same (classNumber, term, year), as the original does: fields
    the payload omits (a `waitlistNum`, a `location`) keep their stored values."""
    existing = by_class_number(db, offering["classNumber"], offering["term"], offering["year"])
    if existing is not None:
        db.patch(existing["_id"], offering)
        return None
    return db.insert("courseOfferings", offering)


@internal_mutation(args=V.course_offerings)
def upsertCourseOfferingInternal(ctx, args):
    return upsert_offering(ctx.db, args)


@internal_mutation(args={"courseOfferings": v.array(V.course_offerings)})
def upsertCourseOfferingsInternal(ctx, args):
    return [upsert_offering(ctx.db, offering) for offering in args["courseOfferings"]]
