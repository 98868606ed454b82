"""The signed-in student's profile (school, programs, start and expected graduation), one row per user."""

from albertplus_cli.server import ConvexError
from functions.helpers import validators as V
from functions.helpers.auth import protected_mutation, protected_query

STUDENT_ARGS = V.students.omit("userId")


def current_student(ctx):
    subject = ctx.user["subject"]
    return ctx.db.query("students").with_index("by_user_id", lambda q: q.eq("userId", subject)).unique()


@protected_query(args={})
def getCurrentStudent(ctx, args):
    student = current_student(ctx)
    if student is None:
        return None
    programs = [ctx.db.get(program_id) for program_id in student["programs"]]
    return {
        **student,
        "school": ctx.db.get(student["school"]),
        "programs": [program for program in programs if program is not None],
    }


@protected_mutation(args=STUDENT_ARGS)
def upsertCurrentStudent(ctx, args):
    existing = current_student(ctx)
    if existing is not None:
        ctx.db.patch(existing["_id"], args)
        return existing["_id"]
    return ctx.db.insert("students", {**args, "userId": ctx.user["subject"]})


@protected_mutation(args=STUDENT_ARGS.partial())
def updateCurrentStudent(ctx, args):
    existing = current_student(ctx)
    if existing is None:
        raise ConvexError("Student not found")
    ctx.db.patch(existing["_id"], args)
    return existing["_id"]
