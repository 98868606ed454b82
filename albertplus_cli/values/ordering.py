"""Convex's total order on values (`backend:crates/value/src/sorting.rs`).

undefined < null < int64 < float64 < false < true < string < bytes < array < object. Floats follow IEEE
`total_cmp` (−NaN < −Inf < … < −0 < +0 < … < +Inf < +NaN). This is the reference the index-key byte encoding
must agree with; filters (`$lt`, …) compare with it too.
"""

from __future__ import annotations

import struct
from typing import Any

from albertplus_cli.values.types import UNDEFINED, Int64

_RANK_UNDEFINED, _RANK_NULL, _RANK_INT64, _RANK_FLOAT, _RANK_FALSE, _RANK_TRUE = 0, 1, 2, 3, 4, 5
_RANK_STRING, _RANK_BYTES, _RANK_ARRAY, _RANK_OBJECT = 6, 7, 8, 9


def total_order_float_key(f: float) -> int:
    """An integer whose order is IEEE total_cmp order of the float."""
    bits = struct.unpack(">Q", struct.pack(">d", float(f)))[0]
    return bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)


def rank(value: Any) -> int:
    """The position of a value's type in Convex's order."""
    if value is UNDEFINED:
        return _RANK_UNDEFINED
    if value is None:
        return _RANK_NULL
    if value is True:
        return _RANK_TRUE
    if value is False:
        return _RANK_FALSE
    if isinstance(value, (int, float)):
        return _RANK_FLOAT
    if isinstance(value, Int64):
        return _RANK_INT64
    if isinstance(value, str):
        return _RANK_STRING
    if isinstance(value, (bytes, bytearray)):
        return _RANK_BYTES
    if isinstance(value, (list, tuple)):
        return _RANK_ARRAY
    if isinstance(value, dict):
        return _RANK_OBJECT
    raise TypeError(f"{type(value).__name__} is not a Convex value")


def compare(a: Any, b: Any) -> int:
    """-1, 0 or 1 as a sorts before, with, or after b in Convex's total order."""
    ra, rb = rank(a), rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == _RANK_FLOAT:
        ka, kb = total_order_float_key(a), total_order_float_key(b)
        return (ka > kb) - (ka < kb)
    if ra == _RANK_INT64:
        return (a.value > b.value) - (a.value < b.value)
    if ra == _RANK_STRING:
        ea, eb = a.encode("utf-8"), b.encode("utf-8")
        return (ea > eb) - (ea < eb)
    if ra == _RANK_BYTES:
        ba, bb = bytes(a), bytes(b)
        return (ba > bb) - (ba < bb)
    if ra == _RANK_ARRAY:
        return _compare_sequences(list(a), list(b))
    if ra == _RANK_OBJECT:
        pairs_a = [item for k in sorted(a) for item in (k, a[k])]
        pairs_b = [item for k in sorted(b) for item in (k, b[k])]
        return _compare_sequences(pairs_a, pairs_b)
    return 0


def _compare_sequences(a: list[Any], b: list[Any]) -> int:
    for x, y in zip(a, b, strict=False):
        c = compare(x, y)
        if c:
            return c
    return (len(a) > len(b)) - (len(a) < len(b))
