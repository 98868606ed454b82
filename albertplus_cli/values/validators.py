"""`v.*` validators: exact checking with Convex's messages, and Convex's JSON form for codegen and tools.

A failed check gives the path, the value and the validator, as Convex does:
`Value does not match validator.\\nPath: .startingDate.term\\nValue: "autumn"\\nValidator: v.union(...)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from albertplus_cli.values.ids import InvalidIdError, decode_id
from albertplus_cli.values.json_formats import InvalidValueError, check_field_name, encode
from albertplus_cli.values.types import UNDEFINED, Int64

# Maps a table name to its number, or None when the table is unknown; lets v.id check the table.
TableNumberLookup = Callable[[str], int | None]


class ValidationError(ValueError):
    """A value that does not match its validator; the message names the path, value and validator."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


def show_value(value: Any) -> str:
    """A value as Convex prints it in validation messages (JSON, ints as floats like JS)."""
    if isinstance(value, Int64):
        return f"{value.value}n"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value).replace("inf", "Infinity").replace("nan", "NaN")
    try:
        text = orjson.dumps(_js_numbers(encode(value, "json"))).decode()
    except (InvalidValueError, TypeError):
        text = repr(value)
    return text if len(text) <= 500 else text[:500] + "..."


def _js_numbers(data: Any) -> Any:
    """Whole floats as JavaScript prints them (`5`, not `5.0`): the encoder writes every float64 with a
    fraction for the wire, but messages should read as Convex's do."""
    if isinstance(data, float) and data.is_integer() and abs(data) < 1e21:
        return int(data)
    if isinstance(data, list):
        return [_js_numbers(item) for item in data]
    if isinstance(data, dict):
        return {key: _js_numbers(item) for key, item in data.items()}
    return data


def _path_text(path: str) -> str:
    return path if path else "(root)"


class Validator:
    """Base class: `check` raises ValidationError; `is_optional` marks `v.optional(...)` fields."""

    is_optional = False

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        raise NotImplementedError

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        """Whether the value fits, without building an error message (unions try members with this)."""
        try:
            self.check(value, "", tables)
        except ValidationError:
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    def __repr__(self) -> str:
        raise NotImplementedError

    def _mismatch(self, value: Any, path: str) -> ValidationError:
        return ValidationError(
            f"Value does not match validator.\nPath: {_path_text(path)}\nValue: {show_value(value)}\n"
            f"Validator: {self!r}",
            path,
        )


class _Simple(Validator):
    name = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": self.name}

    def __repr__(self) -> str:
        return f"v.{self.name}()"


class StringValidator(_Simple):
    name = "string"

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, str):
            raise self._mismatch(value, path)

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        return isinstance(value, str)


class NumberValidator(_Simple):
    name = "number"

    def to_json(self) -> dict[str, Any]:
        return {"type": "number"}

    def __repr__(self) -> str:
        return "v.number()"

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._mismatch(value, path)


class Int64Validator(_Simple):
    name = "int64"

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, Int64):
            raise self._mismatch(value, path)


class BooleanValidator(_Simple):
    name = "boolean"

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, bool):
            raise self._mismatch(value, path)

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        return isinstance(value, bool)


class NullValidator(_Simple):
    name = "null"

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if value is not None:
            raise self._mismatch(value, path)

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        return value is None


class BytesValidator(_Simple):
    name = "bytes"

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, (bytes, bytearray)):
            raise self._mismatch(value, path)


class AnyValidator(_Simple):
    name = "any"

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if value is UNDEFINED:
            raise self._mismatch(value, path)


class IdValidator(Validator):
    def __init__(self, table_name: str) -> None:
        if not isinstance(table_name, str) or not table_name:
            raise TypeError("v.id() needs a table name")
        self.table_name = table_name

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, str):
            raise self._mismatch(value, path)
        try:
            decoded = decode_id(value)
        except InvalidIdError as e:
            raise ValidationError(
                f"Value does not match validator.\nPath: {_path_text(path)}\nValue: {show_value(value)}\n"
                f"Validator: {self!r}\n({e})",
                path,
            ) from None
        if tables is not None:
            number = tables(self.table_name)
            if number is not None and number != decoded.table_number:
                raise ValidationError(
                    f"Value does not match validator.\nPath: {_path_text(path)}\nValue: {show_value(value)}\n"
                    f"Validator: {self!r}\n(the id belongs to another table)",
                    path,
                )

    def to_json(self) -> dict[str, Any]:
        return {"type": "id", "tableName": self.table_name}

    def __repr__(self) -> str:
        return f'v.id("{self.table_name}")'


