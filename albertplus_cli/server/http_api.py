"""Convex's public HTTP API: /api/query, /api/mutation, /api/action, /api/run/{path}, /api/function,
/api/query_ts, /api/query_at_ts, /api/query_batch, and the meta routes (/version, /instance_name)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from albertplus_cli.auth import AuthenticationError
from albertplus_cli.backend import VERSION, Backend
from albertplus_cli.database import Commit, Database
from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.server.function_calls import FUNCTION_ENDPOINTS, route_endpoint
from albertplus_cli.server.http_errors import HttpError, bad_request, unauthorized
from albertplus_cli.server.http_protocol import (
    check_client_version,
    read_json_body,
    request_args,
    request_format,
    request_path,
    udf_response,
)
from albertplus_cli.server.json_response import json_response
from albertplus_cli.sync.invalidation import CombinedWrites
from albertplus_cli.sync.protocol import ts_from_wire, ts_to_wire
from albertplus_cli.values.json_formats import Format


def _handler(backend: Backend, fn: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            check_client_version(request.headers.get("convex-client"))
            return await fn(backend, request)
        except HttpError as e:
            return e.response()

    return endpoint


async def _identity(backend: Backend, request: Request) -> Any:
    """Resolved on the loop unless it is a JWT not verified before (which may fetch keys: a worker thread)."""
    header = request.headers.get("authorization")
    admin_key_param = request.query_params.get("adminKey") if b"adminKey" in request.scope["query_string"] else None
    try:
        return await backend.identity_async(header, admin_key_param)
    except AuthenticationError as e:
        raise unauthorized(e) from None


async def _body_object(request: Request) -> dict[str, Any]:
    data = await read_json_body(request)
    if not isinstance(data, dict):
        raise bad_request("BadJsonBody", "The request body must be a JSON object")
    return data


async def _get_query(backend: Backend, request: Request) -> Response:
    params = request.query_params
    path = params.get("path")
    if not path:
        raise bad_request("BadRequest", "GET /api/query needs a `path` query parameter")
    fmt = request_format({"format": params.get("format")})
    try:
        raw_args = orjson.loads(params.get("args") or "{}")
    except orjson.JSONDecodeError:
        raise bad_request("BadJsonBody", "`args` must be a JSON object") from None
    args = request_args(raw_args, fmt)
    identity = await _identity(backend, request)
    outcome = await backend.run("query", path, args, identity)
    return json_response(udf_response(outcome, fmt))


async def _run_route(backend: Backend, request: Request) -> Response:
    raw = request.path_params["function_path"].strip("/")
    module, _, name = raw.rpartition("/")
    if not module or not name:
        raise bad_request("BadRequest", f"/api/run/{raw}: expected /api/run/<module path>/<function name>")
    data = await read_json_body(request, allow_empty=True) or {}
    if not isinstance(data, dict):
        raise bad_request("BadJsonBody", "The request body must be a JSON object")
    fmt = request_format(data, default="json")
    args = request_args(data.get("args"), fmt)
    identity = await _identity(backend, request)
    outcome = await backend.run(None, f"{module}:{name}", args, identity, public_only=True)
    return json_response(udf_response(outcome, fmt))


async def _query_ts(backend: Backend, request: Request) -> Response:
    await read_json_body(request, allow_empty=True)
    return json_response({"ts": ts_to_wire(backend.engine.db.latest_ts)})


async def _query_at_ts(backend: Backend, request: Request) -> Response:
    data = await _body_object(request)
    fmt = request_format(data)
    try:
        ts = ts_from_wire(data.get("ts"))
    except (ValueError, TypeError):
        raise bad_request("BadRequest", "`ts` must be a timestamp from /api/query_ts (base64 of 8 bytes)") from None
    db = backend.engine.db
    if ts > max(db.latest_ts, db.read_latest_ts()):
        raise bad_request("BadRequest", "`ts` is in the future of this deployment")
    args = request_args(data.get("args"), fmt)
    identity = await _identity(backend, request)
    outcome = await backend.run("query", request_path(data), args, identity)
    if outcome.ok and outcome.ts > ts and not await backend.in_thread(_unchanged_since, db, ts, outcome):
        raise bad_request(
            "TimestampTooOld",
            "The data this query reads changed after the requested `ts`, and this deployment keeps no older "
            "versions to read it at. Use a fresh timestamp from /api/query_ts (a new ConvexHttpClient).",
        )
    return json_response(udf_response(outcome, fmt))


def _unchanged_since(db: Database, ts: int, outcome: Outcome) -> bool:
    """Whether a result computed at `outcome.ts` is also the result at the older `ts`.

    This backend reads only the latest snapshot, but its commit log records every commit's written keys: if no
    commit in (ts, outcome.ts] touched the query's read set, the result at `ts` is the same. (Serving the latest
    result unchecked would break `consistentQuery`, whose queries must all read at one timestamp.)
    """
    if outcome.read_set is None or db.log_pruned_through() > ts:
        return False
    commits: list[Commit] = []
    cursor = ts
    while cursor < outcome.ts:
        batch = db.commits_after(cursor)  # in pages
        if not batch:
            break
        commits.extend(c for c in batch if c.ts <= outcome.ts)
        cursor = batch[-1].ts
    return not CombinedWrites.of(commits).touches(outcome.read_set)


# /api/query_batch limits: Convex's clients send at most a few hundred queries at once. Without them, 20,000
# queries in a 0.9 MB request answered 106 MB after ~10 s and starved every other request.
MAX_BATCH_QUERIES = 500
MAX_BATCH_ANSWER_BYTES = 16 << 20  # the answer's JSON, as large as a request body may be


async def _query_batch(backend: Backend, request: Request) -> Response:
    data = await _body_object(request)
    queries = data.get("queries")
    if not isinstance(queries, list):
        raise bad_request("BadJsonBody", "The request body needs `queries`: a list of {path, args, format?}")
    if len(queries) > MAX_BATCH_QUERIES:
        raise bad_request("TooManyQueries", f"A query batch may hold at most {MAX_BATCH_QUERIES} queries, "
                                            f"got {len(queries)}: split it into several requests")
    parsed: list[tuple[str, dict[str, Any], Format]] = []
    for item in queries:
        if not isinstance(item, dict):
            raise bad_request("BadJsonBody", "Each entry of `queries` must be an object")
        fmt = request_format(item)
        parsed.append((request_path(item), request_args(item.get("args"), fmt), fmt))
    identity = await _identity(backend, request)
    executor = backend.engine.executor

    def run_all() -> list[bytes]:
        """Each answer encoded as soon as its query ran, stopping once the total is over the limit."""
        answers: list[bytes] = []
        size = 0
        with backend.engine.db.snapshot():
            for path, args, fmt in parsed:
                answers.append(orjson.dumps(udf_response(executor.run_query(path, args, identity), fmt)))
                size += len(answers[-1]) + 1
                if size > MAX_BATCH_ANSWER_BYTES:
                    raise bad_request("BatchAnswerTooLarge",
                                      f"The answers of this query batch exceed {MAX_BATCH_ANSWER_BYTES} bytes "
                                      f"(after {len(answers)} of {len(parsed)} queries): send fewer queries "
                                      "per batch")
        return answers

    on_loop = all(backend.placement.on_loop(path) for path, _args, _fmt in parsed)
    answers = run_all() if on_loop else await backend.in_thread(run_all)
    return Response(b'{"results":[' + b",".join(answers) + b"]}", media_type="application/json")


def routes(backend: Backend) -> list[Route]:
    def text(body: str) -> Any:
        async def endpoint(_request: Request) -> Response:
            return PlainTextResponse(body)

        return endpoint

    return [
        *(Route(path, route_endpoint(backend, path), methods=["POST"]) for path in FUNCTION_ENDPOINTS),
        Route("/api/query", _handler(backend, _get_query), methods=["GET"]),
        Route("/api/run/{function_path:path}", _handler(backend, _run_route), methods=["POST"]),
        Route("/api/query_ts", _handler(backend, _query_ts), methods=["POST"]),
        Route("/api/query_at_ts", _handler(backend, _query_at_ts), methods=["POST"]),
        Route("/api/query_batch", _handler(backend, _query_batch), methods=["POST"]),
        Route("/version", text(VERSION), methods=["GET"]),
        Route("/instance_version", text(VERSION), methods=["GET"]),
        Route("/instance_name", text(backend.instance_name), methods=["GET"]),
        Route("/", text("This albertplus deployment is running. See https://docs.convex.dev/."), methods=["GET"]),
    ]
