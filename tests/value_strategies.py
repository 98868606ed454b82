"""Hypothesis strategies for Convex values of mixed types, and a bit-exact equality to compare them.

Python `int` is a float64 in Convex (the PyPI client sends it as a number), so ints stay within ±2^53 here,
where the float64 and the int agree exactly.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from hypothesis import strategies as st

from albertplus_cli.values import Int64
from albertplus_cli.values.types import INT64_MAX, INT64_MIN

NEG_NAN = struct.unpack("<d", struct.pack("<Q", 0xFFF8_0000_0000_0000))[0]
SPECIAL_FLOATS = [
    0.0, -0.0, math.nan, NEG_NAN, math.inf, -math.inf, 5e-324, -5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, -1.7976931348623157e308, 0.5, 1.0, -1.0,
]

floats = st.floats(allow_nan=False, allow_infinity=True, allow_subnormal=True) | st.sampled_from(SPECIAL_FLOATS)
python_ints = st.integers(min_value=-(2**53), max_value=2**53)
_int64_ints = st.integers(min_value=INT64_MIN, max_value=INT64_MAX) | st.sampled_from([INT64_MIN, INT64_MAX, 0, -1, 1])
int64s = _int64_ints.map(Int64)
strings = st.text(max_size=12) | st.sampled_from(["", "\x00", "a\x00", "a\x00b", "\x00\x00", "é", "😀", "\uffff", "$x"])
binaries = st.binary(max_size=12) | st.sampled_from([b"", b"\x00", b"\xff", b"\x00\xff", b"\xff\x00"])
field_names = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6).filter(
    lambda s: not s.startswith("$")
)
scalars = st.none() | st.booleans() | floats | python_ints | int64s | strings | binaries


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(field_names, children, max_size=4)


values = st.recursive(scalars, _containers, max_leaves=16)


def float_bits(f: float) -> int:
    return int(struct.unpack("<Q", struct.pack("<d", f))[0])


def same(a: Any, b: Any) -> bool:
    """Bit-exact equality of Convex values: NaN == NaN (same sign), -0.0 != 0.0, Int64 != float."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float_bits(float(a)) == float_bits(float(b))
    if isinstance(a, Int64) or isinstance(b, Int64):
        return isinstance(a, Int64) and isinstance(b, Int64) and a.value == b.value
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def contains(value: Any, predicate: Any) -> bool:
    """True when the value or anything nested in it satisfies `predicate`."""
    if predicate(value):
        return True
    if isinstance(value, (list, tuple)):
        return any(contains(item, predicate) for item in value)
    if isinstance(value, dict):
        return any(contains(item, predicate) for item in value.values())
    return False
