"""TokenVerifier against real issuers: an OIDC issuer served over HTTP on 127.0.0.1 (discovery + JWKS),
and customJwt providers whose keys come from a file, a data: URI and a URL. Tokens are signed with PyJWT
using keys generated here; every refusal must carry its own reason and never quote the token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from oidc_issuer import Issuer, b64url, claims_for, public_jwk, serve_issuer, sign

from albertplus_cli.auth import AuthenticationError, KeyFetchError, TokenVerifier, load_providers

# -- keys and tokens ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_keys() -> dict[str, rsa.RSAPrivateKey]:
    return {
        name: rsa.generate_private_key(public_exponent=65537, key_size=2048) for name in ("k1", "k2", "evil")
    }


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def refuse(verifier: TokenVerifier, token: str) -> str:
    """The refusal reason; also checks that it does not leak the token or its signature."""
    with pytest.raises(AuthenticationError) as info:
        verifier.verify(token)
    message = str(info.value)
    assert message == info.value.reason
    if len(token) > 12:
        assert token not in message
    signature = token.rsplit(".", 1)[-1]
    if len(signature) > 8:
        assert signature not in message
    return message


# -- a real OIDC issuer (tests/oidc_issuer.py) ------------------------------------------------------


@pytest.fixture
def issuer(rsa_keys: dict[str, rsa.RSAPrivateKey]) -> Iterator[Issuer]:
    state = serve_issuer({"keys": [public_jwk(rsa_keys["k1"], "k1")]})
    yield state
    state.stop()


def custom_jwt(issuer: str, jwks: str, algorithm: str = "RS256") -> dict[str, str]:
    return {"type": "customJwt", "issuer": issuer, "jwks": jwks, "algorithm": algorithm}


def project_with(tmp_path: Path, providers_source: str) -> Path:
    (tmp_path / "functions").mkdir(exist_ok=True)
    (tmp_path / "functions" / "auth.config.py").write_text(providers_source)
    return tmp_path


@pytest.fixture
def oidc_verifier(tmp_path: Path, issuer: Issuer) -> TokenVerifier:
    project = project_with(
        tmp_path, f'providers = [{{"domain": "{issuer.base_url}/", "applicationID": "convex"}}]\n'
    )
    return TokenVerifier(load_providers(project), min_refresh_interval=0)


# -- accepted tokens ------------------------------------------------------------------------------------


def test_oidc_token_verifies_and_maps_to_convex_identity(
    oidc_verifier: TokenVerifier, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    claims = claims_for(
        issuer.base_url,
        sub="user_2abc",
        jti="j-1",
        is_admin=True,
        email="ada@nyu.edu",
        email_verified=True,
        given_name="Ada",
        family_name="Lovelace",
        name="Ada Lovelace",
        picture="https://img/ada.png",
        preferred_username="ada",
        locale="en",
        zoneinfo="America/New_York",
        birthdate="1815-12-10",
        updated_at=1700000000,
        org={"id": "nyu", "roles": ["student"]},
    )
    token = sign(rsa_keys["k1"], "k1", claims)
    identity = oidc_verifier.verify(token)
    assert identity == {
        "tokenIdentifier": f"{issuer.base_url}|user_2abc",
        "subject": "user_2abc",
        "issuer": issuer.base_url,
        "is_admin": True,
        "email": "ada@nyu.edu",
        "emailVerified": True,
        "givenName": "Ada",
        "familyName": "Lovelace",
        "name": "Ada Lovelace",
        "pictureUrl": "https://img/ada.png",
        "preferredUsername": "ada",
        "language": "en",
        "timezone": "America/New_York",
        "birthday": "1815-12-10",
        "updatedAt": 1700000000,
        "org": {"id": "nyu", "roles": ["student"]},
    }
    # discovery, then the JWKS it points to
    assert issuer.requests == ["/.well-known/openid-configuration", "/jwks.json"]
    # a second verification of the same token needs no network and returns an independent copy
    identity["email"] = "changed"
    assert oidc_verifier.verify(token)["email"] == "ada@nyu.edu"
    assert len(issuer.requests) == 2


def test_issuer_trailing_slash_and_leeway(
    oidc_verifier: TokenVerifier, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    now = int(time.time())
    # iss with a trailing slash matches the configured domain too; expired 10 s ago is within the leeway
    token = sign(
        rsa_keys["k1"], "k1", claims_for(issuer.base_url + "/", exp=now - 10, aud=["other", "convex"])
    )
    assert oidc_verifier.verify(token)["issuer"] == issuer.base_url + "/"


@pytest.mark.parametrize("source", ["file", "data_uri", "url"])
def test_custom_jwt_provider_key_sources(
    source: str, tmp_path: Path, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    jwks = {"keys": [public_jwk(rsa_keys["k2"], "custom-1")]}
    if source == "file":
        (tmp_path / "keys").mkdir()
        (tmp_path / "keys" / "jwks.json").write_text(json.dumps(jwks))
        location = "keys/jwks.json"  # relative to the project directory
    elif source == "data_uri":
        location = "data:application/json;base64," + base64.b64encode(json.dumps(jwks).encode()).decode()
    else:
        issuer.jwks = jwks
        location = issuer.base_url + "/jwks.json"
    project = project_with(
        tmp_path,
        "providers = [{'type': 'customJwt', 'issuer': 'https://auth.example.com', "
        f"'jwks': {location!r}, 'algorithm': 'RS256', 'applicationID': 'convex'}}]\n",
    )
    verifier = TokenVerifier(load_providers(project))
    token = sign(rsa_keys["k2"], "custom-1", claims_for("https://auth.example.com", sub="u9", plan="pro"))
    assert verifier.verify(token) == {
        "tokenIdentifier": "https://auth.example.com|u9",
        "subject": "u9",
        "issuer": "https://auth.example.com",
        "plan": "pro",
    }
    # the provider pins RS256: an ES256 token for the same issuer is refused before any key is used
    assert "expected RS256" in refuse(
        verifier,
        sign(
            ec.generate_private_key(ec.SECP256R1()),
            "custom-1",
            claims_for("https://auth.example.com"),
            "ES256",
        ),
    )


def test_es256_custom_jwt(tmp_path: Path, ec_key: ec.EllipticCurvePrivateKey) -> None:
    (tmp_path / "ec.json").write_text(json.dumps({"keys": [public_jwk(ec_key, "ec-1", "ES256")]}))
    project = project_with(
        tmp_path,
        "providers = [{'type': 'customJwt', 'issuer': 'https://es.example.com', "
        f"'jwks': {str(tmp_path / 'ec.json')!r}, 'algorithm': 'ES256'}}]\n",
    )
    verifier = TokenVerifier(load_providers(project))
    token = sign(ec_key, "ec-1", claims_for("https://es.example.com", aud="anything"), alg="ES256")
    assert (
        verifier.verify(token)["tokenIdentifier"] == "https://es.example.com|user_1"
    )  # no applicationID: aud free
    other = ec.generate_private_key(ec.SECP256R1())
    assert (
        refuse(verifier, sign(other, "ec-1", claims_for("https://es.example.com"), alg="ES256"))
        == "invalid signature"
    )
    p384 = ec.generate_private_key(ec.SECP384R1())
    assert "expected ES256" in refuse(
        verifier, sign(p384, "ec-1", claims_for("https://es.example.com"), alg="ES384")
    )


def test_jwks_without_kid_serves_tokens_with_or_without_kid(
    tmp_path: Path, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    jwk = public_jwk(rsa_keys["k1"], "x")
    del jwk["kid"]
    uri = "data:application/json," + json.dumps({"keys": [jwk]}).replace(" ", "%20")
    verifier = TokenVerifier(
        load_providers(
            project_with(tmp_path, f"providers = [{custom_jwt('i', uri)!r}]"),
        )
    )
    assert verifier.verify(sign(rsa_keys["k1"], None, claims_for("i")))["subject"] == "user_1"
    assert verifier.verify(sign(rsa_keys["k1"], "whatever", claims_for("i", sub="u2")))["subject"] == "u2"


# -- refused tokens ---------------------------------------------------------------------------------------


def test_each_refusal_has_its_own_reason(
    oidc_verifier: TokenVerifier, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    iss = issuer.base_url
    k1 = rsa_keys["k1"]
    now = int(time.time())
    assert refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, exp=now - 120))) == "token expired"
    assert (
        refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, nbf=now + 600, exp=now + 900)))
        == "token not yet valid"
    )
    assert (
        refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, iat=now + 600))) == "token issued in the future"
    )
    assert refuse(oidc_verifier, sign(k1, "k1", claims_for("https://evil.example.com"))) == (
        "issuer 'https://evil.example.com' is not trusted"
    )
    assert refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, aud="x"))) == "audience 'x' is not 'convex'"
    assert refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, aud=None))) == (
        "token has no 'aud' claim (expected 'convex')"
    )
    assert (
        refuse(oidc_verifier, sign(k1, "nope", claims_for(iss)))
        == f"unknown key id 'nope' for issuer '{iss}/'"
    )
    assert refuse(oidc_verifier, sign(rsa_keys["evil"], "k1", claims_for(iss))) == "invalid signature"
    assert refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, sub=None))) == "token has no 'sub' claim"
    assert refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, exp=None))) == "token has no 'exp' claim"
    assert refuse(oidc_verifier, sign(k1, "k1", claims_for(iss, exp="tomorrow"))) == (
        "malformed token: 'exp' must be a number"
    )


def test_alg_none_is_refused(oidc_verifier: TokenVerifier, issuer: Issuer) -> None:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims_for(issuer.base_url)).encode())
    for alg_none_token in (f"{header}.{payload}.", f"{header}.{payload}.c2ln"):
        assert refuse(oidc_verifier, alg_none_token) == "algorithm 'none' is not allowed"
    header = b64url(json.dumps({"alg": "NONE"}).encode())
    assert refuse(oidc_verifier, f"{header}.{payload}.") == "algorithm 'none' is not allowed"


def test_hs256_signed_with_the_public_key_is_refused(
    oidc_verifier: TokenVerifier, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    # The classic key-confusion attack: HMAC with the issuer's *public* key PEM as the secret.
    pem = (
        rsa_keys["k1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    payload = b64url(json.dumps(claims_for(issuer.base_url)).encode())
    signature = b64url(hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    message = refuse(oidc_verifier, f"{header}.{payload}.{signature}")
    assert (
        message
        == f"algorithm 'HS256' is not allowed for issuer '{issuer.base_url}' (expected RS256 or ES256)"
    )
    assert issuer.requests == []  # refused before any key was fetched


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-jwt",
        "a.b",
        "a.b.c.d",
        "!!!.@@@.###",
        b64url(b"[1,2]") + "." + b64url(b"{}") + ".sig",
        b64url(b'{"alg":"RS256"}') + "." + b64url(b"not json") + ".sig",
        b64url(b'{"typ":"JWT"}') + "." + b64url(b'{"iss":"x"}') + ".sig",
        "ünïcode.tökén.sig",
    ],
)
def test_malformed_tokens(oidc_verifier: TokenVerifier, token: str) -> None:
    assert refuse(oidc_verifier, token).startswith("malformed token")


def test_missing_iss_is_refused(oidc_verifier: TokenVerifier, rsa_keys: dict[str, rsa.RSAPrivateKey]) -> None:
    assert refuse(oidc_verifier, sign(rsa_keys["k1"], "k1", {"sub": "u", "exp": time.time() + 60})) == (
        "token has no 'iss' claim"
    )


# -- key cache: rotation, rate limit, outages, threads -------------------------------------------------


def test_key_rotation_refetches_the_jwks(
    oidc_verifier: TokenVerifier, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    assert (
        oidc_verifier.verify(sign(rsa_keys["k1"], "k1", claims_for(issuer.base_url)))["subject"] == "user_1"
    )
    issuer.jwks = {"keys": [public_jwk(rsa_keys["k1"], "k1"), public_jwk(rsa_keys["k2"], "k2")]}
    identity = oidc_verifier.verify(sign(rsa_keys["k2"], "k2", claims_for(issuer.base_url, sub="rotated")))
    assert identity["subject"] == "rotated"
    assert issuer.count("/jwks.json") == 2


def test_unknown_kid_refetch_is_rate_limited(
    tmp_path: Path, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    project = project_with(
        tmp_path, f'providers = [{{"domain": "{issuer.base_url}", "applicationID": "convex"}}]'
    )
    verifier = TokenVerifier(load_providers(project))  # default: at most one refetch per 10 s
    assert verifier.verify(sign(rsa_keys["k1"], "k1", claims_for(issuer.base_url)))
    for attempt in range(5):
        token = sign(rsa_keys["k2"], f"random-{attempt}", claims_for(issuer.base_url))
        assert refuse(verifier, token) == f"unknown key id 'random-{attempt}' for issuer '{issuer.base_url}'"
    assert issuer.count("/jwks.json") == 1


def test_cached_keys_survive_an_issuer_outage(
    oidc_verifier: TokenVerifier, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    assert oidc_verifier.verify(sign(rsa_keys["k1"], "k1", claims_for(issuer.base_url)))
    issuer.stop()
    # a new token (not in the verified-token cache) signed by a cached key still verifies
    assert (
        oidc_verifier.verify(sign(rsa_keys["k1"], "k1", claims_for(issuer.base_url, sub="later")))["subject"]
        == "later"
    )
    # an unknown kid needs a refetch, which cannot happen now
    with pytest.raises(KeyFetchError) as info:
        oidc_verifier.verify(sign(rsa_keys["k2"], "k2", claims_for(issuer.base_url)))
    assert str(info.value).startswith(f"could not fetch keys for issuer '{issuer.base_url}/': ConnectError")


def test_unreachable_issuer_and_bad_documents(
    tmp_path: Path, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    token_for = lambda iss: sign(rsa_keys["k1"], "k1", claims_for(iss))  # noqa: E731
    # a JWKS URL that answers 404
    entries = [
        custom_jwt("a", issuer.base_url + "/missing.json"),
        custom_jwt("b", "data:application/json,not-json"),
    ]
    project = project_with(tmp_path, f"providers = {entries!r}")
    verifier = TokenVerifier(load_providers(project), http_timeout=1.0)
    assert (
        refuse(verifier, token_for("a"))
        == f"could not fetch keys for issuer 'a': HTTP 404 from {issuer.base_url}/missing.json"
    )
    assert (
        refuse(verifier, token_for("b"))
        == "could not fetch keys for issuer 'b': the JWKS data: URI is not valid JSON"
    )
    # a failed fetch is not retried at once: the same reason comes back without a new request
    before = len(issuer.requests)
    assert refuse(verifier, token_for("a")).startswith("could not fetch keys for issuer 'a': HTTP 404")
    assert len(issuer.requests) == before


def test_concurrent_first_use_fetches_once(
    oidc_verifier: TokenVerifier, issuer: Issuer, rsa_keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    tokens = [sign(rsa_keys["k1"], "k1", claims_for(issuer.base_url, sub=f"u{i}")) for i in range(16)]
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(tokens))

    def work(token: str) -> None:
        barrier.wait()
        try:
            results.append(oidc_verifier.verify(token)["subject"])
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not errors
    assert sorted(results) == sorted(f"u{i}" for i in range(16))
    assert issuer.count("/jwks.json") == 1
