"""Courses a student has taken or plans (the plan page), including the degree-audit import.

Rows are private: every read is by the caller's `by_user` range and every change checks `userId` first.
An `alternativeOf` link must point at one of the caller's own rows.
"""

from albertplus_cli.server import ConvexError
from albertplus_cli.values import v
from functions.helpers import validators as V
from functions.helpers.auth import Error, protected_mutation, protected_query

NOT_FOUND = "User course not found or unauthorized"
COURSE_ARGS = V.user_courses.omit("userId")


def _existing(db, user_id, course):
    return (
        db.query("userCourses")
        .with_index("by_user_course_term", lambda q: q.eq("userId", user_id).eq("courseCode", course["courseCode"])
                    .eq("year", course["year"]).eq("term", course["term"]))
        .first()
    )


def _owned(ctx, doc_id):
    doc = ctx.db.get(doc_id)
    if doc is None or doc["userId"] != ctx.user["subject"]:
        raise Error(NOT_FOUND)
    return doc


def _check_alternative(ctx, course):
    if course.get("alternativeOf") is not None:
        _owned(ctx, course["alternativeOf"])


@protected_query(args={})
def getUserCourses(ctx, args):
    subject = ctx.user["subject"]
    rows = ctx.db.query("userCourses").with_index("by_user", lambda q: q.eq("userId", subject)).collect()
    out = []
    for row in rows:
        course = ctx.db.query("courses").with_index("by_course_code", lambda q, r=row: q.eq("code", r["courseCode"]))
        out.append({**row, "course": course.unique()})
    return out


@protected_mutation(args=COURSE_ARGS)
def createUserCourse(ctx, args):
    subject = ctx.user["subject"]
    if _existing(ctx.db, subject, args) is not None:
        raise ConvexError(f"{args['courseCode']} already exists in {args['term']} {_year(args['year'])}")
    _check_alternative(ctx, args)
    return ctx.db.insert("userCourses", {**args, "userId": subject})


def _year(year):
    return int(year) if float(year).is_integer() else year  # JS prints 2025, not 2025.0


@protected_mutation(args=COURSE_ARGS.omit("courseCode").partial().extend({"id": v.id("userCourses")}))
def updateUserCourse(ctx, args):
    fields = {k: val for k, val in args.items() if k != "id"}
    _owned(ctx, args["id"])
    _check_alternative(ctx, fields)
    ctx.db.patch(args["id"], fields)
    return None


@protected_mutation(args={"id": v.id("userCourses")})
def deleteUserCourse(ctx, args):
    _owned(ctx, args["id"])
    ctx.db.delete(args["id"])
    return None


@protected_mutation(args={"courses": v.array(COURSE_ARGS)})
def importUserCourses(ctx, args):
    subject = ctx.user["subject"]
    inserted = updated = duplicates = 0
    ids = []
    for course in args["courses"]:
        existing = _existing(ctx.db, subject, course)
        if existing is None:
            _check_alternative(ctx, course)
            ids.append(ctx.db.insert("userCourses", {**course, "userId": subject}))
            inserted += 1
        elif existing.get("grade") is None and course.get("grade") is not None:
            ctx.db.patch(existing["_id"], {"grade": course["grade"]})
            updated += 1
        else:
            duplicates += 1
    return {"inserted": inserted, "updated": updated, "duplicates": duplicates, "ids": ids}
