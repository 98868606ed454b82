"""Authentication for albertplus: who is calling, and can we believe them.

- `Identity` (anonymous / user / admin, optionally acting as a user) is what the executor receives.
- `TokenVerifier` checks user JWTs against the providers of `functions/auth.config.py` plus the
  project's dev signing key (`build_verifier`).
- `parse_authorization` / `identity_for_authenticate_message` turn an HTTP `Authorization` header or a
  sync `Authenticate` message into an `Identity`, raising `AuthenticationError` (HTTP 401
  `Unauthenticated`) or `InvalidAuthHeader` (HTTP 401 `InvalidAuthHeader`).
- `load_or_create_admin_key` / `DevSigningKey.load_or_create` manage the secrets in `.albertplus/`.
"""

from __future__ import annotations

from pathlib import Path

from .admin_key import (
    ADMIN_KEY_FILE,
    admin_key_matches,
    generate_admin_key,
    identity_for_authenticate_message,
    load_or_create_admin_key,
    parse_authorization,
)
from .dev_key import DEV_ISSUER, DEV_KEY_FILE, DevSigningKey
from .errors import AuthConfigError, AuthenticationError, InvalidAuthHeader, KeyFetchError
from .identity import ADMIN, ANONYMOUS, Identity, identity_from_claims, normalize_user_attributes
from .providers import Provider, load_providers, parse_providers
from .verifier import TokenVerifier


def build_verifier(
    project_dir: Path,
    state_dir: Path,
    *,
    http_timeout: float = 3.0,
    leeway: int = 30,
    min_refresh_interval: float = 10.0,
    trust_dev_key: bool = True,
) -> TokenVerifier:
    """A verifier trusting the providers of `<project>/functions/auth.config.py` and the dev key.

    The dev key (in `state_dir`, created if missing) is always trusted, with no network. Raises
    `AuthConfigError` for a malformed auth.config.py.
    """
    providers = load_providers(Path(project_dir))
    if trust_dev_key:  # `albertplus serve` trusts it only with --trust-dev-key
        providers.append(DevSigningKey.load_or_create(Path(state_dir)).provider())
    return TokenVerifier(
        providers, http_timeout=http_timeout, leeway=leeway, min_refresh_interval=min_refresh_interval
    )


__all__ = [
    "ADMIN",
    "ADMIN_KEY_FILE",
    "ANONYMOUS",
    "DEV_ISSUER",
    "DEV_KEY_FILE",
    "AuthConfigError",
    "AuthenticationError",
    "DevSigningKey",
    "Identity",
    "InvalidAuthHeader",
    "KeyFetchError",
    "Provider",
    "TokenVerifier",
    "admin_key_matches",
    "build_verifier",
    "generate_admin_key",
    "identity_for_authenticate_message",
    "identity_from_claims",
    "load_or_create_admin_key",
    "load_providers",
    "normalize_user_attributes",
    "parse_authorization",
    "parse_providers",
]
