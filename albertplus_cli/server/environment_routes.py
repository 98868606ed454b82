"""Admin routes for deployment environment variables (what `albertplus env` calls on a running server).

- `GET /api/albertplus/environment_variables` → `{"variables": [{"name", "value"}]}`, sorted by name.
- `POST /api/update_environment_variables` with `{"changes": [{"name", "value"?}]}` (Convex's route and body:
  a change without `value` removes the variable) → `{}`; all changes commit together or none does, and a bad
  name or value answers 400 `{"code": "InvalidEnvironmentVariable", "message"}`.

Both need the admin key. Writes go through the server's own database, whichever file or server it uses.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from albertplus_cli.backend import Backend
from albertplus_cli.functions import deployment_env
from albertplus_cli.server.http_errors import HttpError
from albertplus_cli.server.json_response import json_response

MAX_BODY = 1024 * 1024


def environment_routes(backend: Backend) -> list[Route]:
    async def _refusal(request: Request) -> Response | None:
        try:
            identity = await backend.in_thread(backend.identity, request.headers.get("authorization"))
        except HttpError as e:
            return e.response()
        if not identity.is_admin:
            return json_response({"code": "Unauthenticated", "message": "Environment variables need the admin key"},
                                 401)
        return None

    async def list_variables(request: Request) -> Response:
        if (refused := await _refusal(request)) is not None:
            return refused
        values = await backend.in_thread(deployment_env.read, backend.engine.db)
        return json_response({"variables": [{"name": k, "value": v} for k, v in sorted(values.items())]})

    async def update_variables(request: Request) -> Response:
        if (refused := await _refusal(request)) is not None:
            return refused
        body = await request.body()
        if len(body) > MAX_BODY:
            return json_response({"code": "PayloadTooLarge", "message": "Request body is too large"}, 413)
        try:
            changes = _parse_changes(orjson.loads(body))
        except (orjson.JSONDecodeError, ValueError) as e:
            return json_response({"code": "InvalidEnvironmentVariable", "message": str(e)}, 400)
        try:
            await backend.in_thread(deployment_env.apply_changes, backend.engine.db, changes)
        except deployment_env.EnvironmentVariableError as e:
            return json_response({"code": "InvalidEnvironmentVariable", "message": str(e)}, 400)
        return json_response({})

    return [
        Route("/api/albertplus/environment_variables", list_variables, methods=["GET"]),
        Route("/api/update_environment_variables", update_variables, methods=["POST"]),
    ]


def _parse_changes(body: Any) -> list[tuple[str, str | None]]:
    if not isinstance(body, dict) or not isinstance(body.get("changes"), list):
        raise ValueError('The body must be {"changes": [{"name": ..., "value": ...}]}')
    out: list[tuple[str, str | None]] = []
    for change in body["changes"]:
        if not isinstance(change, dict) or not isinstance(change.get("name"), str):
            raise ValueError('Each change must be an object with a string "name"')
        value = change.get("value")
        if value is not None and not isinstance(value, str):
            raise ValueError(f'The "value" of {change["name"]} must be a string')
        out.append((change["name"], value))
    return out
