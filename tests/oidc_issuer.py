"""A real OIDC issuer on 127.0.0.1 for tests: discovery document + JWKS served over HTTP, and token helpers.

Shared by the verifier unit tests (tests/test_auth_verifier.py) and the end-to-end auth tests against a running
`albertplus dev` (tests/test_auth_http.py). Tokens are signed with PyJWT using keys the tests generate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm


def public_jwk(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, kid: str, alg: str = "RS256"
) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    else:
        jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


def sign(key: Any, kid: str | None, claims: dict[str, Any], alg: str = "RS256") -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def claims_for(issuer: str, **overrides: Any) -> dict[str, Any]:
    """Valid claims for `issuer` (aud "convex", 10 minutes of validity); an override of None drops the claim."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": "user_1",
        "aud": "convex",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def alg_none_token(claims: dict[str, Any]) -> str:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}."


def hs256_with_public_key(key: rsa.RSAPrivateKey, kid: str, claims: dict[str, Any]) -> str:
    """The key-confusion attack: an HMAC-SHA256 token whose secret is the issuer's public key PEM."""
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = b64url(hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


@dataclass
class Issuer:
    """State served by the test issuer; tests change `jwks` to rotate keys and `delay` to slow it down."""

    jwks: dict[str, Any]
    base_url: str = ""
    delay: float = 0.0  # seconds every answer waits: a slow (or, when long, unreachable) issuer
    requests: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    def count(self, path: str) -> int:
        return sum(1 for p in self.requests if p == path)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        issuer: Issuer = self.server.issuer
        issuer.requests.append(self.path)
        if issuer.delay:
            time.sleep(issuer.delay)
        if self.path == "/.well-known/openid-configuration":
            body: Any = {"issuer": issuer.base_url, "jwks_uri": issuer.base_url + "/jwks.json"}
        elif self.path == "/jwks.json":
            body = issuer.jwks
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # a slow answer the client stopped waiting for

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_issuer(jwks: dict[str, Any]) -> Issuer:
    """Start an issuer on a free 127.0.0.1 port serving `jwks`; call `.stop()` when done."""
    state = Issuer(jwks=jwks)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.issuer = state  # type: ignore[attr-defined]
    state.server = server
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    state.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    state.thread.start()
    return state
