"""Public signing keys of one provider: fetched, parsed and cached.

`verify()` runs both on worker threads and on the asyncio loop thread, so the cache is guarded by a lock
and a fetch blocks only the callers that actually need new keys (callers whose key is cached never wait
on the network). Fetches are bounded (a timeout, 2 retries on network errors) and rate limited: an
unknown `kid` triggers at most one refetch per `min_refresh_interval` seconds per provider, and a failed
fetch is not retried before that interval either. Keys already cached keep working while the issuer is
unreachable.

Only RSA and EC (P-256) public keys are kept; symmetric (`oct`) keys are ignored, so a token can never be
checked with an HMAC secret.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import httpx
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from .errors import AuthenticationError, KeyFetchError
from .errors import shorten as _short
from .providers import Provider

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

# Algorithm -> JWK key type it needs.
KEY_TYPE_FOR_ALGORITHM: Mapping[str, str] = {"RS256": "RSA", "ES256": "EC"}


@dataclass(frozen=True)
class VerificationKey:
    """One usable public key from a JWKS."""

    kid: str | None
    kty: str
    alg: str | None
    key: PublicKey

    def fits(self, algorithm: str) -> bool:
        """Whether this key may check a signature made with `algorithm` (key type and any `alg` pin)."""
        if KEY_TYPE_FOR_ALGORITHM.get(algorithm) != self.kty:
            return False
        if self.alg is not None and self.alg != algorithm:
            return False
        if isinstance(self.key, ec.EllipticCurvePublicKey):
            return algorithm == "ES256" and isinstance(self.key.curve, ec.SECP256R1)
        return True


class JwksFetchFailure(Exception):
    """Internal: why one fetch attempt failed (the message ends up after 'could not fetch keys ...')."""


def parse_jwks(document: Any) -> list[VerificationKey]:
    """The RSA/EC signature keys of a JWKS document; other keys are skipped."""
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise JwksFetchFailure("the JWKS has no 'keys' list")
    keys: list[VerificationKey] = []
    for jwk in document["keys"]:
        if not isinstance(jwk, Mapping):
            continue
        kty = jwk.get("kty")
        if kty not in ("RSA", "EC") or jwk.get("use") not in (None, "sig"):
            continue
        try:
            parsed = (RSAAlgorithm if kty == "RSA" else ECAlgorithm).from_jwk(dict(jwk))
        except Exception:  # one unusable key must not hide the others
            continue
        public: object = parsed
        if isinstance(parsed, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            public = parsed.public_key()  # a JWKS holding private members: use only the public half
        if not isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            continue
        kid = jwk.get("kid")
        alg = jwk.get("alg")
        keys.append(
            VerificationKey(
                kid=kid if isinstance(kid, str) else None,
                kty=kty,
                alg=alg if isinstance(alg, str) else None,
                key=public,
            )
        )
    return keys


def decode_data_uri(uri: str) -> bytes:
    """The payload of a `data:[<mediatype>][;base64],<data>` URI."""
    header, sep, payload = uri.partition(",")
    if not uri.startswith("data:") or not sep:
        raise JwksFetchFailure("malformed data: URI")
    if header.lower().endswith(";base64"):
        try:
            cleaned = unquote_to_bytes(payload).strip()
            cleaned += b"=" * (-len(cleaned) % 4)
            return base64.b64decode(cleaned.replace(b"-", b"+").replace(b"_", b"/"), validate=True)
        except ValueError as exc:
            raise JwksFetchFailure(f"data: URI is not valid base64 ({exc})") from exc
    return unquote_to_bytes(payload)


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise JwksFetchFailure(f"{what} is not valid JSON") from exc


class JwksCache:
    """The cached key set of one provider."""

    def __init__(
        self,
        provider: Provider,
        *,
        http_timeout: float = 3.0,
        retries: int = 2,
        min_refresh_interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self.http_timeout = http_timeout
        self.retries = retries
        self.min_refresh_interval = min_refresh_interval
        self._clock = clock
        self._lock = threading.Lock()  # guards the fields below
        self._fetch_lock = threading.Lock()  # one fetch at a time per provider
        self._keys: list[VerificationKey] | None = None
        self._last_attempt: float | None = None
        self._last_error: str | None = None
        self.fetch_count = 0

    # -- lookup -----------------------------------------------------------------------------------------

    def keys_for(self, kid: str | None, algorithm: str) -> list[VerificationKey]:
        """Candidate keys for a token header; fetches (or refetches, rate limited) when none is cached.

        Raises `KeyFetchError` when keys are needed and cannot be fetched, `AuthenticationError`
        ("unknown key id ...") when the fresh key set does not have the token's `kid`.
        """
        found = self._lookup(kid, algorithm)
        if found:
            return found
        with self._fetch_lock:
            found = self._lookup(kid, algorithm)  # another thread may have just fetched
            if found:
                return found
            self._refresh_if_allowed()
        found = self._lookup(kid, algorithm)
        if found:
            return found
        issuer = self.provider.issuer
        if kid is not None:
            raise AuthenticationError(f"unknown key id {_short(kid)!r} for issuer {_short(issuer)!r}")
        raise AuthenticationError(f"issuer {_short(issuer)!r} has no {algorithm} key")

    def _lookup(self, kid: str | None, algorithm: str) -> list[VerificationKey]:
        with self._lock:
            keys = self._keys or []
        fitting = [k for k in keys if k.fits(algorithm)]
        if kid is not None:
            exact = [k for k in fitting if k.kid == kid]
            # A JWKS whose keys carry no `kid` still serves tokens that name one.
            return exact or [k for k in fitting if k.kid is None]
        return fitting

    def _refresh_if_allowed(self) -> None:
        now = self._clock()
        with self._lock:
            recent = self._last_attempt is not None and now - self._last_attempt < self.min_refresh_interval
            last_error = self._last_error
        if recent:
            if last_error is not None:  # the issuer failed moments ago: do not hammer it
                raise KeyFetchError(self._fetch_error_message(last_error))
            return  # rate limited: keep the cached keys
        try:
            keys = self._fetch()
        except JwksFetchFailure as exc:
            with self._lock:
                self._last_attempt = self._clock()
                self._last_error = str(exc)
            raise KeyFetchError(self._fetch_error_message(str(exc))) from None
        with self._lock:
            self._keys = keys
            self._last_attempt = self._clock()
            self._last_error = None

    def _fetch_error_message(self, reason: str) -> str:
        return f"could not fetch keys for issuer {_short(self.provider.issuer)!r}: {reason}"

    # -- fetching ---------------------------------------------------------------------------------------

    def _fetch(self) -> list[VerificationKey]:
        self.fetch_count += 1
        provider = self.provider
        source = provider.jwks_source
        if provider.discovery:
            config = _json(self._http_get(provider.discovery_url), "the OpenID configuration")
            jwks_uri = config.get("jwks_uri") if isinstance(config, Mapping) else None
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("http://", "https://")):
                raise JwksFetchFailure(f"{provider.discovery_url} has no http(s) 'jwks_uri'")
            return parse_jwks(_json(self._http_get(jwks_uri), "the JWKS"))
        if isinstance(source, Mapping):
            return parse_jwks(source)
        assert isinstance(source, str)
        if source.startswith("data:"):
            return parse_jwks(_json(decode_data_uri(source), "the JWKS data: URI"))
        if source.startswith(("http://", "https://")):
            return parse_jwks(_json(self._http_get(source), "the JWKS"))
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise JwksFetchFailure(f"cannot read {source}: {exc.strerror or exc}") from exc
        return parse_jwks(_json(data, f"the JWKS file {source}"))

    def _http_get(self, url: str) -> bytes:
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(0.1 * 2**attempt, 0.5))
            try:
                with httpx.Client(timeout=self.http_timeout, follow_redirects=True) as client:
                    response = client.get(url, headers={"Accept": "application/json"})
            except httpx.TransportError as exc:
                last = exc
                continue
            if response.status_code >= 500:
                last = JwksFetchFailure(f"HTTP {response.status_code} from {url}")
                continue
            if response.status_code != 200:
                raise JwksFetchFailure(f"HTTP {response.status_code} from {url}")
            return response.content
        if isinstance(last, JwksFetchFailure):
            raise last
        reason = type(last).__name__ if last is not None else "unknown error"
        detail = str(last) if last is not None and str(last) else ""
        raise JwksFetchFailure(f"{reason} for {url}" + (f" ({detail})" if detail else ""))
