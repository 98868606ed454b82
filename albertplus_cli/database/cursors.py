"""Opaque pagination cursors: the last index key read, tied to the query's range.

Key-based cursors stay correct when documents are inserted or deleted between pages (no offsets), and a
cursor from another query is refused instead of silently reading the wrong range.
"""

from __future__ import annotations

import base64
import hashlib

from albertplus_cli.database.errors import InvalidCursorError

_KEY, _END, _OFFSET = b"k", b"e", b"o"


def query_fingerprint(*parts: object) -> bytes:
    h = hashlib.blake2b(digest_size=6)
    for part in parts:
        h.update(repr(part).encode() if not isinstance(part, bytes) else part)
        h.update(b"\x1f")
    return h.digest()


def _pack(fingerprint: bytes, kind: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(fingerprint + kind + payload).decode("ascii").rstrip("=")


def key_cursor(fingerprint: bytes, key: bytes) -> str:
    return _pack(fingerprint, _KEY, key)


def end_cursor(fingerprint: bytes) -> str:
    return _pack(fingerprint, _END, b"")


def offset_cursor(fingerprint: bytes, offset: int) -> str:
    return _pack(fingerprint, _OFFSET, offset.to_bytes(4, "big"))


def parse_cursor(cursor: object, fingerprint: bytes) -> tuple[str, bytes | int | None]:
    """Returns ("key", key) | ("end", None) | ("offset", n); raises InvalidCursorError otherwise."""
    if not isinstance(cursor, str) or not cursor:
        raise InvalidCursorError("Invalid cursor: expected a cursor string from a previous page")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, TypeError):
        raise InvalidCursorError(f"Invalid cursor: {cursor[:40]!r} is not a cursor") from None
    if len(raw) < 7:
        raise InvalidCursorError(f"Invalid cursor: {cursor[:40]!r} is not a cursor")
    if raw[:6] != fingerprint:
        raise InvalidCursorError(
            "Invalid cursor: it was returned by a different query (cursors only work with the query that made them)"
        )
    kind, payload = raw[6:7], raw[7:]
    if kind == _KEY:
        return "key", payload
    if kind == _END:
        return "end", None
    if kind == _OFFSET and len(payload) == 4:
        return "offset", int.from_bytes(payload, "big")
    raise InvalidCursorError(f"Invalid cursor: {cursor[:40]!r} is not a cursor")
