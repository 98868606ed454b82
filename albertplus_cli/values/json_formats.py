"""Convex's three JSON encodings of values, and field-name rules.

- `convex_encoded_json` (alias `convex_json`): lossless; int64 as `{"$integer": b64}`, bytes as `{"$bytes": b64}`,
  NaN/±Inf/-0 as `{"$float": b64}`. Used on the sync protocol and by both official HTTP clients.
- `json` (alias `convex_clean_json`): lossy; int64 → decimal string, bytes → base64 string, NaN → "NaN".
- `export_json`: snapshot exports; int64 → JSON integer, finite floats → numbers, others as `$float`/`$bytes`.
"""

from __future__ import annotations

import base64
import math
import struct
from typing import Any, Literal

from albertplus_cli.values.types import INT64_MAX, INT64_MIN, UNDEFINED, Int64

Format = Literal["convex_encoded_json", "json", "export_json"]

FORMAT_ALIASES: dict[str, Format] = {
    "convex_encoded_json": "convex_encoded_json",
    "convex_json": "convex_encoded_json",
    "json": "json",
    "convex_clean_json": "json",
    "export_json": "export_json",
}

MAX_FIELD_NAME_LENGTH = 1024
MAX_JSON_NESTING = 128  # serde_json's default recursion limit, which Convex parses values with


class InvalidValueError(ValueError):
    """A value that Convex cannot represent or a JSON form that does not decode."""


def parse_format(name: str | None, default: Format = "json") -> Format:
    """Map a request's `format` field to a canonical format; unknown names raise InvalidValueError."""
    if name is None:
        return default
    try:
        return FORMAT_ALIASES[name]
    except KeyError:
        raise InvalidValueError(f"Unknown value format '{name}'") from None


# Field names already found valid: every encode and decode checks every field name, and a deployment uses the
# same few hundred names again and again (a per-character check was ~1.5 µs a field, the set lookup ~0.05 µs).
# Bounded: a client sending endless new names only stops it growing.
_VALID_FIELD_NAMES: set[str] = set()
_VALID_FIELD_NAMES_MAX = 16384


def check_field_name(name: object) -> None:
    """Convex's field-name rule: ≤ 1024 non-control ASCII characters, not starting with `$`."""
    if isinstance(name, str) and name in _VALID_FIELD_NAMES:
        return
    _check_new_field_name(name)  # raises unless `name` is a valid str
    if isinstance(name, str) and len(_VALID_FIELD_NAMES) < _VALID_FIELD_NAMES_MAX:
        _VALID_FIELD_NAMES.add(name)


def _check_new_field_name(name: object) -> None:
    if not isinstance(name, str):
        raise InvalidValueError(f"Field name {name!r} must be a string")
    if name.startswith("$"):
        raise InvalidValueError(f"Field name {name} starts with a '$', which is reserved.")
    if len(name) > MAX_FIELD_NAME_LENGTH:
        raise InvalidValueError(f"Field name {name[:40]}... is longer than {MAX_FIELD_NAME_LENGTH} characters")
    for ch in name:
        if not 32 <= ord(ch) <= 126:
            raise InvalidValueError(
                f"Field name {name!r} has invalid character {ch!r}: only printable ASCII is allowed")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise InvalidValueError(f"{what} must be a base64 string")
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise InvalidValueError(f"{what} is not valid base64: {text[:40]!r}") from None


def _float_is_plain(f: float) -> bool:
    """True when a float can travel as a JSON number (finite and not negative zero)."""
    return math.isfinite(f) and not (f == 0.0 and math.copysign(1.0, f) < 0)


def _number(n: int | float) -> int | float:
    """A Python number as float64 JSON: always a float, so it serializes as `4.0`, never `4`.

    A Python int is a float64 (CONTRACT §2). Convex's serde_json writes every float64 with a fraction, and the
    PyPI `ConvexHttpClient` relies on it: its `json_to_convex` refuses a JSON integer ("Bad JSON value: 4"), so
    any whole-number result (a count, a `len`) failed through that official client.
    """
    return float(n)


