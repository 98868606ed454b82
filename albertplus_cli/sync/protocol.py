"""Client → server message parsing and server → client message building (spec/convex-protocol.md §2).

Parsing is strict: a message that is not what the protocol allows raises ProtocolError, which the session
turns into a FatalError and a close of that one socket.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.values.json_formats import encode

MAX_QUERY_SET_VERSION = 2**32 - 1


class ProtocolError(Exception):
    """A malformed or out-of-order client message; ends the socket with a FatalError."""


def shown(value: Any, limit: int = 40) -> str:
    """A client-sent value for an error message: a scalar as text (cut to `limit`), a container by its kind.

    Containers are never turned into text: `str()` of a hostile value nested ~1000 levels deep raises
    RecursionError, which would escape the session's error handling.
    """
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return str(value)[:limit]


def int_field(msg: dict[str, Any], key: str) -> int:
    """A message's integer field (a u32, as every integer of the protocol); raises ProtocolError otherwise."""
    value = msg.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value or value < 0:
        raise ProtocolError(f"{msg.get('type')}: `{key}` must be a non-negative integer")
    if value > MAX_QUERY_SET_VERSION:
        # `requestId` too: its response echoes the id, and an unbounded one (say 1e219) cannot be serialized.
        raise ProtocolError(f"{msg.get('type')}: `{key}` is out of range")
    return int(value)


def str_field(msg: dict[str, Any], key: str) -> str:
    """A message's string field; raises ProtocolError otherwise."""
    value = msg.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"{msg.get('type')}: `{key}` must be a string")
    return value


def ts_to_wire(ts: int) -> str:
    """Convex timestamps travel as base64 of the 8 bytes little-endian."""
    return base64.b64encode(max(ts, 0).to_bytes(8, "little")).decode("ascii")


def ts_from_wire(text: object) -> int:
    """A timestamp as clients send it; raises ValueError (or binascii.Error, a ValueError) when malformed."""
    if not isinstance(text, str):
        raise ValueError("timestamp must be a base64 string")
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 8:
        raise ValueError("timestamp must be 8 bytes")
    return int.from_bytes(raw, "little")


def udf_args(msg: dict[str, Any]) -> Any:
    """Sync args are an array holding one object (older clients: the object itself)."""
    args = msg.get("args", [{}])
    if isinstance(args, list):
        if len(args) != 1:
            raise ProtocolError(f"{msg.get('type')}: `args` must be an array holding one object")
        args = args[0]
    if not isinstance(args, dict):
        raise ProtocolError(f"{msg.get('type')}: `args` must be an object")
    return args


@dataclass
class AddQuery:
    query_id: int
    udf_path: str
    args: Any  # still encoded JSON; decoded by the session
    journal: str | None


@dataclass
class RemoveQuery:
    query_id: int


def parse_modifications(msg: dict[str, Any]) -> list[AddQuery | RemoveQuery]:
    mods = msg.get("modifications")
    if not isinstance(mods, list):
        raise ProtocolError("ModifyQuerySet: `modifications` must be a list")
    out: list[AddQuery | RemoveQuery] = []
    for mod in mods:
        if not isinstance(mod, dict):
            raise ProtocolError("ModifyQuerySet: each modification must be an object")
        kind = mod.get("type")
        if kind == "Add":
            journal = mod.get("journal")
            if journal is not None and not isinstance(journal, str):
                raise ProtocolError("ModifyQuerySet: `journal` must be a string or null")
            out.append(AddQuery(int_field(mod, "queryId"), str_field(mod, "udfPath"), udf_args(mod), journal))
        elif kind == "Remove":
            out.append(RemoveQuery(int_field(mod, "queryId")))
        else:
            raise ProtocolError(f"ModifyQuerySet: unknown modification type {shown(kind)!r}")
    return out


# -- server messages -------------------------------------------------------------------------------


def version(query_set: int, identity: int, ts: int) -> dict[str, Any]:
    return {"querySet": query_set, "identity": identity, "ts": ts_to_wire(ts)}


def query_modification(query_id: int, outcome: Outcome) -> dict[str, Any]:
    if outcome.ok:
        return {"type": "QueryUpdated", "queryId": query_id, "value": encode(outcome.value),
                "logLines": outcome.log_lines, "journal": outcome.journal}
    message: dict[str, Any] = {"type": "QueryFailed", "queryId": query_id,
                               "errorMessage": outcome.error_message or "Server Error",
                               "logLines": outcome.log_lines, "journal": outcome.journal}
    if outcome.has_error_data:
        message["errorData"] = encode(outcome.error_data)
    return message


def transition(start: dict[str, Any], end: dict[str, Any], modifications: list[dict[str, Any]],
               clock_skew: float | None) -> dict[str, Any]:
    return {"type": "Transition", "startVersion": start, "endVersion": end, "modifications": modifications,
            "clientClockSkew": clock_skew, "serverTs": time.time_ns()}


def mutation_response(request_id: int, outcome: Outcome) -> dict[str, Any]:
    if outcome.ok:
        return {"type": "MutationResponse", "requestId": request_id, "success": True,
                "result": encode(outcome.value), "ts": ts_to_wire(outcome.ts), "logLines": outcome.log_lines}
    message: dict[str, Any] = {"type": "MutationResponse", "requestId": request_id, "success": False,
                               "result": outcome.error_message or "Server Error", "ts": None,
                               "logLines": outcome.log_lines}
    if outcome.has_error_data:
        message["errorData"] = encode(outcome.error_data)
    return message


def action_response(request_id: int, outcome: Outcome) -> dict[str, Any]:
    if outcome.ok:
        return {"type": "ActionResponse", "requestId": request_id, "success": True,
                "result": encode(outcome.value), "logLines": outcome.log_lines}
    message: dict[str, Any] = {"type": "ActionResponse", "requestId": request_id, "success": False,
                               "result": outcome.error_message or "Server Error", "logLines": outcome.log_lines}
    if outcome.has_error_data:
        message["errorData"] = encode(outcome.error_data)
    return message


def auth_error(error: str, base_version: int | None, attempted: bool) -> dict[str, Any]:
    return {"type": "AuthError", "error": error, "baseVersion": base_version, "authUpdateAttempted": attempted}


def fatal_error(error: str) -> dict[str, Any]:
    return {"type": "FatalError", "error": error}


PING: dict[str, Any] = {"type": "Ping"}
