"""The authoring API user functions import (CONTRACT §2), and the HTTP/WebSocket server (`server.app`)."""

from albertplus_cli.functions.errors import ConvexError
from albertplus_cli.functions.registry import (
    action,
    internal_action,
    internal_mutation,
    internal_query,
    mutation,
    query,
)

__all__ = [
    "ConvexError", "action", "internal_action", "internal_mutation", "internal_query", "mutation", "query",
]

# HTTP actions for functions/http.py (imported lazily by users; no server start-up cost).
from albertplus_cli.server.http_router import HttpRequest, HttpResponse, HttpRouter, http_action  # noqa: E402

__all__ += ["HttpRequest", "HttpResponse", "HttpRouter", "http_action"]
