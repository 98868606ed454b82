"""The three JSON formats of Convex values (spec/convex-protocol.md §2.9, §1.2): round trips and rejections."""

from __future__ import annotations

import base64
import math
import struct
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from value_strategies import NEG_NAN, contains, float_bits, same, values

from albertplus_cli.values import UNDEFINED, Int64, InvalidValueError, decode, encode, parse_format
from albertplus_cli.values.json_formats import check_field_name

SETTINGS = settings(max_examples=300, deadline=None)


def through_text(value: Any, fmt: Any) -> Any:
    """Encode, serialize to JSON text, parse and decode: what a client on the other side sees."""
    return decode(orjson.loads(orjson.dumps(encode(value, fmt))), fmt)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@SETTINGS
@given(values)
def test_convex_encoded_json_round_trips_every_value_exactly(value: Any) -> None:
    assert same(through_text(value, "convex_encoded_json"), value)


@SETTINGS
@given(values)
def test_export_json_round_trips_every_value(value: Any) -> None:
    assert same(through_text(value, "export_json"), value)


def _lossy_in_clean_json(x: Any) -> bool:
    return isinstance(x, (Int64, bytes)) or (isinstance(x, float) and not math.isfinite(x))


@SETTINGS
@given(values)
def test_clean_json_round_trips_values_it_can_represent(value: Any) -> None:
    if contains(value, _lossy_in_clean_json):
        return
    assert same(through_text(value, "json"), value)


def test_special_floats_use_dollar_float_in_convex_encoded_json() -> None:
    for f in (math.nan, NEG_NAN, math.inf, -math.inf, -0.0):
        encoded = encode(f)
        assert set(encoded) == {"$float"}
        assert base64.b64decode(encoded["$float"]) == struct.pack("<d", f)
        assert float_bits(decode(encoded)) == float_bits(f)
    # Normal, zero and subnormal floats travel as plain JSON numbers.
    assert encode(0.0) == 0.0 and encode(5e-324) == 5e-324 and encode(1.5) == 1.5


def test_int64_is_eight_little_endian_bytes() -> None:
    assert encode(Int64(1)) == {"$integer": b64(struct.pack("<q", 1))}
    assert encode(Int64(-(2**63))) == {"$integer": "AAAAAAAAAIA="}
    assert encode(Int64(2**63 - 1)) == {"$integer": "/////////38="}
    assert decode({"$integer": "AQAAAAAAAAA="}) == Int64(1)


@pytest.mark.parametrize("size", [0, 1, 4, 7, 9, 16])
def test_integer_must_be_exactly_eight_bytes(size: int) -> None:
    with pytest.raises(InvalidValueError, match="8 bytes"):
        decode({"$integer": b64(b"\x01" * size)})


@pytest.mark.parametrize("normal", [0.0, 1.5, -2.0, 5e-324, 1e308])
def test_dollar_float_of_a_plain_float_is_rejected(normal: float) -> None:
    with pytest.raises(InvalidValueError, match="should be encoded as a number"):
        decode({"$float": b64(struct.pack("<d", normal))})


def test_dollar_float_must_be_eight_bytes() -> None:
    with pytest.raises(InvalidValueError):
        decode({"$float": b64(b"\x00" * 4)})


def test_bytes_are_base64() -> None:
    assert encode(b"\x00\xffhi") == {"$bytes": b64(b"\x00\xffhi")}
    assert decode({"$bytes": b64(b"\x00\xffhi")}) == b"\x00\xffhi"
    with pytest.raises(InvalidValueError):
        decode({"$bytes": "not base64!"})


@pytest.mark.parametrize(
    "data",
    [
        {"$foo": 1},
        {"$set": [1, 2]},
        {"$map": []},
        {"a": 1, "$b": 2},
        {"nested": {"$unknown": None}},
        [{"$x": 1}],
    ],
)
def test_dollar_keys_are_rejected_on_decode(data: Any) -> None:
    with pytest.raises(InvalidValueError, match=r"\$"):
        decode(data)


