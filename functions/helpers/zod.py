"""A tiny stand-in for the zod/mini schemas the original's HTTP routes parse bodies with.

A schema is a function `(value, path, issues) -> parsed value`; failures append zod-v4-shaped issues
(`{"code", "path", "message", ...}`) instead of raising, so one body reports every problem. Objects drop
unknown keys and apply defaults and coercions, as zod objects do.
"""

import math

MISSING = object()


def _type_name(value):
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _invalid_type(expected, value, path, issues, **extra):
    issues.append({"expected": expected, "code": "invalid_type", **extra, "path": list(path),
                   "message": f"Invalid input: expected {expected}, received {_type_name(value)}"})
    return MISSING


def string():
    def parse(value, path, issues):
        return value if isinstance(value, str) else _invalid_type("string", value, path, issues)
    return parse


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number():
    def parse(value, path, issues):
        return value if _is_number(value) else _invalid_type("number", value, path, issues)
    return parse


def integer():
    def parse(value, path, issues):
        if _is_number(value) and float(value).is_integer() and abs(value) <= 2**53 - 1:
            return value
        return _invalid_type("int", value, path, issues, format="safeint")
    return parse


def coerce_number():
    """`z.coerce.number()`: Number(value), failing on NaN."""
    def parse(value, path, issues):
        if _is_number(value):
            return value
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str):
            try:
                number_value = float(value.strip()) if value.strip() else 0.0
            except ValueError:
                number_value = math.nan
            if math.isfinite(number_value):
                return int(number_value) if number_value.is_integer() else number_value
        if value is None:
            return 0
        return _invalid_type("number", value, path, issues, received="NaN")
    return parse


def boolean():
    def parse(value, path, issues):
        return value if isinstance(value, bool) else _invalid_type("boolean", value, path, issues)
    return parse


def enum(*values):
    def parse(value, path, issues):
        if isinstance(value, str) and value in values:
            return value
        issues.append({"code": "invalid_value", "values": list(values), "path": list(path),
                       "message": "Invalid option: expected one of " + "|".join(f'"{x}"' for x in values)})
        return MISSING
    return parse


def union(*options):
    """First option that parses without issues wins (zod's plain union)."""
    def parse(value, path, issues):
        for option in options:
            attempt = []
            parsed = option(value, path, attempt)
            if not attempt:
                return parsed
        issues.append({"code": "invalid_union", "errors": [], "path": list(path), "message": "Invalid input"})
        return MISSING
    return parse


def optional(schema):
    schema.optional = True
    return schema


def default(schema, fallback):
    def parse(value, path, issues):
        return fallback if value is MISSING else schema(value, path, issues)
    parse.optional = True
    parse.default = True
    return parse


def array(element):
    def parse(value, path, issues):
        if not isinstance(value, list):
            return _invalid_type("array", value, path, issues)
        return [element(item, [*path, i], issues) for i, item in enumerate(value)]
    return parse


def obj(fields):
    def parse(value, path, issues):
        if not isinstance(value, dict):
            return _invalid_type("object", value, path, issues)
        out = {}
        for name, schema in fields.items():
            item = value.get(name, MISSING)
            if item is MISSING and getattr(schema, "optional", False) and not getattr(schema, "default", False):
                continue
            parsed = schema(item, [*path, name], issues)
            if parsed is not MISSING:
                out[name] = parsed
        return out
    return parse


def discriminated_union(key, variants):
    """`z.discriminatedUnion(key, [...])`: `variants` maps each tag to its object schema."""
    def parse(value, path, issues):
        if not isinstance(value, dict):
            return _invalid_type("object", value, path, issues)
        tag = value.get(key)
        if not isinstance(tag, str) or tag not in variants:
            issues.append({"code": "invalid_union", "errors": [], "note": "No matching discriminator",
                           "discriminator": key, "path": [*path, key], "message": "Invalid input"})
            return MISSING
        return variants[tag](value, path, issues)
    return parse


def safe_parse(schema, value):
    """(True, data) or (False, issues), like zod's `safeParse`."""
    issues = []
    data = schema(value, [], issues)
    return (False, issues) if issues else (True, data)
