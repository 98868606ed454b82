"""Convex's size and shape limits on values and documents (spec/convex-protocol.md §4.4).

One implementation for dev, tests and the server: every document write and every function argument and
result passes through here.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from albertplus_cli.values.json_formats import encode
from albertplus_cli.values.types import Int64

MAX_DOCUMENT_SIZE: Final = 1 << 20
MAX_DOCUMENT_NESTING: Final = 16
MAX_VALUE_NESTING: Final = 64
MAX_ARRAY_LENGTH: Final = 8192
MAX_OBJECT_FIELDS: Final = 1024
MAX_FUNCTION_VALUE_SIZE: Final = 16 << 20
MAX_SCANNED_DOCUMENTS: Final = 32_000
MAX_WRITTEN_DOCUMENTS: Final = 16_000
MAX_READ_INTERVALS: Final = 4096
MAX_LOG_LINES: Final = 256
MAX_LOG_LINE_LENGTH: Final = 4096


class LimitError(ValueError):
    """A value or transaction over one of Convex's limits."""


def check_shape(value: Any, max_nesting: int, what: str = "Value", _depth: int = 0) -> None:
    """Nesting depth, array length and field count limits."""
    if isinstance(value, (list, tuple)):
        if _depth + 1 > max_nesting:
            raise LimitError(f"{what} is too nested (nested {_depth + 1} levels deep > maximum nesting {max_nesting})")
        if len(value) > MAX_ARRAY_LENGTH:
            raise LimitError(f"Array length is too long ({len(value)} > maximum length {MAX_ARRAY_LENGTH})")
        for item in value:
            check_shape(item, max_nesting, what, _depth + 1)
    elif isinstance(value, dict):
        if _depth + 1 > max_nesting:
            raise LimitError(f"{what} is too nested (nested {_depth + 1} levels deep > maximum nesting {max_nesting})")
        if len(value) > MAX_OBJECT_FIELDS:
            raise LimitError(f"Object has too many fields ({len(value)} > maximum number {MAX_OBJECT_FIELDS})")
        for item in value.values():
            check_shape(item, max_nesting, what, _depth + 1)


def encoded_size(value: Any) -> int:
    """The size of a value as Convex counts it, approximated by its encoded JSON length."""
    return len(orjson.dumps(encode(value)))


SYSTEM_FIELDS_SIZE: Final = 80  # `_id` and `_creationTime` as they add to a stored document
SYSTEM_FIELDS_COUNT: Final = 2  # ... and as they count towards the document object's fields


def check_document(document: dict[str, Any]) -> bytes:
    """Check a document's user fields against the document limits; returns their encoded JSON (callers store
    it, so the value is encoded once)."""
    fields = len(document) + SYSTEM_FIELDS_COUNT
    if fields > MAX_OBJECT_FIELDS:
        raise LimitError(f"Object has too many fields ({fields} > maximum number {MAX_OBJECT_FIELDS})")
    check_shape(document, MAX_DOCUMENT_NESTING, "Document")
    data = orjson.dumps(encode(document))
    if len(data) + SYSTEM_FIELDS_SIZE > MAX_DOCUMENT_SIZE:
        size = len(data) + SYSTEM_FIELDS_SIZE
        raise LimitError(f"Value is too large ({size} bytes > maximum size {MAX_DOCUMENT_SIZE} bytes)")
    return data


def is_int64(value: Any) -> bool:
    return isinstance(value, Int64)
