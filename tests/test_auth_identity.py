"""Identity values and the JWT-claims -> Convex UserIdentity mapping."""

from __future__ import annotations

import pytest

from albertplus_cli.auth import ADMIN, ANONYMOUS, Identity, identity_from_claims, normalize_user_attributes


def test_identity_from_claims_renames_oidc_claims_and_keeps_custom_ones() -> None:
    claims = {
        "iss": "https://clerk.example.com",
        "sub": "user_1",
        "aud": "convex",
        "exp": 2,
        "nbf": 1,
        "iat": 1,
        "jti": "j",
        "name": "N",
        "given_name": "G",
        "family_name": "F",
        "nickname": "nick",
        "preferred_username": "pu",
        "profile": "https://p",
        "picture": "https://pic",
        "email": "e@x",
        "email_verified": False,
        "gender": "g",
        "birthdate": "2000-01-01",
        "zoneinfo": "UTC",
        "locale": "fr",
        "phone_number": "+1",
        "phone_number_verified": True,
        "address": {"country": "US"},
        "updated_at": "2024",
        "is_admin": False,
    }
    assert identity_from_claims(claims) == {
        "tokenIdentifier": "https://clerk.example.com|user_1",
        "subject": "user_1",
        "issuer": "https://clerk.example.com",
        "name": "N",
        "givenName": "G",
        "familyName": "F",
        "nickname": "nick",
        "preferredUsername": "pu",
        "profileUrl": "https://p",
        "pictureUrl": "https://pic",
        "email": "e@x",
        "emailVerified": False,
        "gender": "g",
        "birthday": "2000-01-01",
        "timezone": "UTC",
        "language": "fr",
        "phoneNumber": "+1",
        "phoneNumberVerified": True,
        "address": {"country": "US"},
        "updatedAt": "2024",
        "is_admin": False,
    }


def test_kinds_and_cache_keys() -> None:
    user = {"tokenIdentifier": "i|u", "subject": "u", "issuer": "i", "is_admin": True}
    a = Identity("user", user)
    b = Identity("user", dict(reversed(list(user.items()))))  # same content, other key order
    assert a == b and hash(a) == hash(b) and a.cache_key() == b.cache_key()
    assert a.cache_key().startswith("user:i|u|")
    assert not a.is_admin and ADMIN.is_admin and not ANONYMOUS.is_admin
    assert ANONYMOUS.cache_key() == "anon" and ADMIN.cache_key() == "admin"
    acting = Identity("admin", user)
    assert acting.is_admin and acting.user == user
    assert acting.cache_key() != a.cache_key()  # admin powers differ: never share a subscription
    assert Identity("user", {**user, "is_admin": False}).cache_key() != a.cache_key()
    assert len({ANONYMOUS, ADMIN, a, b, acting}) == 4


def test_identity_owns_its_user_copy() -> None:
    user = {"tokenIdentifier": "i|u", "subject": "u", "issuer": "i"}
    identity = Identity("user", user)
    key = identity.cache_key()
    user["subject"] = "someone else"
    assert identity.cache_key() == key and identity.user is not None and identity.user["subject"] == "u"


def test_invalid_identities() -> None:
    with pytest.raises(ValueError):
        Identity("user")
    with pytest.raises(ValueError):
        Identity("anonymous", {"subject": "u"})
    with pytest.raises(ValueError):
        Identity("root")  # type: ignore[arg-type]


def test_normalize_user_attributes() -> None:
    assert normalize_user_attributes({"subject": "u", "issuer": "https://i"}) == {
        "subject": "u",
        "issuer": "https://i",
        "tokenIdentifier": "https://i|u",
    }
    assert normalize_user_attributes({"subject": "u", "tokenIdentifier": "t"}, default_issuer="d") == {
        "subject": "u",
        "issuer": "d",
        "tokenIdentifier": "t",
    }
    with pytest.raises(ValueError, match="subject"):
        normalize_user_attributes({"issuer": "i"})
    with pytest.raises(ValueError, match="issuer"):
        normalize_user_attributes({"subject": "u"})
