"""Stored document bodies ↔ Python documents with their system fields."""

from __future__ import annotations

from typing import Any

import orjson

from albertplus_cli.values.json_formats import decode


def decode_body(body: bytes) -> dict[str, Any]:
    data = orjson.loads(body)
    # Fast path: bodies without `$`-encoded values (int64, bytes, special floats) are plain JSON.
    if b'{"$' in body:
        data = decode(data)
    return data


def to_document(doc_id: str, creation_time: float, body: bytes) -> dict[str, Any]:
    document = {"_id": doc_id, "_creationTime": creation_time}
    document.update(decode_body(body))
    return document


def user_fields(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("_id", "_creationTime")}
