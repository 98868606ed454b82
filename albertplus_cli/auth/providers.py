"""Trusted token issuers, read from the project's `functions/auth.config.py`.

The file mirrors Convex's `auth.config.ts`: a module-level `providers` list of dicts with Convex's keys.

    {"domain": "https://x.clerk.accounts.dev", "applicationID": "convex"}          # OIDC
    {"type": "customJwt", "issuer": "https://issuer", "jwks": URL | path | data: URI,
     "algorithm": "RS256" | "ES256", "applicationID": "convex"}                   # custom JWT

OIDC providers find their keys through `<domain>/.well-known/openid-configuration` -> `jwks_uri`.
A provider whose `domain` (or `issuer`) is None or empty is skipped silently: that is what an unset
environment variable such as `CLERK_JWT_ISSUER_DOMAIN` produces. Anything else that is malformed raises
`AuthConfigError` naming the provider index and the key.
"""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import AuthConfigError

AUTH_CONFIG_FILE = "auth.config.py"

# Asymmetric algorithms only: HS* would let anyone holding the public key mint tokens, `none` anybody.
SUPPORTED_ALGORITHMS: tuple[str, ...] = ("RS256", "ES256")

# OIDC discovery documents do not pin one algorithm; the key type still has to match the token's alg.
OIDC_ALGORITHMS: tuple[str, ...] = ("RS256", "ES256")

_OIDC_KEYS = frozenset({"domain", "applicationID"})
_CUSTOM_JWT_KEYS = frozenset({"type", "issuer", "jwks", "algorithm", "applicationID"})

JwksSource = str | Mapping[str, Any]


@dataclass(frozen=True)
class Provider:
    """One trusted issuer and where its public keys come from.

    `jwks_source` is an http(s) URL, an absolute file path, a `data:` URI or an in-memory JWKS dict; it is
    None for OIDC providers (`discovery=True`), whose JWKS URL comes from the discovery document.
    `application_id` is the required `aud`, or None when the audience is not checked.
    """

    issuer: str
    application_id: str | None
    algorithms: tuple[str, ...]
    jwks_source: JwksSource | None = field(default=None, hash=False)
    discovery: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        bad = [a for a in self.algorithms if a not in SUPPORTED_ALGORITHMS]
        if not self.algorithms or bad:
            raise ValueError(
                f"provider algorithms must be among {SUPPORTED_ALGORITHMS}, got {self.algorithms}"
            )
        if not self.discovery and self.jwks_source is None:
            raise ValueError("a provider without OIDC discovery needs a jwks_source")

    @property
    def normalized_issuer(self) -> str:
        return normalize_issuer(self.issuer)

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def normalize_issuer(issuer: str) -> str:
    """Issuers compare equal with or without a trailing slash."""
    return issuer.rstrip("/")


def auth_config_path(project_dir: Path) -> Path:
    return project_dir / "functions" / AUTH_CONFIG_FILE


def load_providers(project_dir: Path) -> list[Provider]:
    """The providers declared in `<project>/functions/auth.config.py` (none if the file is missing)."""
    path = auth_config_path(project_dir)
    if not path.is_file():
        return []
    try:
        namespace = runpy.run_path(str(path), run_name="auth_config")
    except Exception as exc:  # the file is user code: report any failure as a config error
        raise AuthConfigError(f"{path}: failed to load: {type(exc).__name__}: {exc}") from exc
    return parse_providers(_providers_value(namespace, path), base_dir=project_dir, source=str(path))


def _providers_value(namespace: Mapping[str, Any], path: Path) -> Any:
    if "providers" in namespace:
        return namespace["providers"]
    default = namespace.get("default")  # `default = {"providers": [...]}`, like `export default {...}`
    if isinstance(default, Mapping) and "providers" in default:
        return default["providers"]
    raise AuthConfigError(f"{path}: define a module-level `providers` list")


