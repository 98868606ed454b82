"""The function-call endpoints (POST /api/query, /api/mutation, /api/action, /api/function) as plain ASGI.

Nearly every request a deployment serves is one of these four. Through Starlette each paid for its middleware
stack, router, `Request`/`Response` objects and a `send` wrapper per layer: a profile of the hot read put about
a third of the CPU per request there, more than the query itself. `FunctionCalls` sits in front of the Starlette
app and answers these four directly from the ASGI scope (same checks, same limits, same error shapes, the same
CORS headers Starlette's middleware adds); every other request goes on to Starlette unchanged. The same
handlers stay in Starlette's route table, so other methods on these paths still answer 405 there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import orjson

from albertplus_cli.auth import AuthenticationError
from albertplus_cli.backend import Backend
from albertplus_cli.server.http_errors import HttpError, bad_request, unauthorized
from albertplus_cli.server.http_protocol import (
    MAX_BODY_SIZE,
    body_too_large,
    check_client_version,
    parse_json_body,
    request_args,
    request_format,
    request_path,
    udf_response,
)
from albertplus_cli.values.json_formats import Format

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# path -> (function kind for Backend.run, admin key required)
FUNCTION_ENDPOINTS: dict[str, tuple[str | None, bool]] = {
    "/api/query": ("query", False),
    "/api/mutation": ("mutation", False),
    "/api/action": ("action", False),
    "/api/function": (None, True),
}

# What Starlette's CORSMiddleware (allow_origins=["*"], expose_headers=["*"], no credentials) adds to a
# non-preflight answer: `Vary: Origin` always; the two headers below when the request has an Origin.
_VARY = (b"vary", b"Origin")
_CORS = ((b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", b"*"))
_JSON = (b"content-type", b"application/json")
_ADMIN_REQUIRED = ("/api/function requires an admin key: send `Authorization: Convex <admin key>` "
                   "(see `albertplus admin-key`)")


class FunctionCalls:
    """ASGI app: the function-call endpoints answered here, everything else passed to `fallback`."""

    def __init__(self, backend: Backend, fallback: ASGIApp) -> None:
        self.backend = backend
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            endpoint = FUNCTION_ENDPOINTS.get(scope["path"])
            if endpoint is not None:
                await answer(self.backend, scope, receive, send, endpoint, cors=True)
                return
        await self.fallback(scope, receive, send)


def route_endpoint(backend: Backend, path: str) -> ASGIApp:
    """The same handler for Starlette's route table (Starlette's own middleware adds CORS there)."""
    endpoint = FUNCTION_ENDPOINTS[path]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(backend, scope, receive, send, endpoint, cors=False)

    return app


async def answer(backend: Backend, scope: Scope, receive: Receive, send: Send,
                 endpoint: tuple[str | None, bool], *, cors: bool) -> None:
    """One function call, answered as `{"status": ...}` (200) or a request error `{"code", "message"}` (4xx)."""
    headers = request_headers(scope)
    try:
        body = await _receive_body(receive, headers.get(b"content-length"))
        if body is None:
            return  # the client went away mid-body: nobody to answer
        status, payload = 200, await _call(backend, scope, headers, body, endpoint)
    except HttpError as e:
        status, payload = e.status, orjson.dumps({"code": e.code, "message": e.message})
    response_headers = json_headers(len(payload), cors=cors and b"origin" in headers)
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": payload})


def json_headers(length: int, *, cors: bool) -> list[tuple[bytes, bytes]]:
    """An answer's headers: JSON, its length, `Vary: Origin`, and CORS's two when the request had an Origin."""
    headers = [_JSON, (b"content-length", str(length).encode()), _VARY]
    if cors:
        headers.extend(_CORS)
    return headers


def parse_call(headers: dict[bytes, bytes], body: bytes) -> tuple[Format, str, dict[str, Any]]:
    """(format, function path, args) of a call's JSON body; HttpError (400) for anything malformed."""
    client = headers.get(b"convex-client")
    check_client_version(None if client is None else client.decode("latin-1"))
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    data = parse_json_body(content_type, body)
    if not isinstance(data, dict):
        raise bad_request("BadJsonBody", "The request body must be a JSON object")
    fmt = request_format(data)
    return fmt, request_path(data), request_args(data.get("args"), fmt)


async def _call(backend: Backend, scope: Scope, headers: dict[bytes, bytes], body: bytes,
                endpoint: tuple[str | None, bool]) -> bytes:
    fmt, path, args = parse_call(headers, body)
    kind, admin_only = endpoint
    authorization = headers.get(b"authorization")
    try:
        identity = await backend.identity_async(
            None if authorization is None else authorization.decode("latin-1"), admin_key_param(scope))
    except AuthenticationError as e:
        raise unauthorized(e) from None
    if admin_only and not identity.is_admin:
        raise HttpError(401, "Unauthenticated", _ADMIN_REQUIRED)
    outcome = await backend.run(kind, path, args, identity, public_only=not identity.is_admin)
    return orjson.dumps(udf_response(outcome, fmt))


def request_headers(scope: Scope) -> dict[bytes, bytes]:
    """Header names are lower-case in ASGI; a repeated header keeps its first value, as Starlette's `.get`."""
    return dict(reversed(scope["headers"]))


def admin_key_param(scope: Scope) -> str | None:
    """`?adminKey=` as Starlette's `query_params.get` reads it (blank kept, the last one wins)."""
    query = scope.get("query_string", b"")
    if b"adminKey" not in query:
        return None
    values = [value for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True)
              if name == "adminKey"]
    return values[-1] if values else None


async def _receive_body(receive: Receive, declared: bytes | None) -> bytes | None:
    """The request body, refused (413) as soon as it passes MAX_BODY_SIZE; None if the client disconnected."""
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_SIZE:
        raise body_too_large()
    message = await receive()
    if message["type"] != "http.request":
        return None
    body = message.get("body", b"")
    if not message.get("more_body", False):
        if len(body) > MAX_BODY_SIZE:
            raise body_too_large()
        return bytes(body)
    chunks = bytearray(body)
    while message.get("more_body", False):
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks += message.get("body", b"")
        if len(chunks) > MAX_BODY_SIZE:
            raise body_too_large()
    return bytes(chunks)
