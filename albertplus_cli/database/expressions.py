"""Filter expressions for `.filter(lambda q: ...)`, evaluated with Convex's total order.

`q.field("a.b")` reads a field (missing → undefined); comparisons take expressions or plain values.
Python keywords are spelled `and_`, `or_`, `not_`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from albertplus_cli.database.errors import DatabaseError
from albertplus_cli.values.index_keys import field_value
from albertplus_cli.values.ordering import compare
from albertplus_cli.values.types import UNDEFINED, Int64


class Expression:
    def __init__(self, evaluate: Callable[[dict[str, Any]], Any], text: str) -> None:
        self.evaluate = evaluate
        self.text = text

    def __bool__(self) -> bool:
        raise DatabaseError(
            "A filter expression was used as a Python bool; combine conditions with q.and_/q.or_/q.not_ "
            "instead of `and`/`or`/`not`"
        )

    def __repr__(self) -> str:
        return self.text


def _expr(value: Any) -> Expression:
    if isinstance(value, Expression):
        return value
    return Expression(lambda _doc: value, repr(value))


def _float_div(a: float, b: float) -> float:
    """IEEE division, as Rust's f64 `/`: x/±0 is ±inf (both signs count), 0/0 is NaN; Python raises instead."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _float_mod(a: float, b: float) -> float:
    """Rust's f64 `%` (fmod): NaN for x % 0 and inf % y, where Python's math.fmod raises."""
    try:
        return math.fmod(a, b)
    except ValueError:
        return math.nan


def _int_div(a: int, b: int) -> int:
    """Rust's i64 `/`: exact, truncating toward zero (a float division would lose digits above 2^53)."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def _int_mod(a: int, b: int) -> int:
    """Rust's i64 `%`: the remainder takes the sign of the dividend."""
    return a - b * _int_div(a, b)


def _arith(
    name: str, op: Callable[[Any, Any], Any], int_op: Callable[[int, int], int] | None = None
) -> Callable[[Any, Any], Expression]:
    def build(left: Any, right: Any) -> Expression:
        le, re_ = _expr(left), _expr(right)

        def evaluate(doc: dict[str, Any]) -> Any:
            a, b = le.evaluate(doc), re_.evaluate(doc)
            if isinstance(a, Int64) and isinstance(b, Int64):
                try:
                    return Int64((int_op or op)(a.value, b.value))
                except ZeroDivisionError:
                    raise DatabaseError(f"{name} by zero on int64 values") from None
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
                    and not isinstance(b, bool):
                return op(a, b)
            raise DatabaseError(f"Cannot compute {name} of {a!r} and {b!r}: both must be numbers of one type")

        return Expression(evaluate, f"{name}({le}, {re_})")

    return build


class FilterBuilder:
    """The `q` argument of `.filter(lambda q: ...)`."""

    def field(self, path: str) -> Expression:
        return Expression(lambda doc: field_value(doc, path), f"field({path!r})")

    def _cmp(self, name: str, test: Callable[[int], bool]) -> Callable[[Any, Any], Expression]:
        def build(left: Any, right: Any) -> Expression:
            le, re_ = _expr(left), _expr(right)
            return Expression(lambda doc: test(compare(le.evaluate(doc), re_.evaluate(doc))), f"{name}({le}, {re_})")

        return build

    def eq(self, left: Any, right: Any) -> Expression:
        return self._cmp("eq", lambda c: c == 0)(left, right)

    def neq(self, left: Any, right: Any) -> Expression:
        return self._cmp("neq", lambda c: c != 0)(left, right)

    def lt(self, left: Any, right: Any) -> Expression:
        return self._cmp("lt", lambda c: c < 0)(left, right)

    def lte(self, left: Any, right: Any) -> Expression:
        return self._cmp("lte", lambda c: c <= 0)(left, right)

    def gt(self, left: Any, right: Any) -> Expression:
        return self._cmp("gt", lambda c: c > 0)(left, right)

    def gte(self, left: Any, right: Any) -> Expression:
        return self._cmp("gte", lambda c: c >= 0)(left, right)

    add = staticmethod(_arith("add", lambda a, b: a + b))
    sub = staticmethod(_arith("sub", lambda a, b: a - b))
    mul = staticmethod(_arith("mul", lambda a, b: a * b))
    div = staticmethod(_arith("div", _float_div, _int_div))
    mod = staticmethod(_arith("mod", _float_mod, _int_mod))

    def neg(self, value: Any) -> Expression:
        inner = _expr(value)

        def evaluate(doc: dict[str, Any]) -> Any:
            x = inner.evaluate(doc)
            if isinstance(x, Int64):
                return Int64(-x.value)
            if isinstance(x, (int, float)) and not isinstance(x, bool):
                return -x
            raise DatabaseError(f"Cannot negate {x!r}")

        return Expression(evaluate, f"neg({inner})")

    def and_(self, *exprs: Any) -> Expression:
        parts = [_expr(e) for e in exprs]
        return Expression(lambda doc: all(_truthy(p.evaluate(doc)) for p in parts), f"and{tuple(parts)}")

    def or_(self, *exprs: Any) -> Expression:
        parts = [_expr(e) for e in exprs]
        return Expression(lambda doc: any(_truthy(p.evaluate(doc)) for p in parts), f"or{tuple(parts)}")

    def not_(self, expr: Any) -> Expression:
        inner = _expr(expr)
        return Expression(lambda doc: not _truthy(inner.evaluate(doc)), f"not({inner})")


def _truthy(value: Any) -> bool:
    if value is UNDEFINED or value is None:
        return False
    return bool(value)


def compile_filter(fn: Callable[[FilterBuilder], Any]) -> Callable[[dict[str, Any]], bool]:
    result = fn(FilterBuilder())
    if isinstance(result, Expression):
        return lambda doc: _truthy(result.evaluate(doc))
    if isinstance(result, bool):
        return lambda _doc: result
    raise DatabaseError(".filter() expects a function returning a filter expression such as "
                        "q.eq(q.field('author'), 'ada')")
