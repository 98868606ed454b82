"""The functions layer: decorators, the project loader, the executor and the contexts handlers see."""

from albertplus_cli.functions.errors import ConvexError
from albertplus_cli.functions.registry import (
    FunctionDefinition,
    action,
    internal_action,
    internal_mutation,
    internal_query,
    mutation,
    query,
)

__all__ = [
    "ConvexError", "FunctionDefinition", "action", "internal_action", "internal_mutation", "internal_query",
    "mutation", "query",
]