class LiteralValidator(Validator):
    def __init__(self, value: Any) -> None:
        if isinstance(value, bool) or value is None or isinstance(value, (str, int, float, Int64)):
            self.value = value
        else:
            raise TypeError("v.literal() takes a string, number, boolean or int64")

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        expected = self.value
        if isinstance(expected, bool) or isinstance(value, bool):
            return value is expected
        if isinstance(expected, (int, float)):
            return isinstance(value, (int, float)) and value == expected
        return type(value) is type(expected) and value == expected

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not self.matches(value, tables):
            raise self._mismatch(value, path)

    def to_json(self) -> dict[str, Any]:
        return {"type": "literal", "value": encode(self.value)}

    def __repr__(self) -> str:
        return f"v.literal({show_value(self.value)})"


class OptionalValidator(Validator):
    """Marks an object field as optional; the field may be missing (never `null` unless the inner allows)."""

    is_optional = True

    def __init__(self, inner: Validator) -> None:
        if not isinstance(inner, Validator):
            raise TypeError("v.optional() takes a validator")
        if isinstance(inner, OptionalValidator):
            inner = inner.inner
        self.inner: Validator = inner

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if value is UNDEFINED:
            return
        self.inner.check(value, path, tables)

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        return value is UNDEFINED or self.inner.matches(value, tables)

    def to_json(self) -> dict[str, Any]:
        return self.inner.to_json()

    def __repr__(self) -> str:
        return f"v.optional({self.inner!r})"


class ArrayValidator(Validator):
    def __init__(self, element: Validator) -> None:
        if not isinstance(element, Validator) or element.is_optional:
            raise TypeError("v.array() takes a (non-optional) validator")
        self.element = element

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, (list, tuple)):
            raise self._mismatch(value, path)
        for i, item in enumerate(value):
            self.element.check(item, f"{path}[{i}]", tables)

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        return isinstance(value, (list, tuple)) and all(self.element.matches(item, tables) for item in value)

    def to_json(self) -> dict[str, Any]:
        return {"type": "array", "value": self.element.to_json()}

    def __repr__(self) -> str:
        return f"v.array({self.element!r})"


class ObjectValidator(Validator):
    def __init__(self, fields: Mapping[str, Validator]) -> None:
        for name, validator in fields.items():
            check_field_name(name)
            if not isinstance(validator, Validator):
                raise TypeError(f"Field {name!r} of v.object() must be a validator, got {type(validator).__name__}")
        self.fields = dict(fields)

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, dict):
            raise self._mismatch(value, path)
        for name, validator in self.fields.items():
            if name in value and value[name] is not UNDEFINED:
                validator.check(value[name], f"{path}.{name}", tables)
            elif not validator.is_optional:
                raise ValidationError(
                    f"Object is missing the required field `{name}`. Consider wrapping the field validator in "
                    f"`v.optional(...)` if this is expected.\n\nPath: {_path_text(path)}\n"
                    f"Object: {show_value(value)}\nValidator: {self!r}",
                    f"{path}.{name}",
                )
        for name in value:
            if name not in self.fields and value[name] is not UNDEFINED:
                raise ValidationError(
                    f"Object contains extra field `{name}` that is not in the validator.\n\n"
                    f"Path: {_path_text(path)}\nObject: {show_value(value)}\nValidator: {self!r}",
                    f"{path}.{name}",
                )

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        if not isinstance(value, dict):
            return False
        for name, validator in self.fields.items():
            item = value.get(name, UNDEFINED)
            if item is UNDEFINED:
                if not validator.is_optional:
                    return False
            elif not validator.matches(item, tables):
                return False
        return all(name in self.fields or item is UNDEFINED for name, item in value.items())

    def extend(self, extra: Mapping[str, Validator]) -> ObjectValidator:
        return ObjectValidator({**self.fields, **extra})

    def omit(self, *names: str) -> ObjectValidator:
        return ObjectValidator({k: val for k, val in self.fields.items() if k not in names})

    def partial(self) -> ObjectValidator:
        return ObjectValidator({k: OptionalValidator(val) for k, val in self.fields.items()})

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "object",
            "value": {
                name: {"fieldType": val.to_json(), "optional": val.is_optional} for name, val in self.fields.items()
            },
        }

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}: {val!r}" for name, val in self.fields.items())
        return "v.object({" + inner + "})"


