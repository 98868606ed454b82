"""Onboarding's "invite me to the final presentation" request: at most one per user."""

from albertplus_cli.server import ConvexError
from albertplus_cli.values import v
from functions.helpers.auth import protected_mutation, protected_query


def _current_invite(ctx):
    subject = ctx.user["subject"]
    return ctx.db.query("studentInvites").with_index("by_user_id", lambda q: q.eq("userId", subject)).unique()


@protected_query(args={})
def getCurrentUserInvite(ctx, args):
    return _current_invite(ctx)


@protected_mutation(args={"name": v.string(), "email": v.string()})
def createInvite(ctx, args):
    if _current_invite(ctx) is not None:
        raise ConvexError("Invite already exists for this user")
    return ctx.db.insert("studentInvites", {"userId": ctx.user["subject"], "name": args["name"],
                                            "email": args["email"]})
