"""The site port (3211): serves the HTTP actions routed in `functions/http.py`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.markup import escape
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from albertplus_cli.auth import ANONYMOUS, AuthenticationError
from albertplus_cli.backend import Backend
from albertplus_cli.functions import deployment_env
from albertplus_cli.functions.context import ActionCtx
from albertplus_cli.functions.user_frames import relative_location, user_frames
from albertplus_cli.server.http_errors import HttpError
from albertplus_cli.server.http_protocol import read_body
from albertplus_cli.server.http_router import HttpRequest, HttpResponse, HttpRouter
from albertplus_cli.server.json_response import json_response
from albertplus_cli.terminal_text import safe_line


def site_routes(backend: Backend, log: Callable[[str], None] = print) -> list[Route]:
    async def endpoint(request: Request) -> Response:
        router = backend.engine.project.http_router
        if not isinstance(router, HttpRouter):
            return json_response({"code": "NotFound", "message": "No HTTP routes: functions/http.py defines "
                                  "no `http = HttpRouter()`"}, 404)
        action = router.lookup(request.method, request.url.path)
        if action is None:
            return json_response({"code": "NotFound",
                                  "message": f"No HTTP action for {request.method} {request.url.path}"}, 404)
        try:
            body = await read_body(request)  # streamed: a 300 MB upload stops at the limit, never buffered whole
        except HttpError as e:
            return e.response()
        http_request = HttpRequest(request.method, str(request.url), request.url.path, dict(request.headers), body,
                                   dict(request.query_params))
        authorization = request.headers.get("authorization")
        try:
            identity = (await backend.in_thread(backend.identity, authorization)
                        if authorization and authorization.lower().startswith("bearer ") else ANONYMOUS)
        except Exception:  # noqa: BLE001 - an HTTP action decides itself what an invalid token means
            identity = ANONYMOUS

        def run() -> HttpResponse:
            ctx = ActionCtx(identity, backend.engine.executor._action_runner(identity))
            with deployment_env.database_scope(backend.engine.db):
                return action.handler(ctx, http_request)

        try:
            result = await backend.in_thread(run)
        except AuthenticationError as e:
            return json_response({"code": "Unauthenticated", "message": str(e)}, 401)
        except Exception as e:  # noqa: BLE001 - a failing HTTP action is a 500 from user code, as in Convex
            log(_failure_report(request, e, backend.engine.project.directory))
            return json_response({"code": "HttpActionError", "message": f"Uncaught {type(e).__name__}: {e}"}, 500)
        if not isinstance(result, HttpResponse):
            return json_response({"code": "HttpActionError",
                                  "message": "The HTTP action did not return an HttpResponse"}, 500)
        body_out = result.body.encode() if isinstance(result.body, str) else (result.body or b"")
        return Response(body_out, status_code=result.status, headers=result.headers)

    return [Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])]


def _failure_report(request: Request, exc: Exception, project_dir: Path) -> str:
    """The dev terminal's lines for a failing HTTP action: the caller's path and the error escaped (markup and
    control characters), and the innermost frames of the user's own code only."""
    where = escape(safe_line(f"{request.method} {request.url.path}"[:300]))
    error = escape(safe_line(f"{type(exc).__name__}: {exc}"[:500]))
    frames = list(reversed(user_frames(exc.__traceback__, project_dir)))[:3]
    stack = "".join(f"\n    at {escape(frame.name)} ({escape(relative_location(frame, project_dir))})"
                    for frame in frames)
    return f"[red]HTTP action {where} failed:[/red] {error}{stack}"
