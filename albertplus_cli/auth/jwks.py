"""Public signing keys of one provider: fetched, parsed and cached.

`verify()` runs on request threads, so fetching never happens on them: an unknown `kid` starts one background
fetch per provider (bounded by a timeout, 2 retries on network errors), at most one per
`min_refresh_interval` seconds, and a failed fetch is not retried before that interval either. Callers whose
key is cached never wait; a caller with an unknown key waits only for a fetch it started itself (or the very
first one), at most `wait_timeout` seconds, and is otherwise answered "unknown key" at once. Keys already
cached keep working while the issuer is slow or unreachable.

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
    """The cached key set of one provider, refreshed by one background fetch at a time."""

    def __init__(
        self,
        provider: Provider,
        *,
        http_timeout: float = 3.0,
        retries: int = 2,
        min_refresh_interval: float = 10.0,
        wait_timeout: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self.http_timeout = http_timeout
        self.retries = retries
        self.min_refresh_interval = min_refresh_interval
        self.wait_timeout = http_timeout if wait_timeout is None else wait_timeout
        self._clock = clock
        self._lock = threading.Lock()  # guards the fields below
        self._keys: list[VerificationKey] | None = None
        self._last_attempt: float | None = None  # when the last fetch ended
        self._last_error: str | None = None
        self._inflight: threading.Event | None = None  # set when the running fetch ends
        self._inflight_deadline = 0.0  # nobody waits for the running fetch past this moment
        self.fetch_count = 0

    # -- lookup -----------------------------------------------------------------------------------------

    def keys_for(self, kid: str | None, algorithm: str) -> list[VerificationKey]:
        """Candidate keys for a token header; starts a (rate limited) background fetch when none is cached.

        Only the caller that started a fetch waits for it, and everyone while the issuer's very first fetch
        runs (so the first tokens after a start verify); never past `wait_timeout` from the fetch's start.
        Everyone else is answered at once: a slow or dead issuer then ties up at most one request thread, and
        tokens with made-up `kid`s cannot queue the others behind it.

        Raises `KeyFetchError` when keys are needed and cannot be fetched, `AuthenticationError`
        ("unknown key id ...") when the key set does not have the token's `kid`.
        """
        found = self._lookup(kid, algorithm)
        if found:
            return found
        fetch, may_wait = self._refresh()
        if fetch is not None and may_wait:
            fetch.wait(max(self._inflight_deadline - self._clock(), 0.0))
        found = self._lookup(kid, algorithm)
        if found:
            return found
        with self._lock:
            pending = self._inflight is not None
            have_keys = self._keys is not None
            last_error = self._last_error
        if last_error is not None and not (pending and may_wait):
            raise KeyFetchError(self._fetch_error_message(last_error))
        if not have_keys:
            raise KeyFetchError(self._fetch_error_message(f"no answer within {self.wait_timeout:g} s (still trying)"))
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

    def _refresh(self) -> tuple[threading.Event | None, bool]:
        """The running fetch (starting one unless the last ended less than `min_refresh_interval` ago) and
        whether this caller may wait for it; (None, False) when rate limited."""
        now = self._clock()
        with self._lock:
            first = self._keys is None and self._last_error is None
            if self._inflight is not None:
                return self._inflight, first
            if self._last_attempt is not None and now - self._last_attempt < self.min_refresh_interval:
                return None, False
            fetch = self._inflight = threading.Event()
            self._inflight_deadline = now + self.wait_timeout
        if self._needs_network():
            threading.Thread(target=self._run_fetch, args=(fetch,), name="albertplus-jwks", daemon=True).start()
        else:
            self._run_fetch(fetch)  # a file, a data: URI or an inline JWKS: no network to wait on
        return fetch, True

    def _needs_network(self) -> bool:
        source = self.provider.jwks_source
        return self.provider.discovery or (isinstance(source, str) and source.startswith(("http://", "https://")))

    def _run_fetch(self, done: threading.Event) -> None:
        keys: list[VerificationKey] | None = None
        error: str | None = None
        try:
            keys = self._fetch()
        except JwksFetchFailure as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a fetch must always end, or its waiters would wait in vain
            error = type(exc).__name__
        with self._lock:
            if keys is not None:
                self._keys = keys
            self._last_error = error
            self._last_attempt = self._clock()
            self._inflight = None
        done.set()

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