def test_dollar_keys_are_rejected_on_encode() -> None:
    with pytest.raises(InvalidValueError, match="starts with a '\\$'"):
        encode({"$a": 1})


def test_clean_json_has_no_special_forms() -> None:
    # In `json`, `$integer` and friends are not special, so they are just rejected as `$`-keys.
    with pytest.raises(InvalidValueError):
        decode({"$integer": "AQAAAAAAAAA="}, "json")
    assert encode(Int64(7), "json") == "7"
    assert encode(b"\x01", "json") == b64(b"\x01")
    assert encode(math.nan, "json") == "NaN"
    assert encode(math.inf, "json") == "Infinity"
    assert encode(-math.inf, "json") == "-Infinity"


def test_export_json_int64_is_a_json_integer_and_floats_are_json_floats() -> None:
    assert encode(Int64(5), "export_json") == 5
    assert orjson.dumps(encode({"n": 4, "f": 4.5}, "export_json")) == b'{"n":4.0,"f":4.5}'
    assert decode(4, "export_json") == Int64(4)
    assert decode(4.0, "export_json") == 4.0 and isinstance(decode(4.0, "export_json"), float)
    assert orjson.dumps(encode(math.nan, "export_json")) == b'{"$float":"AAAAAAAA+H8="}'


def test_export_json_integer_outside_int64_is_a_value_error() -> None:
    with pytest.raises(InvalidValueError):
        decode(2**63, "export_json")


def test_python_int_is_a_float64_number() -> None:
    for fmt in ("convex_encoded_json", "json", "export_json"):
        assert orjson.dumps(encode(3, fmt)) == b"3.0"  # a float64 always travels with a fraction
    assert isinstance(encode(2**60), float)


def test_undefined_is_dropped_from_objects_and_refused_elsewhere() -> None:
    assert encode({"a": UNDEFINED, "b": 1}) == {"b": 1}
    with pytest.raises(InvalidValueError):
        encode([UNDEFINED])
    with pytest.raises(InvalidValueError):
        encode(UNDEFINED)


def test_non_values_are_refused() -> None:
    with pytest.raises(InvalidValueError):
        encode(object())
    with pytest.raises(InvalidValueError):
        encode({1: "a"})


@pytest.mark.parametrize("name", ["a", "camelCase", "with space", "~!@#%^&*()", "x" * 1024, "_id", ""])
def test_valid_field_names(name: str) -> None:
    check_field_name(name)


@pytest.mark.parametrize("name", ["$a", "x" * 1025, "tab\there", "nul\x00", "é", "😀", "\x7f"])
def test_invalid_field_names(name: str) -> None:
    with pytest.raises(InvalidValueError):
        check_field_name(name)
    with pytest.raises(InvalidValueError):
        decode({name: 1, "other": 2})


def test_format_names_and_aliases() -> None:
    assert parse_format("convex_json") == "convex_encoded_json"
    assert parse_format("convex_encoded_json") == "convex_encoded_json"
    assert parse_format("convex_clean_json") == "json"
    assert parse_format("export_json") == "export_json"
    assert parse_format(None) == "json"
    with pytest.raises(InvalidValueError, match="Unknown value format"):
        parse_format("xml")


@settings(max_examples=300, deadline=None)
@given(values)
def test_canonical_values_need_no_copy(value: Any) -> None:
    """`is_canonical` (the executor's no-copy fast path) only accepts what decode(encode(...)) keeps equal."""
    from albertplus_cli.values.json_formats import is_canonical

    if is_canonical(value):
        assert same(decode(encode(value)), value) or _ints_became_floats(value)


def _ints_became_floats(value: Any) -> bool:
    """Python ints are float64: decode(encode(4)) is 4.0, equal as a number."""
    back = decode(encode(value))
    return back == value


def test_non_canonical_values_take_the_slow_path() -> None:
    from albertplus_cli.values import UNDEFINED
    from albertplus_cli.values.json_formats import is_canonical

    for value in [(1, 2), {"a": UNDEFINED}, {"$x": 1}, {"": 1}, {"é": 1}, bytearray(b"x"), 2**60, [object()]]:
        assert not is_canonical(value), value
