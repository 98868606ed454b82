"""How values, validators, times and documents read on screen: one place, so snapshot tests can mask what varies.

`Formatter(mask=True)` replaces everything that differs between two runs on the same data — clock times,
durations, uptimes, document ids, the server's port — with fixed placeholders of the same width.

Document strings are untrusted: every cell and every JSON view shows their control characters escaped
(`terminal_text`), as the Logs tab does, so a stored `ESC ]0;` or `\r` never drives the terminal.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Any

import httpx
import orjson

from albertplus_cli.terminal_text import safe_json, safe_line
from albertplus_cli.values.ids import is_id
from albertplus_cli.values.json_formats import encode
from albertplus_cli.values.types import Int64

SYSTEM_FIELDS = ("_id", "_creationTime")
_CREATION_TIME = re.compile(r'("_creationTime": )[0-9.eE+-]+')


class Formatter:
    def __init__(self, mask: bool = False) -> None:
        self.mask = mask

    # -- times and numbers that vary between runs ----------------------------------------------------

    def clock(self, unix_seconds: float) -> str:
        if self.mask:
            return "--:--:--.---"
        return dt.datetime.fromtimestamp(unix_seconds).strftime("%H:%M:%S.%f")[:-3]

    def creation_time(self, ms: float) -> str:
        if self.mask:
            return "----------  --:--:--"
        return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d  %H:%M:%S")

    def duration(self, ms: float) -> str:
        """How long something took, with its unit spelled apart (`26.6 ms`, `1.20 s`), never a bare `m`."""
        if self.mask:
            return "-.- ms"
        return f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"

    def uptime(self, seconds: float) -> str:
        """How long ago or for how long, in words a reader cannot take for another unit: `26 min 35 s`."""
        if self.mask:
            return "--"
        seconds = int(seconds)
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        if hours:
            return f"{hours} h {minutes:02d} min"
        return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"

    def counter(self, n: Any) -> str:
        return "-" if self.mask else str(n)

    def url(self, url: str) -> str:
        """The URL with its port always written out (`http://host` -> `http://host:80`)."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            return url
        if not parsed.host:
            return url
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
        text = f"{parsed.scheme}://{host}:{'PORT' if self.mask else port}"
        path = parsed.raw_path.decode().rstrip("/")
        return text + path

    def doc_id(self, doc_id: str, width: int | None = None) -> str:
        if self.mask:
            return "<id>"
        if width is not None and len(doc_id) > width:
            return doc_id[: width - 1] + "…"
        return doc_id

    # -- values ----------------------------------------------------------------------------------------

    def cell(self, value: Any, width: int = 28) -> str:
        """One grid cell: scalars as text, nested values summarised."""
        if isinstance(value, str):
            if is_id(value):
                return self.doc_id(value, 14)
            text = safe_line(value.replace("\n", "⏎"))
            return text if len(text) <= width else text[: width - 1] + "…"
        if isinstance(value, list):
            return f"[{len(value)} item{'s' if len(value) != 1 else ''}]"
        if isinstance(value, dict):
            keys = safe_line(", ".join(list(value)[:3]))
            more = ", …" if len(value) > 3 else ""
            text = "{" + keys + more + "}"
            return text if len(text) <= width else text[: width - 2] + "…}"
        return scalar_text(value)

    def document_json(self, document: Any) -> str:
        """Pretty JSON of a value (convex_encoded_json: int64 and bytes keep their `$` forms), every control
        character in its strings a `\\u` escape."""
        text = json_text(document)
        if self.mask:
            for doc_id in sorted(set(find_ids(document)), key=len, reverse=True):
                text = text.replace(doc_id, "<id>")
            text = _CREATION_TIME.sub(r'\1"<time>"', text)
        return text


def json_text(value: Any) -> str:
    """A value as indented JSON for the screen (the document view, the editor): control characters in its strings
    are `\\u` escapes, so the text stays valid JSON of the same value and saving it back changes nothing."""
    return safe_json(orjson.dumps(encode(value), option=orjson.OPT_INDENT_2).decode())


def scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Int64):
        return f"{value.value}n"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return str(value)


