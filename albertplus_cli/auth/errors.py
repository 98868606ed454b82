"""Auth failures, as exceptions the HTTP and sync layers translate into Convex's error shapes.

Every message is written for a human ("token expired", "issuer 'X' is not trusted") and is safe to show
to the caller: it never contains the token, the admin key or any other secret. The HTTP layer maps
`AuthenticationError` to 401 `{"code": "Unauthenticated", ...}` and `InvalidAuthHeader` to 401
`{"code": "InvalidAuthHeader", ...}`; the `code` attribute carries that short code.
"""

from __future__ import annotations


class AuthenticationError(Exception):
    """A credential was presented and refused (bad token, wrong admin key, untrusted issuer...)."""

    code: str = "Unauthenticated"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def to_json(self) -> dict[str, str]:
        """The `{"code", "message"}` body Convex uses for request errors."""
        return {"code": self.code, "message": self.reason}


class InvalidAuthHeader(AuthenticationError):
    """The `Authorization` header is neither `Bearer <jwt>` nor `Convex <admin key>`."""

    code = "InvalidAuthHeader"


class KeyFetchError(AuthenticationError):
    """The signing keys of an issuer could not be obtained (network, HTTP status, bad JSON...)."""


class AuthConfigError(ValueError):
    """`functions/auth.config.py` is malformed; the message names the provider index and key."""


def shorten(text: str, limit: int = 200) -> str:
    """Untrusted text (a claim, a header field) truncated for an error message."""
    return text if len(text) <= limit else text[:limit] + "..."
