"""The original's `convex/helpers/auth.ts`: protected and admin-only function wrappers.

`@protected_query(args=...)` (and `_mutation`, `_action`, `protected_admin_*`) work like `@query(args=...)`
but first require a signed-in caller, put the identity on `ctx.user` (`ctx.user["subject"]` is the userId),
and, for the admin variants, require the `is_admin` claim. Errors carry the original texts, thrown as a plain
`Error` so clients see "Uncaught Error: Not authenticated".
"""

import functools
import hmac
import os

from albertplus_cli.server import action, mutation, query

NOT_AUTHENTICATED = "Not authenticated"
ADMIN_REQUIRED = "Unauthorized: Admin access required"
INVALID_API_KEY = "Invalid or missing API key"


class Error(Exception):
    """JavaScript's `Error`: the engine reports it as `Uncaught Error: <message>`."""


def auth(ctx):
    identity = ctx.auth.get_user_identity()
    if identity is None:
        raise Error(NOT_AUTHENTICATED)
    return identity


def require_admin(ctx):
    identity = auth(ctx)
    if not identity.get("is_admin"):
        raise Error(ADMIN_REQUIRED)
    return identity


def auth_api_key(api_key):
    """Constant-time check of the scraper's `X-API-KEY`: `!=` stops at the first differing character, so
    response times would reveal the key one character at a time."""
    expected = os.environ.get("CONVEX_API_KEY")
    given = api_key.encode() if isinstance(api_key, str) else b""
    if not expected or not hmac.compare_digest(given, expected.encode()):
        raise Error(INVALID_API_KEY)


def _custom(base, check):
    def decorator(handler=None, *, args=None, returns=None):
        def wrap(fn):
            @functools.wraps(fn)  # keeps __module__, so the loader registers it in the caller's module
            def with_user(ctx, fn_args):
                ctx.user = check(ctx)
                return fn(ctx, fn_args)

            return base(args=args, returns=returns)(with_user)

        return wrap(handler) if handler is not None else wrap

    return decorator


protected_query = _custom(query, auth)
protected_mutation = _custom(mutation, auth)
protected_action = _custom(action, auth)
protected_admin_query = _custom(query, require_admin)
protected_admin_mutation = _custom(mutation, require_admin)
protected_admin_action = _custom(action, require_admin)
