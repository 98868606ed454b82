"""The project's admin key, and turning credentials (HTTP header or sync `Authenticate`) into an Identity.

The admin key lives in `<project>/.albertplus/admin_key` (mode 0600), created on first use as
`albertplus|<64 hex>`. It has no ':' because Convex's header form `Convex <key>:<base64 identity>` uses
the first ':' to separate the key from the identity an admin acts as. Keys are compared in constant time.

Header forms (Convex's `authentication.rs`):
    (none)                          -> anonymous (or the `adminKey` query parameter, if given)
    Bearer <jwt>                    -> the verified user
    Convex <admin key>              -> admin
    Convex <admin key>:<b64 JSON>   -> admin acting as that user (UserIdentityAttributes)
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .dev_key import DEV_ISSUER
from .errors import AuthenticationError, InvalidAuthHeader
from .identity import ADMIN, ANONYMOUS, Identity, normalize_user_attributes
from .secure_file import read_or_create_private_file
from .verifier import TokenVerifier

ADMIN_KEY_FILE = "admin_key"
ADMIN_KEY_PREFIX = "albertplus|"
INVALID_ADMIN_KEY = "The provided admin key is invalid"
BAD_HEADER = "Header must begin with `bearer ` or `Convex `"


def generate_admin_key() -> str:
    return ADMIN_KEY_PREFIX + secrets.token_hex(32)


def load_or_create_admin_key(state_dir: Path) -> str:
    """The key in `<state_dir>/admin_key`, created atomically with mode 0600 (and the dir) if missing."""
    path = Path(state_dir) / ADMIN_KEY_FILE
    data = read_or_create_private_file(path, (generate_admin_key() + "\n").encode())
    key = data.decode("utf-8", errors="replace").strip()
    if not key or any(c.isspace() for c in key) or ":" in key:
        raise ValueError(f"{path} does not hold a valid admin key (one line, no spaces or ':'); delete it")
    return key


def admin_key_matches(candidate: str, admin_key: str) -> bool:
    """Constant-time comparison of a presented key with the real one."""
    return hmac.compare_digest(candidate.encode("utf-8"), admin_key.encode("utf-8"))


def parse_authorization(
    header: str | None,
    *,
    admin_key: str,
    verifier: TokenVerifier,
    admin_key_param: str | None = None,
) -> Identity:
    """The identity an HTTP request's `Authorization` header (or `adminKey` query parameter) gives.

    Raises `InvalidAuthHeader` for a header of another scheme and `AuthenticationError` for a refused
    token or admin key.
    """
    if header is None or not header.strip():
        if admin_key_param:
            return _admin_identity(admin_key_param, admin_key=admin_key)
        return ANONYMOUS
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() == "bearer":
        if not credential:
            raise InvalidAuthHeader("The bearer token is empty")
        return Identity("user", verifier.verify(credential))
    if scheme.lower() == "convex":
        if not credential:
            raise InvalidAuthHeader("The admin key is empty")
        key, sep, encoded = credential.partition(":")
        if not admin_key_matches(key, admin_key):  # check the key before looking at anything else
            raise AuthenticationError(INVALID_ADMIN_KEY)
        acting_as = _decode_acting_as(encoded) if sep else None
        return _admin_identity(key, admin_key=admin_key, acting_as=acting_as)
    raise InvalidAuthHeader(BAD_HEADER)


def identity_for_authenticate_message(
    msg: Mapping[str, Any], *, admin_key: str, verifier: TokenVerifier
) -> Identity:
    """The identity a sync-protocol `Authenticate` message sets.

    `{"tokenType": "User", "value": jwt}`, `{"tokenType": "Admin", "value": key, "impersonating" |
    "acting_as": {...}}` (JS and Rust spell it differently), `{"tokenType": "None"}`.
    """
    token_type = msg.get("tokenType")
    if token_type == "None":
        return ANONYMOUS
    value = msg.get("value")
    if token_type == "User":
        if not isinstance(value, str) or not value:
            raise AuthenticationError("Authenticate message has no token 'value'")
        return Identity("user", verifier.verify(value))
    if token_type == "Admin":
        if not isinstance(value, str) or not value:
            raise AuthenticationError("Authenticate message has no admin key 'value'")
        acting_as = msg.get("impersonating")
        if acting_as is None:
            acting_as = msg.get("acting_as")
        if acting_as is not None and not isinstance(acting_as, Mapping):
            raise AuthenticationError("the acted-as identity must be a JSON object")
        return _admin_identity(value, admin_key=admin_key, acting_as=acting_as)
    # Not str() of the value itself: a hostile tokenType nested ~1000 levels deep made that a RecursionError.
    shown = token_type[:40] if isinstance(token_type, str) else type(token_type).__name__
    raise AuthenticationError(f"unknown tokenType {shown!r} (expected User, Admin or None)")


def _admin_identity(key: str, *, admin_key: str, acting_as: Mapping[str, Any] | None = None) -> Identity:
    if not admin_key_matches(key, admin_key):
        raise AuthenticationError(INVALID_ADMIN_KEY)
    if acting_as is None:
        return ADMIN
    try:
        user = normalize_user_attributes(acting_as, default_issuer=DEV_ISSUER)
    except ValueError as exc:
        raise AuthenticationError(str(exc)) from None
    return Identity("admin", user=user)


def _decode_acting_as(encoded: str) -> dict[str, Any]:
    """Decode the base64 JSON `UserIdentityAttributes` after the admin key (standard or URL-safe)."""
    text = encoded.strip()
    try:
        altchars = b"-_" if ("-" in text or "_" in text) else None
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=altchars)
        value = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidAuthHeader(
            "The acted-as identity after the admin key is not base64-encoded JSON"
        ) from None
    if not isinstance(value, dict):
        raise InvalidAuthHeader("The acted-as identity after the admin key must be a JSON object")
    return value
