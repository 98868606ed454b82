"""The key under which a sync mutation's result is kept for replay when the client re-sends it.

A client that reconnects re-sends its unanswered mutations with the same session id and request id, and
gets the stored result instead of a second run. The session id alone proves nothing: it travels in the
clear, sits in the database and may be reused by anyone. So the key also holds who sent the mutation and
what it asked for: the same session and request id from another user, or with another function or other
arguments, finds no stored result and runs as a new mutation.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from albertplus_cli.auth import Identity
from albertplus_cli.functions.paths import InvalidPathError, canonical_path


def caller_key(identity: Identity) -> str:
    """Who sent it: the same user stays the same across token refreshes (issuer and subject)."""
    if identity.user is None:
        return identity.kind
    return f"{identity.kind}:{identity.token_identifier or ''}"


def dedupe_key(session_id: str, identity: Identity, path: str, raw_args: Any) -> str:
    """A digest of (session id, caller, function, arguments); stored beside the request id."""
    try:
        function = canonical_path(path)  # the Rust client adds `.js` to the path when it re-sends
    except InvalidPathError:
        function = path
    try:
        args = orjson.dumps(raw_args, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        args = repr(raw_args).encode()
    digest = hashlib.sha256()
    for part in (session_id.encode(), caller_key(identity).encode(), function.encode(), args):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return "dedupe:" + digest.hexdigest()
