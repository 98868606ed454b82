"""The `ctx` objects handed to query, mutation and action handlers.

Queries get a read-only `ctx.db`; mutations a writable one; actions no `db` but `run_query`,
`run_mutation` and `run_action`, each its own transaction. `ctx.auth.get_user_identity()` returns the
caller's identity dict (or None).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from albertplus_cli.auth import Identity
from albertplus_cli.database import DatabaseReader, DatabaseWriter, Transaction


class Auth:
    def __init__(self, identity: Identity) -> None:
        self._identity = identity

    def get_user_identity(self) -> dict[str, Any] | None:
        user = self._identity.user
        return None if user is None else dict(user)

    # Convex's camelCase spelling, for code ported from TypeScript.
    getUserIdentity = get_user_identity


def _ref(function: Any) -> str:
    """Accept a path string or a FunctionDefinition-like reference with a `path` attribute."""
    path = getattr(function, "path", function)
    if not isinstance(path, str):
        raise TypeError("run_query/run_mutation/run_action take a function path like 'courses:getCourses'")
    return path


RunInTx = Callable[[str, str, Mapping[str, Any] | None], Any]


class QueryCtx:
    def __init__(self, tx: Transaction, identity: Identity, run_nested: RunInTx) -> None:
        self.db: DatabaseReader = DatabaseReader(tx)
        self.auth = Auth(identity)
        self._run_nested = run_nested

    def run_query(self, function: Any, args: Mapping[str, Any] | None = None) -> Any:
        """Run another query inside this transaction (same snapshot)."""
        return self._run_nested("query", _ref(function), args)


class MutationCtx(QueryCtx):
    def __init__(self, tx: Transaction, identity: Identity, run_nested: RunInTx) -> None:
        super().__init__(tx, identity, run_nested)
        self.db: DatabaseWriter = DatabaseWriter(tx)

    def run_mutation(self, function: Any, args: Mapping[str, Any] | None = None) -> Any:
        """Run another mutation inside this transaction (its writes commit or roll back with ours)."""
        return self._run_nested("mutation", _ref(function), args)


class ActionCtx:
    def __init__(self, identity: Identity, run: Callable[[str, str, Mapping[str, Any] | None], Any]) -> None:
        self.auth = Auth(identity)
        self._run = run

    def run_query(self, function: Any, args: Mapping[str, Any] | None = None) -> Any:
        return self._run("query", _ref(function), args)

    def run_mutation(self, function: Any, args: Mapping[str, Any] | None = None) -> Any:
        return self._run("mutation", _ref(function), args)

    def run_action(self, function: Any, args: Mapping[str, Any] | None = None) -> Any:
        return self._run("action", _ref(function), args)
