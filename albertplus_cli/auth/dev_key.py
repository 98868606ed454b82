"""The project's local dev signing key: tokens for development and tests, trusted with no network.

`albertplus token` signs with this key and `albertplus dev` always trusts it (besides the providers of
`functions/auth.config.py`), so a developer or a test can act as any user without Clerk. The key is an
RSA 2048 private key stored as PEM in `<project>/.albertplus/dev_signing_key.pem` (mode 0600, git-ignored
with the rest of `.albertplus/`).

Its tokens carry `iss = DEV_ISSUER`, a fixed URL that is never fetched: the verifier gets the public key
in memory from `DevSigningKey.provider()`. Because the issuer is the same for every project, a dev token
is only accepted by the project whose key signed it (the `kid` and the signature tie it to that key).
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .providers import Provider
from .secure_file import read_or_create_private_file

DEV_ISSUER = "https://albertplus.dev/local"
"""`iss` of dev-key tokens. A constant name, not a server: nothing is ever fetched from it."""

DEV_AUDIENCE = "convex"
DEV_KEY_FILE = "dev_signing_key.pem"
DEV_ALGORITHM = "RS256"

# Claims `sign` sets itself; `iss`/`sub` may not be overridden through `claims`.
_RESERVED = frozenset({"iss", "sub"})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an RSA JWK (members e, kty, n in lexicographic order)."""
    members = {"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return _b64url(hashlib.sha256(canonical).digest())


class DevSigningKey:
    """An RSA key that signs dev tokens for `DEV_ISSUER`."""

    def __init__(self, private_key: rsa.RSAPrivateKey, path: Path | None = None) -> None:
        self.private_key = private_key
        self.path = path
        public = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        self._public_jwk: dict[str, Any] = {"kty": "RSA", "n": public["n"], "e": public["e"]}
        self.kid = jwk_thumbprint(self._public_jwk)

    @classmethod
    def generate(cls) -> DevSigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def load_or_create(cls, state_dir: Path) -> DevSigningKey:
        """The key in `<state_dir>/dev_signing_key.pem`, created (mode 0600) if missing."""
        path = Path(state_dir) / DEV_KEY_FILE
        fresh = rsa.generate_private_key(public_exponent=65537, key_size=2048) if not path.exists() else None
        pem = b""
        if fresh is not None:
            pem = fresh.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        data = read_or_create_private_file(path, pem)
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"{path} is not an unencrypted PEM private key; delete it to make a new one"
            ) from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA private key; delete it to make a new one")
        return cls(key, path)

    @property
    def issuer(self) -> str:
        return DEV_ISSUER

    def public_jwk(self) -> dict[str, Any]:
        return {**self._public_jwk, "kid": self.kid, "alg": DEV_ALGORITHM, "use": "sig"}

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk()]}

    def sign(self, subject: str, claims: Mapping[str, Any] | None = None, expires_in: int = 3600) -> str:
        """An RS256 JWT for `subject` with iss, sub, aud="convex", iat, nbf, exp plus `claims`.

        `claims` may override `aud`, `iat`, `nbf` and `exp` (handy for tests) but not `iss` or `sub`.
        """
        if not isinstance(subject, str) or not subject:
            raise ValueError("subject must be a non-empty string")
        extra = dict(claims or {})
        reserved = sorted(_RESERVED.intersection(extra))
        if reserved:
            raise ValueError(f"claims may not set {', '.join(reserved)} (use the subject argument)")
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": DEV_ISSUER,
            "sub": subject,
            "aud": DEV_AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + int(expires_in),
        }
        payload.update(extra)
        return jwt.encode(payload, self.private_key, algorithm=DEV_ALGORITHM, headers={"kid": self.kid})

    def provider(self) -> Provider:
        """A customJwt provider trusting this key (public JWKS in memory, audience "convex")."""
        return Provider(
            issuer=DEV_ISSUER,
            application_id=DEV_AUDIENCE,
            algorithms=(DEV_ALGORITHM,),
            jwks_source=self.public_jwks(),
            description="albertplus dev signing key",
        )
