"""The Convex value model in Python.

Python `int` and `float` are both Convex float64 (the PyPI client sends every Python number as a float),
so int64 needs its own type: `Int64`. `UNDEFINED` is the Python spelling of JavaScript's `undefined`, used
to remove a field in `ctx.db.patch`.
"""

from __future__ import annotations

from typing import Any, Final

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1


class Int64:
    """A Convex int64 (a JavaScript bigint), distinct from Python's `int`, which Convex treats as float64."""

    __slots__ = ("value",)

    def __init__(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"Int64 takes an int, not {type(value).__name__}")
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"{value} does not fit in a signed 64-bit integer")
        self.value = value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Int64):
            return self.value == other.value
        # The PyPI client's ConvexInt64 has the same shape; compare equal to it too.
        inner = getattr(other, "value", None)
        return type(other).__name__ == "ConvexInt64" and inner == self.value

    def __hash__(self) -> int:
        return hash(("Int64", self.value))

    def __int__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Int64({self.value})"


class _Undefined:
    """JavaScript's `undefined`: absent from objects; in `patch` it removes the field."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = _Undefined()

# A Convex value as Python sees it: None, bool, int/float (float64), Int64, str, bytes, list, dict.
Value = Any


def type_name(value: Any) -> str:
    """Convex's name for the type of a Python value (for error messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, Int64) or type(value).__name__ == "ConvexInt64":
        return "bigint"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "bytes"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
