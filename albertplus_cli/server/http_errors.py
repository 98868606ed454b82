"""Request errors in Convex's shape: an HTTP 4xx with `{"code": ShortCode, "message": text}`.

Anything a client sent that we cannot serve becomes one of these; a 500 is only ever our own bug.
"""

from __future__ import annotations

from starlette.responses import Response

from albertplus_cli.auth import AuthenticationError
from albertplus_cli.server.json_response import json_response


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return json_response({"code": self.code, "message": self.message}, self.status)


def bad_request(code: str, message: str) -> HttpError:
    return HttpError(400, code, message)


def unauthorized(error: AuthenticationError) -> HttpError:
    """A refused credential: 401 with the auth error's own code (Unauthenticated, InvalidAuthHeader)."""
    return HttpError(401, error.code, str(error))
