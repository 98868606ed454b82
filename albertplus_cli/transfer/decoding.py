"""Turning imported JSON and CSV cells into Convex values, guided by the table's validator.

JSON has one number type; Convex has two (float64 and int64). Where the schema says which one a field holds,
that decides. Elsewhere (`v.any()`, schemaless tables) the format decides, as Convex's import does:

- a snapshot ZIP is export_json, where int64 is a JSON integer and float64 a JSON number with a fraction or
  exponent (`4.0`): ``ints_are_int64=True``; its ``generated_schema.jsonl`` says ``"uniform"``. A ZIP in
  Convex's legacy export format (a shape there instead) wrote int64 as decimal strings: ``int64_strings``;
- plain JSONL / JSON arrays / CSV are clean JSON, where every number is a float64: ``ints_are_int64=False``.

`{"$integer": b64}`, `{"$float": b64}` and `{"$bytes": b64}` are accepted everywhere. A float64 that is a
whole number comes back as a Python int (the same float64 value, stored the way the engine stores ints).

CSV cells follow Convex's CLI: a cell that parses as a number is a float64, any other cell a string. Two
additions use the schema: a numeric-looking cell in a string-only field (a section "001") stays a string, and
"true"/"false" in a boolean-only field become booleans; an empty cell of an optional non-string field is
left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from albertplus_cli.values.json_formats import InvalidValueError, check_field_name, decode
from albertplus_cli.values.types import INT64_MAX, INT64_MIN, Int64
from albertplus_cli.values.validators import (
    AnyValidator,
    ArrayValidator,
    BooleanValidator,
    IdValidator,
    Int64Validator,
    LiteralValidator,
    NumberValidator,
    ObjectValidator,
    OptionalValidator,
    RecordValidator,
    StringValidator,
    UnionValidator,
    Validator,
)

#: What is known about one position of a document: the validators it may match (unions and optionals
#: flattened), or None when anything goes (`v.any()`, no schema, a field the schema does not name).
Context = list[Validator] | None

MAX_SAFE = 2**53

# Rust's f64::from_str, which Convex's CSV import uses: decimal, optional exponent, inf/infinity/nan.
_RUST_FLOAT = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)", re.IGNORECASE)
_INTEGER = re.compile(r"[+-]?\d+")


class DecodeError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def flatten(validators: Iterable[Validator]) -> Context:
    out: list[Validator] = []
    stack = list(validators)
    while stack:
        validator = stack.pop()
        if isinstance(validator, OptionalValidator):
            stack.append(validator.inner)
        elif isinstance(validator, UnionValidator):
            stack.extend(validator.members)
        elif isinstance(validator, AnyValidator):
            return None
        else:
            out.append(validator)
    return out


def table_context(validator: Validator | None) -> Context:
    return None if validator is None else flatten([validator])


def field_validators(ctx: Context, name: str) -> list[Validator] | None:
    """The (unflattened) validators of a field in any object the context allows; None when unknown."""
    if ctx is None:
        return None
    out: list[Validator] = []
    for validator in ctx:
        if isinstance(validator, ObjectValidator):
            if name in validator.fields:
                out.append(validator.fields[name])
        elif isinstance(validator, RecordValidator):
            out.append(validator.values)
    return out or None


def field_context(ctx: Context, name: str) -> Context:
    validators = field_validators(ctx, name)
    return None if validators is None else flatten(validators)


def element_context(ctx: Context) -> Context:
    if ctx is None:
        return None
    elements = [v.element for v in ctx if isinstance(v, ArrayValidator)]
    return flatten(elements) if elements else None


def number_kind(ctx: Context) -> str | None:
    """"int64" or "float" when the context allows exactly one number type, else None."""
    if ctx is None:
        return None
    kinds = set()
    for validator in ctx:
        if isinstance(validator, NumberValidator):
            kinds.add("float")
        elif isinstance(validator, Int64Validator):
            kinds.add("int64")
        elif isinstance(validator, LiteralValidator):
            value = validator.value
            if isinstance(value, Int64):
                kinds.add("int64")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                kinds.add("float")
    return kinds.pop() if len(kinds) == 1 else None


def _accepts(ctx: Context, what: str) -> bool:
    if ctx is None:
        return True
    for validator in ctx:
        if what == "string" and isinstance(validator, (StringValidator, IdValidator)):
            return True
        if what == "boolean" and isinstance(validator, BooleanValidator):
            return True
        if what == "number" and isinstance(validator, (NumberValidator, Int64Validator)):
            return True
        if isinstance(validator, LiteralValidator):
            value = validator.value
            if what == "string" and isinstance(value, str):
                return True
            if what == "boolean" and isinstance(value, bool):
                return True
            if what == "number" and isinstance(value, (int, float, Int64)) and not isinstance(value, bool):
                return True
    return False


def _float64(value: float) -> int | float:
    """A float64 as the engine keeps it: whole numbers (not -0.0) as Python ints."""
    if value.is_integer() and abs(value) <= MAX_SAFE and not (value == 0.0 and str(value).startswith("-")):
        return int(value)
    return value


def _int(data: int, ctx: Context, ints_are_int64: bool, path: str) -> Any:
    kind = number_kind(ctx)
    if kind == "int64" or (kind is None and ints_are_int64):
        if not INT64_MIN <= data <= INT64_MAX:
            raise DecodeError(path, f"integer {data} does not fit in an int64")
        return Int64(data)
    if abs(data) > MAX_SAFE:
        return float(data)
    return data


def decode_json(data: Any, ctx: Context, ints_are_int64: bool, path: str = "", int64_strings: bool = False) -> Any:
    """A parsed JSON value as a Convex value (see the module docstring).

    `int64_strings`: Convex's legacy export format wrote int64 as decimal strings; with it, a string of
    digits where the schema wants an int64 becomes one.
    """
    if isinstance(data, str):
        if int64_strings and _INTEGER.fullmatch(data) and number_kind(ctx) == "int64":
            return _int(int(data), ctx, True, path)
        return data
    if data is None or isinstance(data, bool):
        return data
    if isinstance(data, int):
        return _int(data, ctx, ints_are_int64, path)
    if isinstance(data, float):
        return _float64(data) if number_kind(ctx) != "int64" else data
    if isinstance(data, list):
        inner = element_context(ctx)
        return [decode_json(item, inner, ints_are_int64, f"{path}[{i}]", int64_strings) for i, item in enumerate(data)]
    if isinstance(data, dict):
        if len(data) == 1:
            (key, inner_value), = data.items()
            if isinstance(key, str) and key.startswith("$"):
                try:
                    return decode({key: inner_value}, "convex_encoded_json")
                except InvalidValueError as e:
                    raise DecodeError(path, str(e)) from None
        out: dict[str, Any] = {}
        for key, item in data.items():
            try:
                check_field_name(key)
            except InvalidValueError as e:
                raise DecodeError(f"{path}.{key}", str(e)) from None
            out[key] = decode_json(item, field_context(ctx, key), ints_are_int64, f"{path}.{key}", int64_strings)
        return out
    raise DecodeError(path, f"{type(data).__name__} is not a JSON value")


_OMIT = object()


def decode_csv_cell(text: str, validators: list[Validator] | None) -> Any:
    """One CSV cell of a top-level field; returns `OMIT` for an empty optional non-string field."""
    ctx = None if validators is None else flatten(validators)
    if ctx is not None and not _accepts(ctx, "number") and _accepts(ctx, "string"):
        return text
    if _RUST_FLOAT.fullmatch(text):
        if number_kind(ctx) == "int64" and _INTEGER.fullmatch(text):
            value = int(text)
            if INT64_MIN <= value <= INT64_MAX:
                return Int64(value)
        return _float64(float(text))
    if ctx is not None and text in ("true", "false") and _accepts(ctx, "boolean") and not _accepts(ctx, "string"):
        return text == "true"
    if text == "" and validators is not None and all(v.is_optional for v in validators) and not _accepts(
        ctx, "string"
    ):
        return OMIT
    return text


OMIT = _OMIT