def find_ids(value: Any, path: str = "") -> Iterator[str]:
    """Every string in a value that is a document id."""
    if isinstance(value, str):
        if is_id(value):
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from find_ids(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from find_ids(item)


def id_references(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, id) for every id inside a document except its own `_id`: the links to follow."""
    out: list[tuple[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str) and is_id(value):
            out.append((path, value))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else key)

    for key, value in document.items():
        if key != "_id":
            walk(value, key)
    return out


# -- validators (Convex's JSON form, as `_system/frontend/*` return them) ---------------------------------


def validator_text(data: Any) -> str:
    """`{"type": "object", ...}` -> `v.object({name: v.string(), ...})`, compact."""
    if data is None:
        return "any (no validator)"
    kind = data.get("type")
    if kind == "object":
        fields = data.get("value", {})
        inner = ", ".join(
            f"{name}{'?' if spec.get('optional') else ''}: {validator_text(spec.get('fieldType'))}"
            for name, spec in fields.items()
        )
        return "{" + inner + "}"
    if kind == "array":
        return f"array<{validator_text(data.get('value'))}>"
    if kind == "union":
        members = [validator_text(m) for m in data.get("value", [])]
        return " | ".join(members) if len(members) <= 6 else " | ".join(members[:5]) + f" | … ({len(members)})"
    if kind == "literal":
        return orjson.dumps(data.get("value")).decode()
    if kind == "id":
        return f"id<{data.get('tableName')}>"
    if kind == "record":
        values = data.get("values", {}).get("fieldType")
        return f"record<{validator_text(data.get('keys'))}, {validator_text(values)}>"
    if kind == "number":
        return "number"
    if kind == "bigint" or kind == "int64":
        return "int64"
    return str(kind)


def object_fields(data: Any) -> dict[str, tuple[Any, bool]]:
    """The fields of an object validator (or every member of a union of objects): name -> (type, optional)."""
    if data is None:
        return {}
    if data.get("type") == "object":
        return {name: (spec.get("fieldType"), bool(spec.get("optional"))) for name, spec in data["value"].items()}
    if data.get("type") == "union":
        merged: dict[str, tuple[Any, bool]] = {}
        members = [object_fields(m) for m in data.get("value", [])]
        for fields in members:
            for name, (kind, optional) in fields.items():
                in_all = all(name in other for other in members)
                if name not in merged:
                    merged[name] = (kind, optional or not in_all)
                elif kind not in _members(merged[name][0]):
                    merged[name] = ({"type": "union", "value": [*_members(merged[name][0]), kind]},
                                    merged[name][1] or optional)
        return merged
    return {}


def _members(validator: Any) -> list[Any]:
    if isinstance(validator, dict) and validator.get("type") == "union":
        return list(validator.get("value", []))
    return [validator]


def union_branches(data: Any) -> tuple[dict[str, tuple[Any, bool]], list[dict[str, tuple[Any, bool]]]] | None:
    """A union of objects split for reading: (the fields every branch has alike, what each branch adds).

    None when `data` is not a union of objects. Each branch keeps its own fields in order, so a discriminator
    such as `type: "required"` comes first when the schema writes it first among the differing fields.
    """
    if not isinstance(data, dict) or data.get("type") != "union":
        return None
    members = data.get("value") or []
    if len(members) < 2 or any(not isinstance(m, dict) or m.get("type") != "object" for m in members):
        return None
    branches = [object_fields(m) for m in members]
    shared = {name: spec for name, spec in branches[0].items() if all(b.get(name) == spec for b in branches)}
    return shared, [{name: spec for name, spec in b.items() if name not in shared} for b in branches]


def is_textual(data: Any) -> bool:
    """Whether a form input for this validator takes plain text (strings, ids, string literals)."""
    if data is None:
        return False
    kind = data.get("type")
    if kind in ("string", "id"):
        return True
    if kind == "literal":
        return isinstance(data.get("value"), str)
    if kind == "union":
        return all(is_textual(m) for m in data.get("value", []))
    return False


def sample_value(data: Any) -> Any:
    """A placeholder value of a validator's type, for a new document's template."""
    if data is None:
        return None
    kind = data.get("type")
    if kind == "string":
        return ""
    if kind == "number":
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind in ("record", "any"):
        return {}
    if kind == "literal":
        return data.get("value")
    if kind == "union":
        members = data.get("value") or [None]
        return sample_value(members[0])
    if kind == "object":
        return {name: sample_value(t) for name, (t, optional) in object_fields(data).items() if not optional}
    return None
