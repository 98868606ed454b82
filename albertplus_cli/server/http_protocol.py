"""Parsing Convex HTTP API requests and shaping their responses (spec/convex-protocol.md §1).

Requests: `Content-Type: application/json` required; body ≤ 16 MiB; `args` as an object or a one-element
array; `format` with Convex's names and default (clean `json` when absent); `Convex-Client` must parse.
Responses: `{"status":"success","value",...}` / `{"status":"error","errorMessage","errorData"?}` with HTTP 200,
and `logLines` omitted when empty, as Convex does.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.server.http_errors import HttpError, bad_request
from albertplus_cli.values.json_formats import Format, InvalidValueError, decode, encode, parse_format

MAX_BODY_SIZE = (16 << 20) + 2000


def check_client_version(value: str | None) -> None:
    """Refuse a `Convex-Client` header that is not `<client>-<version>`, as Convex's `ClientVersion::from_str`.

    Convex splits on `-` and takes the longest semver suffix, so client names may contain dashes
    (`npm-cli-1.4.1`, `custom-swift-0.0.10`, our own `albertplus-cli-0.1.0`) and an unrecognized version is
    still accepted; only a value without any `-` is a bad request. (A stricter `name-semver` pattern refused
    `albertplus run`'s own requests to the running server.)
    """
    if value is None:
        return
    if "-" not in value:
        raise bad_request("InvalidClientVersion", f"Invalid Convex-Client header: {value[:80]!r} "
                                                  "(expected <client>-<semver>, e.g. npm-1.48.0)")


def body_too_large() -> HttpError:
    return HttpError(413, "PayloadTooLarge", f"Request body is larger than the maximum of {MAX_BODY_SIZE} bytes")


async def read_body(request: Request) -> bytes:
    """The request body, streamed and refused (413) as soon as it passes MAX_BODY_SIZE: never buffered whole."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_SIZE:
        raise body_too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_SIZE:
            raise body_too_large()
    return bytes(body)


async def read_json_body(request: Request, *, allow_empty: bool = False) -> Any:
    return parse_json_body(request.headers.get("content-type", ""), await read_body(request),
                           allow_empty=allow_empty)


def parse_json_body(content_type: str, body: bytes, *, allow_empty: bool = False) -> Any:
    """A request body as JSON: `Content-Type: application/json` required (an empty body may be allowed)."""
    if allow_empty and not body.strip():
        return None
    if not content_type.split(";")[0].strip().lower() == "application/json":
        raise bad_request("BadJsonBody", "Expected request with `Content-Type: application/json`")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as e:
        raise bad_request("BadJsonBody", f"Failed to deserialize the JSON body: {e}") from None


def request_format(data: dict[str, Any], default: Format = "json") -> Format:
    fmt = data.get("format")
    if fmt is not None and not isinstance(fmt, str):
        raise bad_request("BadFormat", "`format` must be a string")
    try:
        return parse_format(fmt, default)
    except InvalidValueError as e:
        raise bad_request("BadFormat", str(e)) from None


def request_args(raw: Any, fmt: Format) -> dict[str, Any]:
    """Args as an object, or a legacy one-element array holding the object; decoded in the request format.

    An object that is one `$`-encoded value (`{"$bytes": ...}`, `{"$integer": ...}`) decodes to a non-object:
    that is InvalidArgs too, never a 500.
    """
    if raw is None:
        raw = {}
    if isinstance(raw, list):
        if len(raw) != 1:
            raise bad_request("InvalidArgs", f"Function arguments as an array must hold exactly one object, "
                                             f"got {len(raw)} elements")
        raw = raw[0]
    if not isinstance(raw, dict):
        raise bad_request("InvalidArgs", "Function arguments must be an object")
    try:
        decoded = decode(raw, "export_json" if fmt == "export_json" else "convex_encoded_json")
    except InvalidValueError as e:
        raise bad_request("InvalidArgs", f"Invalid function arguments: {e}") from None
    if not isinstance(decoded, dict):
        raise bad_request("InvalidArgs", "Function arguments must be an object")
    return decoded


def request_path(data: dict[str, Any]) -> str:
    path = data.get("path")
    if not isinstance(path, str) or not path:
        raise bad_request("BadJsonBody", "The request body needs a `path` string (e.g. \"messages:list\")")
    return path


def _encoded_value(outcome: Outcome, fmt: Format) -> Any:
    """The value in `fmt`; a cached result keeps its encoding as finished JSON (an `orjson.Fragment`, which the
    response's `orjson.dumps` copies as is), so a cache hit neither encodes nor serializes the value again, and
    the cache holds one bytes object per format instead of a second tree of objects for the GC to walk."""
    memo = outcome.encoded
    if memo is None:
        return encode(outcome.value, fmt)
    encoded = memo.get(fmt)
    if encoded is None:
        encoded = memo[fmt] = orjson.Fragment(orjson.dumps(encode(outcome.value, fmt)))
    return encoded


def udf_response(outcome: Outcome, fmt: Format) -> dict[str, Any]:
    if outcome.ok:
        try:
            body: dict[str, Any] = {"status": "success", "value": _encoded_value(outcome, fmt)}
        except InvalidValueError as e:
            body = {"status": "error", "errorMessage": f"Function returned a value that cannot be encoded: {e}"}
    else:
        body = {"status": "error", "errorMessage": outcome.error_message or "Server Error"}
        if outcome.has_error_data:
            body["errorData"] = encode(outcome.error_data, fmt)
    if outcome.log_lines:
        body["logLines"] = outcome.log_lines
    return body
