"""Who is calling a function, and how a verified JWT becomes Convex's `UserIdentity`.

The executor needs two separate facts about a caller: whether it has admin powers (may call internal
functions, `/api/function`, act as someone else) and which user `ctx.auth.get_user_identity()` should
return. An `Identity` carries both, so an admin acting as a user is simply
`Identity("admin", user={...})`. `cache_key()` lets the sync layer share one subscription between
callers whose identities are equal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

IdentityKind = Literal["anonymous", "user", "admin"]

# OIDC standard claim -> Convex UserIdentity field (convex/server `UserIdentity`).
OIDC_CLAIM_NAMES: Mapping[str, str] = {
    "name": "name",
    "given_name": "givenName",
    "family_name": "familyName",
    "nickname": "nickname",
    "preferred_username": "preferredUsername",
    "profile": "profileUrl",
    "picture": "pictureUrl",
    "email": "email",
    "email_verified": "emailVerified",
    "gender": "gender",
    "birthdate": "birthday",
    "zoneinfo": "timezone",
    "locale": "language",
    "phone_number": "phoneNumber",
    "phone_number_verified": "phoneNumberVerified",
    "address": "address",
    "updated_at": "updatedAt",
}

# Registered JWT claims that do not reach the identity (iss/sub become issuer/subject).
REGISTERED_CLAIMS: frozenset[str] = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces) used for hashing identities."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Identity:
    """Who is calling a function.

    `user` is what `ctx.auth.get_user_identity()` returns: the verified token's identity for a user, the
    acted-as identity for an admin acting as a user, `None` for anonymous callers and a plain admin.
    """

    kind: IdentityKind
    user: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("anonymous", "user", "admin"):
            raise ValueError(f"unknown identity kind {self.kind!r}")
        if self.kind == "anonymous" and self.user is not None:
            raise ValueError("an anonymous identity has no user")
        if self.kind == "user" and self.user is None:
            raise ValueError("a user identity needs its user attributes")
        if self.user is not None:
            # Own a copy so later changes to the caller's dict cannot alter this identity.
            object.__setattr__(self, "user", dict(self.user))

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"

    @property
    def token_identifier(self) -> str | None:
        """The user's `tokenIdentifier`, if `ctx.auth` sees a user."""
        if self.user is None:
            return None
        value = self.user.get("tokenIdentifier")
        return value if isinstance(value, str) else None

    def cache_key(self) -> str:
        """A stable string, equal for equal identities (used to share subscriptions)."""
        if self.user is None:
            return "anon" if self.kind == "anonymous" else "admin"
        digest = hashlib.sha256(canonical_json(dict(self.user)).encode()).hexdigest()
        prefix = "user" if self.kind == "user" else "admin-as"
        return f"{prefix}:{self.token_identifier or ''}|{digest}"

    def __hash__(self) -> int:
        return hash(self.cache_key())


ANONYMOUS = Identity("anonymous")
ADMIN = Identity("admin")


def identity_from_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """Convex's `UserIdentity` for the claims of a verified JWT.

    `tokenIdentifier` is `"<iss>|<sub>"`; OIDC standard claims get Convex's camelCase names; every other
    (custom) claim is kept under its own name, e.g. `is_admin`; the registered claims aud/exp/nbf/iat/jti
    are dropped (iss and sub are represented by `issuer` and `subject`).
    """
    issuer = claims.get("iss")
    subject = claims.get("sub")
    identity: dict[str, Any] = {
        "tokenIdentifier": f"{issuer}|{subject}",
        "subject": subject,
        "issuer": issuer,
    }
    for claim, value in claims.items():
        if claim in REGISTERED_CLAIMS:
            continue
        if claim in OIDC_CLAIM_NAMES:
            identity[OIDC_CLAIM_NAMES[claim]] = value
        elif claim not in identity:
            identity[claim] = value
    return identity


def normalize_user_attributes(
    attributes: Mapping[str, Any], *, default_issuer: str | None = None
) -> dict[str, Any]:
    """Complete a `UserIdentityAttributes` object (what an admin acting as a user supplies).

    `subject` is required (a string). A missing `issuer` becomes `default_issuer` when one is given (the
    server passes the dev-key issuer, so acting as `{"subject": "u"}` looks like `albertplus token
    --subject u`), and a missing `tokenIdentifier` becomes `"<issuer>|<subject>"`, as Convex does.
    Raises `ValueError` with a readable reason otherwise.
    """
    user = dict(attributes)
    subject = user.get("subject")
    if not isinstance(subject, str) or not subject:
        raise ValueError("the acted-as identity needs a non-empty string 'subject'")
    issuer = user.get("issuer")
    if issuer is None and default_issuer is not None:
        issuer = user["issuer"] = default_issuer
    if not isinstance(issuer, str) or not issuer:
        raise ValueError("the acted-as identity needs a non-empty string 'issuer'")
    token_identifier = user.get("tokenIdentifier")
    if token_identifier is None:
        user["tokenIdentifier"] = f"{issuer}|{subject}"
    elif not isinstance(token_identifier, str):
        raise ValueError("the acted-as identity's 'tokenIdentifier' must be a string")
    return user