class UnionValidator(Validator):
    def __init__(self, *members: Validator) -> None:
        for member in members:
            if not isinstance(member, Validator) or member.is_optional:
                raise TypeError("v.union() takes (non-optional) validators")
        self.members = list(members)

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        for member in self.members:
            if member.matches(value, tables):
                return
        # A union of objects that share a discriminating literal (`type`) reports the matching member's error.
        if isinstance(value, dict):
            candidates = [m for m in self.members if isinstance(m, ObjectValidator) and _discriminates(m, value)]
            if len(candidates) == 1:
                candidates[0].check(value, path, tables)
        raise self._mismatch(value, path)

    def matches(self, value: Any, tables: TableNumberLookup | None = None) -> bool:
        return any(member.matches(value, tables) for member in self.members)

    def to_json(self) -> dict[str, Any]:
        return {"type": "union", "value": [m.to_json() for m in self.members]}

    def __repr__(self) -> str:
        return "v.union(" + ", ".join(repr(m) for m in self.members) + ")"


def _discriminates(member: ObjectValidator, value: dict[str, Any]) -> bool:
    literal_fields = {k: f for k, f in member.fields.items() if isinstance(f, LiteralValidator)}
    return bool(literal_fields) and all(f.matches(value.get(k, UNDEFINED)) for k, f in literal_fields.items())


class RecordValidator(Validator):
    def __init__(self, keys: Validator, values: Validator) -> None:
        self.keys = keys
        self.values = values

    def check(self, value: Any, path: str = "", tables: TableNumberLookup | None = None) -> None:
        if not isinstance(value, dict):
            raise self._mismatch(value, path)
        for key, item in value.items():
            self.keys.check(key, f"{path}.{key}", tables)
            self.values.check(item, f"{path}.{key}", tables)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "record",
            "keys": self.keys.to_json(),
            "values": {"fieldType": self.values.to_json(), "optional": False},
        }

    def __repr__(self) -> str:
        return f"v.record({self.keys!r}, {self.values!r})"


class _V:
    """The `v` namespace, named as Convex's."""

    def string(self) -> StringValidator:
        return StringValidator()

    def number(self) -> NumberValidator:
        return NumberValidator()

    float64 = number

    def int64(self) -> Int64Validator:
        return Int64Validator()

    def boolean(self) -> BooleanValidator:
        return BooleanValidator()

    def null(self) -> NullValidator:
        return NullValidator()

    def bytes(self) -> BytesValidator:
        return BytesValidator()

    def any(self) -> AnyValidator:
        return AnyValidator()

    def id(self, table_name: str) -> IdValidator:
        return IdValidator(table_name)

    def literal(self, value: Any) -> LiteralValidator:
        return LiteralValidator(value)

    def optional(self, inner: Validator) -> OptionalValidator:
        return OptionalValidator(inner)

    def array(self, element: Validator) -> ArrayValidator:
        return ArrayValidator(element)

    def object(self, fields: Mapping[str, Validator]) -> ObjectValidator:
        return ObjectValidator(fields)

    def union(self, *members: Validator) -> UnionValidator:
        return UnionValidator(*members)

    def record(self, keys: Validator, values: Validator) -> RecordValidator:
        return RecordValidator(keys, values)


v = _V()


def args_validator(args: Mapping[str, Validator] | Validator | None) -> Validator | None:
    """Normalize a function's `args=`: a dict of field validators means `v.object(...)`."""
    if args is None or isinstance(args, Validator):
        return args
    if isinstance(args, Mapping):
        return ObjectValidator(args)
    raise TypeError("args= must be a dict of validators or a v.object(...)")


def validator_from_json(data: Mapping[str, Any]) -> Validator:
    """Rebuild a validator from its JSON form (used by tools that read a schema over the wire)."""
    kind = data.get("type")
    simple: dict[str, Callable[[], Validator]] = {
        "string": StringValidator, "number": NumberValidator, "int64": Int64Validator,
        "boolean": BooleanValidator, "null": NullValidator, "bytes": BytesValidator, "any": AnyValidator,
    }
    if kind in simple:
        return simple[kind]()
    if kind == "id":
        return IdValidator(data["tableName"])
    if kind == "literal":
        from albertplus_cli.values.json_formats import decode

        return LiteralValidator(decode(data["value"]))
    if kind == "array":
        return ArrayValidator(validator_from_json(data["value"]))
    if kind == "union":
        return UnionValidator(*(validator_from_json(m) for m in data["value"]))
    if kind == "record":
        return RecordValidator(validator_from_json(data["keys"]), validator_from_json(data["values"]["fieldType"]))
    if kind == "object":
        fields: dict[str, Validator] = {}
        for name, spec in data["value"].items():
            inner = validator_from_json(spec["fieldType"])
            fields[name] = OptionalValidator(inner) if spec.get("optional") else inner
        return ObjectValidator(fields)
    raise ValueError(f"unknown validator type {kind!r}")
