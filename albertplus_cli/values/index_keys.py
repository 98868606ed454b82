"""Order-preserving byte encoding of values and index keys.

Every index entry is stored under `encode_key([field values..., _creationTime, _id])`; the encoding is
prefix-free per value, so concatenation sorts like the tuple and `memcmp` order (SQLite's BLOB order) equals
Convex's total order. A `with_index` range then becomes one byte range served by SQLite's b-tree, and read
sets become byte intervals.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import Any

from albertplus_cli.values.ordering import total_order_float_key
from albertplus_cli.values.types import UNDEFINED, Int64

TAG_UNDEFINED = 0x02
TAG_NULL = 0x03
TAG_INT64 = 0x04
TAG_FLOAT = 0x05
TAG_FALSE = 0x06
TAG_TRUE = 0x07
TAG_STRING = 0x08
TAG_BYTES = 0x09
TAG_ARRAY = 0x0A
TAG_OBJECT = 0x0B
_END = b"\x00"
_PAIR = b"\x01"


def _escaped(data: bytes) -> bytes:
    """Escape NULs so that `\\x00\\x00` can terminate; shorter strings then sort first."""
    return data.replace(b"\x00", b"\x00\xff") + b"\x00\x00"


def encode_value(value: Any, out: bytearray) -> None:
    """Append the order-preserving encoding of one value."""
    if value is UNDEFINED:
        out.append(TAG_UNDEFINED)
    elif value is None:
        out.append(TAG_NULL)
    elif value is True:
        out.append(TAG_TRUE)
    elif value is False:
        out.append(TAG_FALSE)
    elif isinstance(value, (int, float)):
        out.append(TAG_FLOAT)
        out += total_order_float_key(float(value)).to_bytes(8, "big")
    elif isinstance(value, str):
        out.append(TAG_STRING)
        out += _escaped(value.encode("utf-8"))
    elif isinstance(value, Int64):
        out.append(TAG_INT64)
        out += struct.pack(">Q", value.value + 2**63)
    elif isinstance(value, (bytes, bytearray)):
        out.append(TAG_BYTES)
        out += _escaped(bytes(value))
    elif isinstance(value, (list, tuple)):
        out.append(TAG_ARRAY)
        for item in value:
            encode_value(item, out)
        out += _END
    elif isinstance(value, dict):
        out.append(TAG_OBJECT)
        for key in sorted(value):
            out += _PAIR
            out += _escaped(key.encode("utf-8"))
            encode_value(value[key], out)
        out += _END
    else:
        raise TypeError(f"{type(value).__name__} is not a Convex value")


def encode_key(values: Iterable[Any]) -> bytes:
    """Encode a tuple of values (an index key or a prefix of one)."""
    out = bytearray()
    for value in values:
        encode_value(value, out)
    return bytes(out)


def prefix_successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string that starts with `prefix` (None: no bound)."""
    data = bytearray(prefix)
    while data and data[-1] == 0xFF:
        data.pop()
    if not data:
        return None
    data[-1] += 1
    return bytes(data)


def field_value(document: dict[str, Any], path: str) -> Any:
    """The value at a dotted field path, or UNDEFINED when any step is missing."""
    current: Any = document
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return UNDEFINED
        current = current[part]
    return current


def index_key(document: dict[str, Any], fields: Iterable[str]) -> bytes:
    """The full index key of a document: the indexed fields, then `_creationTime` and `_id`."""
    values = [field_value(document, f) for f in fields]
    values.append(document["_creationTime"])
    values.append(document["_id"])
    return encode_key(values)
