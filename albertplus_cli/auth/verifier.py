"""JWT verification against the trusted providers: a token in, Convex's `UserIdentity` dict out.

The provider is chosen by the token's (unverified) `iss`, and only then is anything trusted: the header's
`alg` must be one the provider pins (RS256/ES256 only; `none` and HS* are refused before any key is
touched, which defeats the HS256-with-the-public-key confusion attack), the key must come from that
provider's JWKS and fit the algorithm, and the signature must verify. Time claims and the audience are
checked by hand afterwards so each refusal carries its own reason ("token expired", "audience 'x' is not
'convex'", ...). Messages never quote the token.

Verified tokens are remembered (by token string, until they expire) so the hot path of a busy client
re-sending the same token is a dict lookup.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jwt
from jwt.api_jws import PyJWS

from .errors import AuthenticationError
from .errors import shorten as _short
from .identity import identity_from_claims
from .jwks import JwksCache
from .providers import Provider, normalize_issuer

_MALFORMED = "malformed token"


class TokenVerifier:
    """Verifies JWTs issued by `providers`. Thread-safe; `verify` waits on a key fetch only as `JwksCache` says."""

    def __init__(
        self,
        providers: Iterable[Provider],
        *,
        http_timeout: float = 3.0,
        leeway: int = 30,
        retries: int = 2,
        min_refresh_interval: float = 10.0,
        token_cache_size: int = 1024,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.providers: list[Provider] = list(providers)
        self.leeway = leeway
        self._clock = clock
        self._by_issuer: dict[str, list[tuple[Provider, JwksCache]]] = {}
        shared: dict[tuple[str, bool, str], JwksCache] = {}  # one key set (one fetch) per issuer and key source
        for provider in self.providers:
            source = (provider.normalized_issuer, provider.discovery, repr(provider.jwks_source))
            keys = shared.get(source)
            if keys is None:
                keys = shared[source] = JwksCache(
                    provider,
                    http_timeout=http_timeout,
                    retries=retries,
                    min_refresh_interval=min_refresh_interval,
                )
            self._by_issuer.setdefault(provider.normalized_issuer, []).append((provider, keys))
        self._jws = PyJWS()
        self._cache_size = token_cache_size
        self._cache: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._cache_lock = threading.Lock()

    @property
    def issuers(self) -> list[str]:
        """The trusted issuers, as configured."""
        return [p.issuer for p in self.providers]

    def key_cache(self, issuer: str) -> list[JwksCache]:
        """The JWKS caches of the providers for `issuer` (for diagnostics and tests)."""
        return [keys for _, keys in self._by_issuer.get(normalize_issuer(issuer), [])]

    def verify(self, token: str) -> dict[str, Any]:
        """The identity of a valid token; raises `AuthenticationError` saying why a token is refused."""
        if not isinstance(token, str):
            raise AuthenticationError(_MALFORMED)
        token = token.strip()
        cached = self._cached(token)
        if cached is not None:
            return cached
        header, claims = _unverified_parts(token)
        algorithm = header.get("alg")
        if not isinstance(algorithm, str):
            raise AuthenticationError(f"{_MALFORMED}: the header has no 'alg'")
        if algorithm.lower() == "none":
            raise AuthenticationError("algorithm 'none' is not allowed")
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or not issuer:
            raise AuthenticationError("token has no 'iss' claim")
        candidates = self._by_issuer.get(normalize_issuer(issuer))
        if not candidates:
            raise AuthenticationError(f"issuer {_short(issuer)!r} is not trusted")
        first_error: AuthenticationError | None = None
        for provider, keys in candidates:  # several providers may share an issuer (different audiences)
            try:
                identity = self._verify_with(provider, keys, token, header, claims, algorithm)
            except AuthenticationError as exc:
                first_error = first_error or exc
                continue
            self._remember(token, claims, identity)
            return copy.deepcopy(identity)
        assert first_error is not None
        raise first_error

    # -- one provider -----------------------------------------------------------------------------------

    def _verify_with(
        self,
        provider: Provider,
        keys: JwksCache,
        token: str,
        header: Mapping[str, Any],
        claims: Mapping[str, Any],
        algorithm: str,
    ) -> dict[str, Any]:
        issuer = _short(str(claims["iss"]))
        if algorithm not in provider.algorithms:
            expected = " or ".join(provider.algorithms)
            shown = _short(algorithm, 20)
            raise AuthenticationError(
                f"algorithm {shown!r} is not allowed for issuer {issuer!r} (expected {expected})"
            )
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise AuthenticationError(f"{_MALFORMED}: 'kid' must be a string")
        if not any(self._signature_ok(token, key.key, algorithm) for key in keys.keys_for(kid, algorithm)):
            raise AuthenticationError("invalid signature")
        self._check_times(claims)
        self._check_audience(provider, claims)
        subject = claims.get("sub")
        if subject is None:
            raise AuthenticationError("token has no 'sub' claim")
        if not isinstance(subject, str) or not subject:
            raise AuthenticationError("the token's 'sub' claim must be a non-empty string")
        return identity_from_claims(claims)

    def _signature_ok(self, token: str, key: Any, algorithm: str) -> bool:
        try:
            self._jws.decode_complete(token, key=key, algorithms=[algorithm])
        except jwt.InvalidSignatureError:
            return False
        except jwt.PyJWTError as exc:
            raise AuthenticationError(_MALFORMED) from exc
        return True

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self._clock()
        exp = _numeric_claim(claims, "exp")
        if exp is None:
            raise AuthenticationError("token has no 'exp' claim")
        if now > exp + self.leeway:
            raise AuthenticationError("token expired")
        nbf = _numeric_claim(claims, "nbf")
        if nbf is not None and nbf > now + self.leeway:
            raise AuthenticationError("token not yet valid")
        iat = _numeric_claim(claims, "iat")
        if iat is not None and iat > now + self.leeway:
            raise AuthenticationError("token issued in the future")

    @staticmethod
    def _check_audience(provider: Provider, claims: Mapping[str, Any]) -> None:
        expected = provider.application_id
        if expected is None:
            return
        aud = claims.get("aud")
        if aud is None:
            raise AuthenticationError(f"token has no 'aud' claim (expected {expected!r})")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else None
        if audiences is None or not all(isinstance(a, str) for a in audiences):
            raise AuthenticationError(f"{_MALFORMED}: 'aud' must be a string or a list of strings")
        if expected not in audiences:
            shown = ", ".join(_short(a, 100) for a in audiences) or "(empty)"
            raise AuthenticationError(f"audience {shown!r} is not {expected!r}")

    # -- verified-token cache ---------------------------------------------------------------------------

    def verified_before(self, token: str) -> dict[str, Any] | None:
        """The identity of a token verified earlier and not yet expired, else None (never blocks, never fetches)."""
        return self._cached(token.strip()) if isinstance(token, str) else None

    def _cached(self, token: str) -> dict[str, Any] | None:
        with self._cache_lock:
            entry = self._cache.get(token)
            if entry is None:
                return None
            expires, identity = entry
            if self._clock() > expires:
                del self._cache[token]
                return None
            self._cache.move_to_end(token)
        return copy.deepcopy(identity)

    def _remember(self, token: str, claims: Mapping[str, Any], identity: dict[str, Any]) -> None:
        if self._cache_size <= 0:
            return
        exp = _numeric_claim(claims, "exp")
        assert exp is not None
        with self._cache_lock:
            self._cache[token] = (exp + self.leeway, copy.deepcopy(identity))
            self._cache.move_to_end(token)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


# Real headers and claims are a level or two deep; a payload nested ~1,000 levels made json.loads raise
# RecursionError (an HTTP 500, a WebSocket dropped with 1006) and would strain every copy of the identity.
MAX_TOKEN_NESTING = 32


def _b64url_json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise AuthenticationError(_MALFORMED) from exc
    except RecursionError:
        raise AuthenticationError(f"{_MALFORMED}: nested too deeply") from None
    if _nesting(value) > MAX_TOKEN_NESTING:
        raise AuthenticationError(f"{_MALFORMED}: nested more than {MAX_TOKEN_NESTING} levels deep")
    return value


def _nesting(value: Any) -> int:
    """How deeply lists and objects nest in a decoded JSON value (iterative: no recursion limit to hit)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_TOKEN_NESTING:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims, not yet trusted: only used to pick the provider and the key."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise AuthenticationError(_MALFORMED)
    header = _b64url_json(parts[0])
    claims = _b64url_json(parts[1])
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AuthenticationError(_MALFORMED)
    return header, claims


def _numeric_claim(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuthenticationError(f"{_MALFORMED}: '{name}' must be a number")
    return float(value)
