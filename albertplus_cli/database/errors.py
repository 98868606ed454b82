"""Errors raised by `ctx.db` with Convex's texts; the executor reports them as function errors."""

from __future__ import annotations


class DatabaseError(Exception):
    """A misuse of ctx.db or a limit hit; the message is what the caller sees."""


class InvalidCursorError(DatabaseError):
    pass
