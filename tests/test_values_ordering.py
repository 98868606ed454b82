"""Convex's total order (spec §4.3) and agreement of the index-key byte encoding with it."""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from value_strategies import NEG_NAN, values

from albertplus_cli.values import UNDEFINED, Int64, compare
from albertplus_cli.values.index_keys import encode_key

SETTINGS = settings(max_examples=400, deadline=None)


def sign(n: int) -> int:
    return (n > 0) - (n < 0)


def key_cmp(a: bytes, b: bytes) -> int:
    return (a > b) - (a < b)


@SETTINGS
@given(values, values)
def test_byte_key_order_equals_convex_order(a: Any, b: Any) -> None:
    assert key_cmp(encode_key([a]), encode_key([b])) == sign(compare(a, b))


@SETTINGS
@given(st.lists(values, min_size=1, max_size=3), st.lists(values, min_size=1, max_size=3))
def test_tuple_keys_sort_like_the_tuples(a: list[Any], b: list[Any]) -> None:
    expected = 0
    for x, y in zip(a, b, strict=False):
        expected = sign(compare(x, y))
        if expected:
            break
    else:
        expected = (len(a) > len(b)) - (len(a) < len(b))
    assert key_cmp(encode_key(a), encode_key(b)) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(values, max_size=12))
def test_sorting_by_bytes_equals_sorting_by_compare(items: list[Any]) -> None:
    by_compare = sorted(items, key=functools.cmp_to_key(compare))
    by_bytes = sorted(items, key=lambda x: encode_key([x]))
    assert [encode_key([x]) for x in by_compare] == [encode_key([x]) for x in by_bytes]


@SETTINGS
@given(values, values)
def test_compare_is_antisymmetric_and_zero_only_for_equal_keys(a: Any, b: Any) -> None:
    assert compare(a, b) == -compare(b, a)
    assert (compare(a, b) == 0) == (encode_key([a]) == encode_key([b]))


# Hand-written cases from spec §4.3, each list strictly increasing.
ASCENDING_CHAINS: list[list[Any]] = [
    # type order
    [UNDEFINED, None, Int64(5), -1.0, False, True, "", b"", [], {}],
    # int64 before any float64, whatever the numbers
    [Int64(1), 0.5],
    [Int64(2**63 - 1), -math.inf],
    # int64 numerically
    [Int64(-(2**63)), Int64(-1), Int64(0), Int64(1), Int64(2**63 - 1)],
    # IEEE total order
    [NEG_NAN, -math.inf, -1e308, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1.0, 1e308, math.inf, math.nan],
    # strings by UTF-8 bytes, shorter prefix first, NUL handled
    ["", "\x00", "\x00\x00", "a", "a\x00", "ab", "b", "é", "😀"],
    # bytes lexicographically
    [b"", b"\x00", b"\x00\x00", b"\x00\x01", b"\x01", b"\xff"],
    # arrays element-wise, shorter first
    [[], [None], [None, None], [1.0], [1.0, 0.0], [2.0], ["a"]],
    # objects as sorted (key, value) sequences, shorter first
    [{}, {"a": 1.0}, {"a": 1.0, "b": 1.0}, {"a": 2.0}, {"b": 0.0}],
    # python int is a float64
    [Int64(10), 1, 2.5, 3],
]


@pytest.mark.parametrize("chain", ASCENDING_CHAINS)
def test_spec_order(chain: list[Any]) -> None:
    for lo, hi in zip(chain, chain[1:], strict=False):
        assert compare(lo, hi) == -1, (lo, hi)
        assert compare(hi, lo) == 1, (hi, lo)
        assert encode_key([lo]) < encode_key([hi]), (lo, hi)


def test_equalities() -> None:
    assert compare(1, 1.0) == 0
    assert compare(Int64(3), Int64(3)) == 0
    assert compare({"b": 1, "a": 2}, {"a": 2, "b": 1}) == 0
    assert compare(math.nan, math.nan) == 0
    assert compare(-0.0, 0.0) == -1


def test_object_key_order_not_insertion_order() -> None:
    # {"a": 2} vs {"b": 1, "a": 1}: sorted pairs are (a,2) vs (a,1),(b,1) -> the second is smaller.
    assert compare({"a": 2.0}, {"b": 1.0, "a": 1.0}) == 1
    assert encode_key([{"a": 2.0}]) > encode_key([{"b": 1.0, "a": 1.0}])


def test_non_values_are_refused() -> None:
    with pytest.raises(TypeError):
        compare(object(), 1)
    with pytest.raises(TypeError):
        encode_key([object()])