def encode(value: Any, fmt: Format = "convex_encoded_json") -> Any:
    """Turn a Convex value into JSON-serializable Python data in the given format."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return _number(value)
    if isinstance(value, float):
        if _float_is_plain(value):
            return value
        if fmt == "json":
            if math.isnan(value):
                return "NaN"
            if math.isinf(value):
                return "Infinity" if value > 0 else "-Infinity"
            return value  # -0.0 is a valid JSON number in the clean format
        if fmt == "export_json" and math.isfinite(value):
            return value
        return {"$float": _b64(struct.pack("<d", value))}
    if isinstance(value, Int64) or type(value).__name__ == "ConvexInt64":
        i = int(value.value)
        if fmt == "json":
            return str(i)
        if fmt == "export_json":
            return i
        return {"$integer": _b64(struct.pack("<q", i))}
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return _b64(data) if fmt == "json" else {"$bytes": _b64(data)}
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            if item is UNDEFINED:
                raise InvalidValueError("undefined is not a valid Convex value (inside an array)")
            out.append(encode(item, fmt))
        return out
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if item is UNDEFINED:
                continue
            check_field_name(key)
            result[key] = encode(item, fmt)
        return result
    if value is UNDEFINED:
        raise InvalidValueError("undefined is not a valid Convex value")
    raise InvalidValueError(f"{type(value).__name__} is not a supported Convex type")


def decode(data: Any, fmt: Format = "convex_encoded_json", _depth: int = 0) -> Any:
    """Turn JSON data in the given format back into a Convex value; rejects `$`-keys that aren't special.

    Nesting deeper than MAX_JSON_NESTING is refused with InvalidValueError (as serde_json's recursion limit does in
    Convex): orjson parses up to 1024 levels, and decoding ~950 of them recursed past Python's limit, so a
    hostile `args` got a RecursionError, i.e. an HTTP 500, and on the sync socket it killed the mutation worker
    (every later mutation on that socket hung).
    """
    if _depth > MAX_JSON_NESTING:
        raise InvalidValueError(f"Value is too nested (more than {MAX_JSON_NESTING} levels deep)")
    if data is None or isinstance(data, (bool, str)):
        return data
    if isinstance(data, int):
        if fmt == "export_json":
            if not INT64_MIN <= data <= INT64_MAX:
                raise InvalidValueError(f"Integer {data} does not fit in an int64")
            return Int64(data)
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(item, fmt, _depth + 1) for item in data]
    if isinstance(data, dict):
        if len(data) == 1:
            (key, inner), = data.items()
            if isinstance(key, str) and key.startswith("$"):
                return _decode_special(key, inner, fmt)
        out: dict[str, Any] = {}
        for key, item in data.items():
            check_field_name(key)
            out[key] = decode(item, fmt, _depth + 1)
        return out
    raise InvalidValueError(f"{type(data).__name__} is not JSON")


def _decode_special(key: str, inner: Any, fmt: Format) -> Any:
    if key == "$integer" and fmt != "json":
        raw = _unb64(inner, "$integer")
        if len(raw) != 8:
            raise InvalidValueError(f"$integer must be 8 bytes, got {len(raw)}")
        return Int64(struct.unpack("<q", raw)[0])
    if key == "$float" and fmt != "json":
        raw = _unb64(inner, "$float")
        if len(raw) != 8:
            raise InvalidValueError(f"$float must be 8 bytes, got {len(raw)}")
        f = struct.unpack("<d", raw)[0]
        if _float_is_plain(f):
            raise InvalidValueError(f"Float {f} should be encoded as a number")
        return f
    if key == "$bytes" and fmt != "json":
        return _unb64(inner, "$bytes")
    raise InvalidValueError(f"Field name {key} starts with a '$', which is reserved.")


_PLAIN_SCALARS = (str, float, int, bool, bytes, Int64, type(None))


def is_canonical(value: Any, _depth: int = 0) -> bool:
    """True when `value` is already a Convex value in canonical Python form: only dicts with valid field names,
    lists and plain scalars; no tuples, UNDEFINED fields or bytearrays.

    Function results are checked with this first, so the common case needs no encode/decode copy (a query
    returning documents is on every request's path); anything else goes through `decode(encode(...))`."""
    kind = type(value)
    if kind is int:
        return -(2**53) <= value <= 2**53  # larger ints are rounded to float64 by the slow path
    if kind in _PLAIN_SCALARS:
        return True
    if _depth > 60:
        return False
    if kind is dict:
        for key, item in value.items():
            if (type(key) is not str or not key or key[0] == "$" or len(key) > MAX_FIELD_NAME_LENGTH
                    or not key.isascii() or not key.isprintable()):
                return False
            if not is_canonical(item, _depth + 1):
                return False
        return True
    if kind is list:
        return all(is_canonical(item, _depth + 1) for item in value)
    return False
