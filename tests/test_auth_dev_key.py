"""The dev signing key: a private, stable key whose tokens `build_verifier` trusts offline."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
import time
from pathlib import Path

import jwt
import pytest

from albertplus_cli.auth import DEV_ISSUER, DevSigningKey, build_verifier


def _b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_key_file_private_stable_and_kid_is_rfc7638(tmp_path: Path) -> None:
    key = DevSigningKey.load_or_create(tmp_path / "state")
    path = tmp_path / "state" / "dev_signing_key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = DevSigningKey.load_or_create(tmp_path / "state")
    assert again.kid == key.kid
    numbers = key.private_key.public_key().public_numbers()
    members = json.dumps(
        {"e": _b64_uint(numbers.e), "kty": "RSA", "n": _b64_uint(numbers.n)}, separators=(",", ":")
    )
    expected = base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).rstrip(b"=").decode()
    assert key.kid == expected


def test_sign_claims(tmp_path: Path) -> None:
    key = DevSigningKey.load_or_create(tmp_path)
    token = key.sign("user_1", {"is_admin": True, "email": "a@b"}, expires_in=120)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == key.kid
    claims = jwt.decode(token, key.private_key.public_key(), algorithms=["RS256"], audience="convex")
    assert claims["iss"] == DEV_ISSUER and claims["sub"] == "user_1" and claims["is_admin"] is True
    assert claims["nbf"] == claims["iat"] and claims["exp"] == claims["iat"] + 120
    assert abs(claims["iat"] - time.time()) < 5
    with pytest.raises(ValueError, match="iss"):
        key.sign("u", {"iss": "https://elsewhere"})
    with pytest.raises(ValueError):
        key.sign("")


def test_build_verifier_trusts_dev_key_without_config(tmp_path: Path) -> None:
    verifier = build_verifier(tmp_path, tmp_path / ".albertplus")
    assert verifier.issuers == [DEV_ISSUER]
    key = DevSigningKey.load_or_create(tmp_path / ".albertplus")
    assert verifier.verify(key.sign("u", {"is_admin": True}))["is_admin"] is True


def test_corrupt_key_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "dev_signing_key.pem").write_text("garbage")
    with pytest.raises(ValueError, match="delete it"):
        DevSigningKey.load_or_create(tmp_path)
