"""The order-preserving byte encoding of index keys: prefix-free values, prefix successors, full keys."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from value_strategies import values

from albertplus_cli.values import UNDEFINED, Int64, compare
from albertplus_cli.values.index_keys import encode_key, field_value, index_key, prefix_successor

SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(values, values)
def test_value_encodings_are_prefix_free(a: Any, b: Any) -> None:
    """If one encoding were a prefix of another, concatenated keys would not sort like tuples."""
    ka, kb = encode_key([a]), encode_key([b])
    if ka != kb:
        assert not kb.startswith(ka) and not ka.startswith(kb)


@SETTINGS
@given(st.lists(values, min_size=1, max_size=3), values, st.binary(max_size=8))
def test_prefix_successor_bounds_every_extension(prefix_values: list[Any], extra: Any, tail: bytes) -> None:
    prefix = encode_key(prefix_values)
    successor = prefix_successor(prefix)
    extended = prefix + encode_key([extra]) + tail
    assert successor is not None
    assert prefix <= extended < successor


@SETTINGS
@given(values, values)
def test_prefix_successor_excludes_larger_values(a: Any, b: Any) -> None:
    """Every key strictly after all extensions of `a` belongs to a value greater than `a`."""
    successor = prefix_successor(encode_key([a]))
    assert successor is not None
    assert (encode_key([b]) >= successor) == (compare(b, a) > 0)


def test_prefix_successor_edge_cases() -> None:
    assert prefix_successor(b"") is None
    assert prefix_successor(b"\xff\xff") is None
    assert prefix_successor(b"a\xff") == b"b"
    assert prefix_successor(b"\x01\x02") == b"\x01\x03"


def test_field_value_follows_dotted_paths_and_missing_is_undefined() -> None:
    doc = {"a": {"b": {"c": 1}}, "x": None, "list": [1, 2]}
    assert field_value(doc, "a.b.c") == 1
    assert field_value(doc, "x") is None
    assert field_value(doc, "missing") is UNDEFINED
    assert field_value(doc, "a.missing.c") is UNDEFINED
    assert field_value(doc, "list.0") is UNDEFINED  # paths do not index into arrays


def test_index_key_appends_creation_time_and_id() -> None:
    doc = {"_id": "id1", "_creationTime": 10.0, "author": "ada"}
    assert index_key(doc, ["author"]) == encode_key(["ada", 10.0, "id1"])
    # A missing field is undefined, which sorts before null and everything else.
    missing = index_key({"_id": "id2", "_creationTime": 1.0}, ["author"])
    null = index_key({"_id": "id3", "_creationTime": 1.0, "author": None}, ["author"])
    assert missing < null < index_key(doc, ["author"])


def test_ties_break_by_creation_time_then_id() -> None:
    first = index_key({"_id": "b", "_creationTime": 1.0, "k": "x"}, ["k"])
    second = index_key({"_id": "a", "_creationTime": 2.0, "k": "x"}, ["k"])
    third = index_key({"_id": "b", "_creationTime": 2.0, "k": "x"}, ["k"])
    assert first < second < third


def test_int64_and_float_keys_are_distinct() -> None:
    assert encode_key([Int64(1)]) != encode_key([1.0])
    assert encode_key([1]) == encode_key([1.0])  # a Python int is a float64
