"""Proof that a listener is this project's running `albertplus dev`, given without revealing the admin key.

Each `dev` start draws a random instance secret and writes it into `.albertplus/server.json` (mode 0600).
A client that wants to send the admin key first posts a random nonce to `POST /api/albertplus/prove`; only
the real server can answer HMAC-SHA256(secret, nonce). A program that took over the port of a dead server
(any local user can bind a free port) cannot, and never sees the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import httpx
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from albertplus_cli.server.json_response import json_response

PROVE_PATH = "/api/albertplus/prove"
_CONTEXT = b"albertplus-instance-proof:"
_MAX_NONCE = 128


def new_instance_secret() -> str:
    return secrets.token_hex(32)


def proof_for(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), _CONTEXT + nonce.encode(), hashlib.sha256).hexdigest()


def prove_route(secret: str) -> Route:
    async def prove(request: Request) -> Response:
        body = await request.body()
        try:
            nonce = orjson.loads(body).get("nonce") if len(body) <= 1024 else None
        except (orjson.JSONDecodeError, AttributeError):
            nonce = None
        if not isinstance(nonce, str) or not 16 <= len(nonce) <= _MAX_NONCE:
            return json_response({"code": "BadRequest", "message": "expected {\"nonce\": \"16-128 characters\"}"}, 400)
        return json_response({"proof": proof_for(secret, nonce)})

    return Route(PROVE_PATH, prove, methods=["POST"])


def _answer_matches(response: httpx.Response, secret: str, nonce: str) -> bool:
    if response.status_code != 200:
        return False
    try:
        answer = response.json().get("proof")
    except (ValueError, AttributeError):
        return False
    return isinstance(answer, str) and hmac.compare_digest(answer, proof_for(secret, nonce))


def server_proves_itself(url: str, secret: str, timeout: float = 2.0) -> bool:
    """True when the listener at `url` knows `secret` (it is the server that wrote it). Sends no credentials."""
    nonce = secrets.token_hex(16)
    try:
        response = httpx.post(url.rstrip("/") + PROVE_PATH, json={"nonce": nonce}, timeout=timeout)
    except httpx.HTTPError:
        return False
    return _answer_matches(response, secret, nonce)


async def server_proves_itself_async(client: httpx.AsyncClient, url: str, secret: str) -> bool:
    nonce = secrets.token_hex(16)
    try:
        response = await client.post(url.rstrip("/") + PROVE_PATH, json={"nonce": nonce})
    except httpx.HTTPError:
        return False
    return _answer_matches(response, secret, nonce)
