"""The two ASGI apps of a running deployment: the API (HTTP API + sync WebSocket) and the site (HTTP actions)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from albertplus_cli.auth import AuthenticationError
from albertplus_cli.backend import VERSION, Backend
from albertplus_cli.server.environment_routes import environment_routes
from albertplus_cli.server.execution_log import execution_log_routes
from albertplus_cli.server.function_calls import FunctionCalls
from albertplus_cli.server.http_api import routes as api_routes
from albertplus_cli.server.http_errors import unauthorized
from albertplus_cli.server.json_response import json_response
from albertplus_cli.server.site import site_routes
from albertplus_cli.sync.endpoint import sync_routes
from albertplus_cli.sync.hub import SyncHub


def _stats_route(backend: Backend, hub: SyncHub, extra: Callable[[], dict[str, Any]] | None) -> Route:
    async def stats(request: Request) -> Response:
        try:
            identity = await backend.in_thread(
                backend.identity, request.headers.get("authorization"), request.query_params.get("adminKey")
            )
        except AuthenticationError as e:  # a wrong key or a malformed header: 401 with its message, not a 500
            return unauthorized(e).response()
        if not identity.is_admin:
            return json_response({"code": "Unauthenticated", "message": "Stats need the admin key"}, 401)
        engine = backend.engine
        body = {
            "version": VERSION,
            "url": str(request.base_url).rstrip("/"),
            "uptimeSeconds": time.time() - engine.started_at,
            "connections": len(hub.sessions),
            "subscriptions": len(hub.queries),
            "subscriptionExecutions": hub.stats.executions,
            "reactiveReruns": hub.stats.reruns,
            "syncIterations": hub.stats.iterations,
            "latestTs": engine.db.latest_ts,
            "functions": len(engine.project.functions),
            "queryCache": engine.executor.query_cache.summary(),
            "httpFastPathAnswers": backend.fast_path_answers,  # hits answered without the ASGI app
            "slowFunctions": backend.placement.slow_functions(),  # run on worker threads for now (placement.py)
        }
        if extra is not None:
            body.update(extra())
        return json_response(body)

    return Route("/api/albertplus/stats", stats, methods=["GET"])


async def _no_route(request: Request, exc: Exception) -> Response:
    """An unknown path or method answers in the request-error shape, `{"code", "message"}`, like every other refusal.

    Starlette answered these in plain text, and redirected a path with a trailing slash with a 307 (so a POST to
    `/api/run/.` was sent elsewhere); Convex does neither.
    """
    status = getattr(exc, "status_code", 404)
    code = "MethodNotAllowed" if status == 405 else "NotFound"
    return json_response({"code": code, "message": f"No route for {request.method} {request.url.path[:200]}"}, status)


def build_api_app(backend: Backend, hub: SyncHub, extra_stats: Callable[[], dict[str, Any]] | None = None,
                  extra_routes: list[Route] | None = None) -> FunctionCalls:
    """The API app: the function-call endpoints answered directly (`FunctionCalls`), the rest by Starlette."""
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        hub.start()
        try:
            yield
        finally:
            await hub.stop()

    app = Starlette(
        routes=[*api_routes(backend), _stats_route(backend, hub, extra_stats), *execution_log_routes(backend),
                *environment_routes(backend), *sync_routes(backend, hub), *(extra_routes or [])],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"],
                               expose_headers=["*"], max_age=3600)],
        exception_handlers={404: _no_route, 405: _no_route},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    return FunctionCalls(backend, app)


def build_site_app(backend: Backend, log: Callable[[str], None] = print) -> Starlette:
    return Starlette(
        routes=site_routes(backend, log),
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])],
    )
