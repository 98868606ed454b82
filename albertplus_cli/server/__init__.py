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
