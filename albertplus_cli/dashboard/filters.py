"""The data browser's filter bar: `field op value` conditions separated by commas; other words are a search.

    school = Tandon School of Engineering, credits >= 4
    level = "graduate"
    machine learning                       (full-text search, when the table has a search index)

Values are JSON when they parse as JSON (`4`, `true`, `null`, `"4"`), else the text itself. Conditions become
`_system/frontend/tableData` filters: `{field, op, value}`. A misspelt operator (`credits >> 4`, `credits => 4`)
is an error, not a comparison with the text `> 4`; so is a field the table's schema does not have.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

OPS = {"=": "eq", "==": "eq", "!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=|<=|>=|=|<|>)\s*(.*?)\s*$", re.DOTALL)
_OPERATOR_RUN = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_.]*\s*([=!<>]+)")
_OPERATOR_LIST = "=, !=, <, <=, >, >="


class FilterSyntaxError(ValueError):
    pass


@dataclass
class ParsedFilter:
    conditions: list[dict[str, Any]] = field(default_factory=list)
    search: str = ""

    @property
    def empty(self) -> bool:
        return not self.conditions and not self.search


def _split(text: str) -> list[str]:
    """Split on commas outside quotes and brackets."""
    parts, current, depth, quote, escape = [], [], 0, False, False
    for ch in text:
        if quote:
            current.append(ch)
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                quote = False
            continue
        if ch == '"':
            quote = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    if quote:
        raise FilterSyntaxError("unclosed quote")
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        if text[:1] in ('"', "[", "{"):
            raise FilterSyntaxError(f"{text!r} is not valid JSON") from None
        return text


def parse_filter(text: str) -> ParsedFilter:
    result = ParsedFilter()
    words = []
    for part in _split(text):
        match = _CONDITION.match(part)
        if match is None:
            words.append(part)
            continue
        name, op, raw = match.groups()
        operator = _OPERATOR_RUN.match(part)
        if operator is not None and operator.group(1) != op:
            raise FilterSyntaxError(f"`{part}`: {operator.group(1)!r} is not an operator (use {_OPERATOR_LIST})")
        if raw == "":
            raise FilterSyntaxError(f"condition on {name!r} needs a value after {op!r}")
        result.conditions.append({"field": name, "op": OPS[op], "value": parse_value(raw)})
    result.search = " ".join(words)
    return result


def check_fields(parsed: ParsedFilter, known: set[str] | None) -> None:
    """Refuse conditions on fields outside `known` (a nested path is checked by its first name); None: any."""
    if known is None:
        return
    for condition in parsed.conditions:
        top = condition["field"].split(".", 1)[0]
        if top not in known:
            fields = ", ".join(sorted(known, key=lambda name: (name.startswith("_"), name)))
            raise FilterSyntaxError(f"no field {top!r} in this table (fields: {fields})")


def describe(parsed: ParsedFilter) -> str:
    symbols = {v: k for k, v in OPS.items() if k != "=="}
    parts = [f"{c['field']} {symbols[c['op']]} {json.dumps(c['value'])}" for c in parsed.conditions]
    if parsed.search:
        parts.append(f"search {parsed.search!r}")
    return ", ".join(parts)
