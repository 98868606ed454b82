"""Convex's identifier rules for table, index and field names (`rs:sync_types/src/identifier.rs`)."""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_IDENTIFIER_LENGTH = 64
RESERVED_INDEX_NAMES = frozenset({"by_id", "by_creation_time"})


class SchemaError(ValueError):
    """An invalid schema definition; the message names the table, index or field."""


def check_identifier(name: object, what: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise SchemaError(f"Invalid {what} name {name!r}: identifiers are letters, digits and underscores, "
                          "and may not start with a digit")
    if len(name) > MAX_IDENTIFIER_LENGTH:
        raise SchemaError(f"Invalid {what} name {name!r}: longer than {MAX_IDENTIFIER_LENGTH} characters")
    if set(name) == {"_"}:
        raise SchemaError(f"Invalid {what} name {name!r}: cannot be all underscores")
    return name


def check_table_name(name: object) -> str:
    check_identifier(name, "table")
    assert isinstance(name, str)
    if name.startswith("_"):
        raise SchemaError(f"Invalid table name {name!r}: names starting with '_' are reserved for system tables")
    return name
