"""Auth end to end: a real OIDC issuer on 127.0.0.1 (discovery + JWKS over HTTP), a project whose
functions/auth.config.py trusts it, and a real `albertplus dev`. Valid tokens work through both official HTTP
clients (and the WebSocket client); each bad token is refused with its own reason in a 401 `{"code", "message"}`
that never quotes the token. Dev tokens from `albertplus token` work with no network at all."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from convex.http_client import ConvexHttpClient
from cryptography.hazmat.primitives.asymmetric import rsa
from js_runner import run_node
from oidc_issuer import Issuer, alg_none_token, claims_for, hs256_with_public_key, public_jwk, serve_issuer, sign
from protocol_support import protocol_project
from server_process import ALBERTPLUS, DevServer


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    return {name: rsa.generate_private_key(public_exponent=65537, key_size=2048) for name in ("k1", "evil")}


@pytest.fixture(scope="module")
def issuer(keys: dict[str, rsa.RSAPrivateKey]) -> Iterator[Issuer]:
    state = serve_issuer({"keys": [public_jwk(keys["k1"], "k1")]})
    yield state
    state.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, issuer: Issuer) -> Iterator[DevServer]:
    project = protocol_project(tmp_path_factory.mktemp("auth"))
    with DevServer(project, env={"TEST_OIDC_DOMAIN": issuer.base_url}) as running:
        yield running


def _bad_tokens(issuer: Issuer, keys: dict[str, rsa.RSAPrivateKey]) -> dict[str, tuple[str, str]]:
    """name -> (token, the exact reason the server must give)."""
    iss, k1 = issuer.base_url, keys["k1"]
    now = int(time.time())
    return {
        "expired": (sign(k1, "k1", claims_for(iss, exp=now - 3600, iat=now - 7200, nbf=now - 7200)),
                    "token expired"),
        "not_yet_valid": (sign(k1, "k1", claims_for(iss, nbf=now + 3600, exp=now + 7200)), "token not yet valid"),
        "wrong_issuer": (sign(k1, "k1", claims_for("https://evil.example.com")),
                         "issuer 'https://evil.example.com' is not trusted"),
        "wrong_audience": (sign(k1, "k1", claims_for(iss, aud="not-convex")),
                           "audience 'not-convex' is not 'convex'"),
        "unknown_kid": (sign(k1, "rotated-away", claims_for(iss)), f"unknown key id 'rotated-away' for issuer '{iss}'"),
        "other_key": (sign(keys["evil"], "k1", claims_for(iss)), "invalid signature"),
        "alg_none": (alg_none_token(claims_for(iss)), "algorithm 'none' is not allowed"),
        "hs256_public_key": (hs256_with_public_key(k1, "k1", claims_for(iss)),
                             f"algorithm 'HS256' is not allowed for issuer '{iss}' (expected RS256 or ES256)"),
        "malformed": ("this-is.not-a.jwt", "malformed token"),
        "missing_sub": (sign(k1, "k1", claims_for(iss, sub=None)), "token has no 'sub' claim"),
    }


def _assert_not_leaked(token: str, text: str) -> None:
    assert token not in text
    for segment in token.split("."):
        if len(segment) > 8:
            assert segment not in text, "a part of the token was echoed back"


def _valid_token(issuer: Issuer, keys: dict[str, rsa.RSAPrivateKey], sub: str = "oidc-user") -> str:
    return sign(keys["k1"], "k1", claims_for(issuer.base_url, sub=sub, is_admin=True, email="ada@nyu.edu",
                                             email_verified=True, org={"id": "nyu", "roles": ["student"]}))


def _check_identity(identity: dict[str, Any], issuer: Issuer, sub: str = "oidc-user") -> None:
    assert identity["subject"] == sub and identity["issuer"] == issuer.base_url
    assert identity["tokenIdentifier"] == f"{issuer.base_url}|{sub}"
    assert identity["is_admin"] is True and identity["email"] == "ada@nyu.edu" and identity["emailVerified"] is True
    assert identity["org"] == {"id": "nyu", "roles": ["student"]}
    assert not {"aud", "exp", "iat", "nbf", "iss", "sub"} & set(identity)


def test_valid_tokens_work_through_both_http_clients(server: DevServer, issuer: Issuer,
                                                    keys: dict[str, rsa.RSAPrivateKey]) -> None:
    token = _valid_token(issuer, keys)
    client = ConvexHttpClient(server.url)
    client.set_auth(token)
    assert client.query("messages:whoami") == "oidc-user"
    _check_identity(client.query("messages:identity"), issuer)
    assert issuer.count("/.well-known/openid-configuration") >= 1 and issuer.count("/jwks.json") >= 1
    result = run_node("http_client.mjs", "tokens", server.url,
                      json.dumps({"valid": _valid_token(issuer, keys, "npm-user")}))
    assert result["ok"], result.get("error")
    _check_identity(result["facts"]["valid"]["identity"], issuer, "npm-user")


# The PyPI WebSocket client holds the GIL while `query` waits (measured: no other thread of the process runs
# until it returns). The issuer serves from a thread of this process, so a key fetch the server makes for this
# token would wait on the very client that waits on it: the client runs in a process of its own.
_WS_QUERY = """
import json, sys
from convex import ConvexClient
client = ConvexClient(sys.argv[1])
client.set_auth(sys.argv[2])
print(json.dumps(client.query("messages:identity")))
"""


def test_a_valid_token_over_the_websocket(server: DevServer, issuer: Issuer,
                                          keys: dict[str, rsa.RSAPrivateKey]) -> None:
    done = subprocess.run([sys.executable, "-c", _WS_QUERY, server.url, _valid_token(issuer, keys, "ws-user")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    _check_identity(json.loads(done.stdout), issuer, "ws-user")


def test_each_bad_token_is_refused_with_its_own_reason(server: DevServer, issuer: Issuer,
                                                       keys: dict[str, rsa.RSAPrivateKey]) -> None:
    bad = _bad_tokens(issuer, keys)
    reasons = set()
    for name, (token, reason) in bad.items():
        response = httpx.post(f"{server.url}/api/query", json={"path": "messages:whoami", "args": {}},
                              headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (name, response.text)
        assert response.json() == {"code": "Unauthenticated", "message": reason}, name
        _assert_not_leaked(token, response.text)
        reasons.add(reason)
        # the PyPI HTTP client shows the status, the code and the reason
        client = ConvexHttpClient(server.url)
        client.set_auth(token)
        with pytest.raises(Exception) as info:
            client.query("messages:whoami")
        assert str(info.value) == f"401 Unauthenticated: {reason}", name
    assert len(reasons) == len(bad) == 10
    # the npm HTTP client throws with the server's body
    result = run_node("http_client.mjs", "tokens", server.url, json.dumps({n: t for n, (t, _r) in bad.items()}))
    assert result["ok"], result.get("error")
    for name, (token, reason) in bad.items():
        error = result["facts"][name]["error"]
        assert json.loads(error) == {"code": "Unauthenticated", "message": reason}, name
        _assert_not_leaked(token, error)


def test_dev_tokens_from_the_cli_work(server: DevServer) -> None:
    done = subprocess.run([ALBERTPLUS, "token", "--dir", str(server.project_dir), "--subject", "dev-user",
                           "--claims", '{"is_admin": true, "email": "dev@nyu.edu"}'],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    client = ConvexHttpClient(server.url)
    client.set_auth(token)
    identity = client.query("messages:identity")
    assert identity["subject"] == "dev-user" and identity["is_admin"] is True and identity["email"] == "dev@nyu.edu"
    assert identity["tokenIdentifier"] == f"{identity['issuer']}|dev-user"
    expired = server.token("dev-user", expires_in=-3600)
    response = httpx.post(f"{server.url}/api/query", json={"path": "messages:whoami", "args": {}},
                          headers={"Authorization": f"Bearer {expired}"})
    assert response.json() == {"code": "Unauthenticated", "message": "token expired"}


def test_dev_tokens_need_no_network_and_an_unreachable_issuer_is_a_clear_error(
    tmp_path_factory: pytest.TempPathFactory, keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    unreachable = "http://127.0.0.1:9"  # nothing listens there
    project = protocol_project(tmp_path_factory.mktemp("offline"))
    with DevServer(project, env={"TEST_OIDC_DOMAIN": unreachable}) as server:
        client = ConvexHttpClient(server.url)
        client.set_auth(server.token("offline-user"))
        assert client.query("messages:whoami") == "offline-user"
        token = sign(keys["k1"], "k1", claims_for(unreachable))
        response = httpx.post(f"{server.url}/api/query", json={"path": "messages:whoami", "args": {}},
                              headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 401
        message = response.json()["message"]
        assert message.startswith(f"could not fetch keys for issuer '{unreachable}'"), message
        _assert_not_leaked(token, message)


def test_cached_keys_keep_working_when_the_issuer_goes_away(server: DevServer, issuer: Issuer,
                                                            keys: dict[str, rsa.RSAPrivateKey]) -> None:
    """Last in the module: it stops the shared issuer."""
    client = ConvexHttpClient(server.url)
    client.set_auth(_valid_token(issuer, keys, "before-outage"))
    assert client.query("messages:whoami") == "before-outage"
    issuer.stop()
    client.set_auth(_valid_token(issuer, keys, "during-outage"))  # a new token, signed by the cached key
    assert client.query("messages:whoami") == "during-outage"