def parse_providers(entries: Any, *, base_dir: Path, source: str = AUTH_CONFIG_FILE) -> list[Provider]:
    """Validate Convex-style provider dicts; relative `jwks` paths are resolved against `base_dir`."""
    if not isinstance(entries, list | tuple):
        raise AuthConfigError(f"{source}: `providers` must be a list, got {type(entries).__name__}")
    providers: list[Provider] = []
    for index, entry in enumerate(entries):
        where = f"{source}: providers[{index}]"
        if not isinstance(entry, Mapping):
            raise AuthConfigError(f"{where} must be a dict, got {type(entry).__name__}")
        kind = entry.get("type")
        if kind == "customJwt":
            provider = _parse_custom_jwt(entry, where, base_dir)
        elif kind is None or kind == "oidc":
            provider = _parse_oidc(entry, where)
        else:
            raise AuthConfigError(
                f"{where}: unknown 'type' {kind!r} (expected 'customJwt', or no 'type' for OIDC)"
            )
        if provider is not None:
            providers.append(provider)
    return providers


def _check_keys(entry: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(str(k) for k in entry if k not in allowed and k != "type")
    if unknown:
        expected = ", ".join(sorted(allowed))
        raise AuthConfigError(f"{where}: unknown key {unknown[0]!r} (expected one of {expected})")


def _application_id(entry: Mapping[str, Any], where: str, *, required: bool) -> str | None:
    if "applicationID" not in entry or entry["applicationID"] is None:
        if required:
            raise AuthConfigError(
                f"{where}: missing 'applicationID' (the expected token audience, e.g. 'convex')"
            )
        return None
    value = entry["applicationID"]
    if not isinstance(value, str) or not value:
        raise AuthConfigError(f"{where}: 'applicationID' must be a non-empty string")
    return value


def _check_url(value: str, where: str, key: str) -> None:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise AuthConfigError(f"{where}: {key!r} must be an http(s) URL, got {value!r}")


def _parse_oidc(entry: Mapping[str, Any], where: str) -> Provider | None:
    _check_keys(entry, _OIDC_KEYS, where)
    if "domain" not in entry:
        raise AuthConfigError(f"{where}: missing 'domain' (or set 'type': 'customJwt')")
    domain = entry["domain"]
    if domain is None or domain == "":
        return None  # e.g. CLERK_JWT_ISSUER_DOMAIN unset
    if not isinstance(domain, str):
        raise AuthConfigError(f"{where}: 'domain' must be a string URL")
    domain = domain.strip()
    _check_url(domain, where, "domain")
    return Provider(
        issuer=domain,
        application_id=_application_id(entry, where, required=True),
        algorithms=OIDC_ALGORITHMS,
        discovery=True,
        description=f"OIDC provider {domain}",
    )


def _parse_custom_jwt(entry: Mapping[str, Any], where: str, base_dir: Path) -> Provider | None:
    _check_keys(entry, _CUSTOM_JWT_KEYS, where)
    if "issuer" not in entry:
        raise AuthConfigError(f"{where}: missing 'issuer'")
    issuer = entry["issuer"]
    if issuer is None or issuer == "":
        return None  # e.g. an unset environment variable
    if not isinstance(issuer, str):
        raise AuthConfigError(f"{where}: 'issuer' must be a string")
    algorithm = entry.get("algorithm")
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise AuthConfigError(
            f"{where}: 'algorithm' must be one of {', '.join(SUPPORTED_ALGORITHMS)}, got {algorithm!r}"
        )
    return Provider(
        issuer=issuer,
        application_id=_application_id(entry, where, required=False),
        algorithms=(algorithm,),
        jwks_source=_jwks_source(entry.get("jwks"), where, base_dir),
        description=f"customJwt provider {issuer}",
    )


def _jwks_source(value: Any, where: str, base_dir: Path) -> JwksSource:
    if value is None or value == "":
        raise AuthConfigError(f"{where}: missing 'jwks' (a URL, a file path or a data: URI)")
    if isinstance(value, Mapping):
        if not isinstance(value.get("keys"), list):
            raise AuthConfigError(f"{where}: 'jwks' dict must have a 'keys' list")
        return dict(value)
    if not isinstance(value, str):
        raise AuthConfigError(f"{where}: 'jwks' must be a URL, a file path or a data: URI")
    if value.startswith("data:"):
        if "," not in value:
            raise AuthConfigError(f"{where}: 'jwks' data: URI has no ',' before its payload")
        return value
    if value.startswith(("http://", "https://")):
        _check_url(value, where, "jwks")
        return value
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = (base_dir / path).resolve()
    if not path.is_file():
        raise AuthConfigError(f"{where}: 'jwks' file {str(path)!r} does not exist")
    return str(path)
