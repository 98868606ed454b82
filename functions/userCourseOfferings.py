"""A student's section cart for registration (the register page): schedule rows and their alternatives.

Rows store only `classNumber`; it is joined to its section in a definite term (`helpers/terms.py`): the next
(registration) term from appConfigs, else the current term, else the latest term with that number. The
original joined on class number alone with `.unique()`, which threw once a number existed in two terms.
The time-conflict check compares the new section only with scheduled (non-alternative) sections of the same
term. Rows are private: every read is the caller's `by_user` range and every change checks `userId` first;
`alternativeOf` must name one of the caller's own rows.
"""

from albertplus_cli.server import ConvexError
from albertplus_cli.values import UNDEFINED, v
from functions.helpers.auth import Error, protected_mutation, protected_query
from functions.helpers.terms import preferred_terms, resolve_offering
from functions.helpers.time_conflicts import find_time_conflicts

NOT_FOUND = "User course offering not found or unauthorized"


def _rows(ctx):
    subject = ctx.user["subject"]
    return ctx.db.query("userCourseOfferings").with_index("by_user", lambda q: q.eq("userId", subject)).collect()


def _owned(ctx, doc_id):
    doc = ctx.db.get(doc_id)
    if doc is None or doc["userId"] != ctx.user["subject"]:
        raise Error(NOT_FOUND)
    return doc


def _joined(ctx, rows):
    preferred = preferred_terms(ctx.db)
    out = []
    for row in rows:
        offering = resolve_offering(ctx.db, row["classNumber"], preferred)
        if offering is None:
            raise Error("Course offering not found")
        out.append({**row, "courseOffering": offering})
    return out


@protected_query(args={})
def getUserCourseOfferings(ctx, args):
    return _joined(ctx, _rows(ctx))


@protected_query(args={})
def getScheduleCourseOfferings(ctx, args):
    return _joined(ctx, [row for row in _rows(ctx) if row.get("alternativeOf") is None])


@protected_mutation(args={
    "classNumber": v.number(),
    "alternativeOf": v.optional(v.id("userCourseOfferings")),
    "forceAdd": v.optional(v.boolean()),
})
def addUserCourseOffering(ctx, args):
    rows = _rows(ctx)
    if any(row["classNumber"] == args["classNumber"] for row in rows):
        raise ConvexError("Course offering already added to user schedule")
    preferred = preferred_terms(ctx.db)
    offering = resolve_offering(ctx.db, args["classNumber"], preferred)
    if offering is None:
        raise ConvexError("Course offering not found")
    alternative_of = args.get("alternativeOf")
    if alternative_of is not None:
        _owned(ctx, alternative_of)
    if alternative_of is None and not args.get("forceAdd") and offering.get("startTime") and offering.get("endTime"):
        scheduled = [resolve_offering(ctx.db, row["classNumber"], preferred)
                     for row in rows if row.get("alternativeOf") is None]
        same_term = [o for o in scheduled
                     if o is not None and o["term"] == offering["term"] and o["year"] == offering["year"]]
        conflicts = find_time_conflicts(offering, same_term)
        if conflicts:
            raise ConvexError({"type": "TIME_CONFLICT", "conflictingClassNumbers": conflicts})
    row = {"userId": ctx.user["subject"], "classNumber": args["classNumber"]}
    if alternative_of is not None:
        row["alternativeOf"] = alternative_of
    return ctx.db.insert("userCourseOfferings", row)


@protected_mutation(args={
    "id": v.id("userCourseOfferings"),
    "classNumber": v.number(),
    "alternativeOf": v.optional(v.id("userCourseOfferings")),
})
def updateUserCourseOffering(ctx, args):
    _owned(ctx, args["id"])
    if args.get("alternativeOf") is not None:
        _owned(ctx, args["alternativeOf"])
    ctx.db.patch(args["id"], {k: val for k, val in args.items() if k != "id"})
    return None


@protected_mutation(args={"id": v.id("userCourseOfferings")})
def removeUserCourseOffering(ctx, args):
    _owned(ctx, args["id"])
    ctx.db.delete(args["id"])
    for row in _rows(ctx):
        if row.get("alternativeOf") == args["id"]:
            ctx.db.patch(row["_id"], {"alternativeOf": UNDEFINED})
    return None


@protected_mutation(args={"alternativeId": v.id("userCourseOfferings")})
def swapWithAlternative(ctx, args):
    alternative_id = args["alternativeId"]
    alternative = ctx.db.get(alternative_id)
    if alternative is None or alternative["userId"] != ctx.user["subject"]:
        raise ConvexError("Alternative course not found or unauthorized")
    main_id = alternative.get("alternativeOf")
    if main_id is None:
        raise ConvexError("This course is not an alternative of another course")
    main = ctx.db.get(main_id)
    if main is None or main["userId"] != ctx.user["subject"]:
        raise ConvexError("Main course not found or unauthorized")
    ctx.db.patch(alternative_id, {"alternativeOf": UNDEFINED})
    ctx.db.patch(main_id, {"alternativeOf": alternative_id})
    # The main row's other alternatives follow it to the new main row, so no alternative points at an alternative.
    for row in _rows(ctx):
        if row.get("alternativeOf") == main_id and row["_id"] != alternative_id:
            ctx.db.patch(row["_id"], {"alternativeOf": alternative_id})
    return None


@protected_query(args={"userCourseOfferingId": v.id("userCourseOfferings")})
def getAlternativeCourses(ctx, args):
    target = args["userCourseOfferingId"]
    return _joined(ctx, [row for row in _rows(ctx) if row.get("alternativeOf") == target])


@protected_query(args={"classNumbers": v.array(v.number())})
def getCourseOfferingsByClassNumbers(ctx, args):
    preferred = preferred_terms(ctx.db)
    return [resolve_offering(ctx.db, number, preferred) for number in args["classNumbers"]]
