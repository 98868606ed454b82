"""The admin key file and credentials -> Identity (HTTP Authorization header and sync Authenticate)."""

from __future__ import annotations

import base64
import json
import re
import stat
import threading
from collections.abc import Mapping
from pathlib import Path

import pytest

from albertplus_cli.auth import (
    ADMIN,
    ANONYMOUS,
    DEV_ISSUER,
    AuthenticationError,
    DevSigningKey,
    Identity,
    InvalidAuthHeader,
    TokenVerifier,
    build_verifier,
    identity_for_authenticate_message,
    load_or_create_admin_key,
    parse_authorization,
)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "proj" / ".albertplus"


@pytest.fixture
def admin_key(state: Path) -> str:
    return load_or_create_admin_key(state)


@pytest.fixture
def dev_key(state: Path) -> DevSigningKey:
    return DevSigningKey.load_or_create(state)


@pytest.fixture
def verifier(state: Path, dev_key: DevSigningKey) -> TokenVerifier:
    return build_verifier(state.parent, state)


def b64json(value: object) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def test_admin_key_file_is_private_and_stable(state: Path) -> None:
    key = load_or_create_admin_key(state)  # creates the state directory too
    assert re.fullmatch(r"albertplus\|[0-9a-f]{64}", key)
    path = state / "admin_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_admin_key(state) == key
    assert path.read_text().strip() == key
    assert not [p for p in state.iterdir() if p.name != "admin_key"]  # no temporary files left behind


def test_admin_key_concurrent_creation_agrees(tmp_path: Path) -> None:
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        barrier.wait()
        keys.append(load_or_create_admin_key(tmp_path / "s"))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1


def test_admin_key_loose_permissions_are_tightened(state: Path) -> None:
    load_or_create_admin_key(state)
    (state / "admin_key").chmod(0o644)
    load_or_create_admin_key(state)
    assert stat.S_IMODE((state / "admin_key").stat().st_mode) == 0o600


def test_parse_authorization(admin_key: str, dev_key: DevSigningKey, verifier: TokenVerifier) -> None:
    def parse(header: str | None, **kw: str) -> Identity:
        return parse_authorization(header, admin_key=admin_key, verifier=verifier, **kw)

    assert parse(None) is ANONYMOUS and parse("") is ANONYMOUS and parse("   ") is ANONYMOUS
    token = dev_key.sign("user_7", {"is_admin": True})
    for header in (f"Bearer {token}", f"bearer {token}", f"BEARER  {token} "):
        identity = parse(header)
        assert identity.kind == "user" and not identity.is_admin
        assert identity.user == {
            "tokenIdentifier": f"{DEV_ISSUER}|user_7",
            "subject": "user_7",
            "issuer": DEV_ISSUER,
            "is_admin": True,
        }
    assert parse(f"Convex {admin_key}") == ADMIN
    assert parse(f"convex {admin_key}") == ADMIN
    assert parse(None, admin_key_param=admin_key) == ADMIN

    acting = parse(
        f"Convex {admin_key}:{b64json({'subject': 'user_9', 'issuer': 'https://i', 'email': 'x@y'})}"
    )
    assert acting.is_admin
    assert acting.user == {
        "subject": "user_9",
        "issuer": "https://i",
        "email": "x@y",
        "tokenIdentifier": "https://i|user_9",
    }
    url_safe = base64.urlsafe_b64encode(json.dumps({"subject": "ü?>>"}).encode()).decode().rstrip("=")
    acting = parse(f"Convex {admin_key}:{url_safe}")
    assert acting.user is not None and acting.user["tokenIdentifier"] == f"{DEV_ISSUER}|ü?>>"


def test_parse_authorization_refusals(
    admin_key: str, dev_key: DevSigningKey, verifier: TokenVerifier
) -> None:
    def refusal(header: str, **kw: str) -> AuthenticationError:
        with pytest.raises(AuthenticationError) as info:
            parse_authorization(header, admin_key=admin_key, verifier=verifier, **kw)
        assert admin_key not in str(info.value)
        return info.value

    wrong = "albertplus|" + "0" * 64
    for header in (f"Convex {wrong}", f"Convex {wrong}:{b64json({'subject': 'u'})}", f"Convex {admin_key}x"):
        error = refusal(header)
        assert type(error) is AuthenticationError and error.code == "Unauthenticated"
        assert str(error) == "The provided admin key is invalid" and wrong not in str(error)
    assert str(refusal("", admin_key_param=wrong)) == "The provided admin key is invalid"

    for header in ("Basic dXNlcjpwYXNz", "Token abc", "Bearer", f"{admin_key}"):
        error = refusal(header)
        assert isinstance(error, InvalidAuthHeader) and error.code == "InvalidAuthHeader"
    assert str(refusal("Basic dXNlcjpwYXNz")) == "Header must begin with `bearer ` or `Convex `"

    assert isinstance(refusal(f"Convex {admin_key}:%%%not-base64"), InvalidAuthHeader)
    assert isinstance(refusal(f"Convex {admin_key}:{b64json([1, 2])}"), InvalidAuthHeader)
    assert "subject" in str(refusal(f"Convex {admin_key}:{b64json({'email': 'x'})}"))

    expired = dev_key.sign("u", expires_in=-3600)
    error = refusal(f"Bearer {expired}")
    assert str(error) == "token expired" and expired not in str(error)
    other = DevSigningKey.generate().sign("u")  # same issuer, a key this project never made
    assert str(refusal(f"Bearer {other}")).startswith("unknown key id")


def test_authenticate_message(admin_key: str, dev_key: DevSigningKey, verifier: TokenVerifier) -> None:
    def identity(msg: Mapping[str, object]) -> Identity:
        return identity_for_authenticate_message(msg, admin_key=admin_key, verifier=verifier)

    assert identity({"type": "Authenticate", "tokenType": "None", "baseVersion": 1}) is ANONYMOUS
    user = identity(
        {"type": "Authenticate", "tokenType": "User", "value": dev_key.sign("u1"), "baseVersion": 0}
    )
    assert user.kind == "user" and user.user is not None and user.user["subject"] == "u1"
    assert (
        identity({"type": "Authenticate", "tokenType": "Admin", "value": admin_key, "baseVersion": 0})
        == ADMIN
    )
    for field in ("impersonating", "acting_as"):
        acting = identity(
            {"tokenType": "Admin", "value": admin_key, field: {"subject": "u2", "issuer": "https://i"}}
        )
        assert (
            acting.is_admin and acting.user is not None and acting.user["tokenIdentifier"] == "https://i|u2"
        )

    for bad, reason in [
        ({"tokenType": "Admin", "value": "nope"}, "The provided admin key is invalid"),
        ({"tokenType": "User", "value": "x.y.z"}, "malformed token"),
        ({"tokenType": "User"}, "Authenticate message has no token 'value'"),
        ({"tokenType": "Admin", "value": admin_key, "impersonating": "u"}, "must be a JSON object"),
        ({"tokenType": "Weird"}, "unknown tokenType 'Weird'"),
    ]:
        with pytest.raises(AuthenticationError) as info:
            identity(bad)
        assert reason in str(info.value)
