"""`ctx.db`: the DatabaseReader queries see and the DatabaseWriter mutations see (CONTRACT §2)."""

from __future__ import annotations

from typing import Any

from albertplus_cli.database.errors import DatabaseError
from albertplus_cli.database.query import Query
from albertplus_cli.database.transaction import Transaction


def _split(first: Any, second: Any) -> tuple[str | None, Any]:
    """`get(id)` or `get(table, id)`: Convex 1.48 accepts both."""
    if second is None:
        return None, first
    return first, second


class DatabaseReader:
    """Read access: `get`, `query`, `normalize_id`."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    @property
    def transaction(self) -> Transaction:
        """The transaction behind this `ctx.db`: the built-in `_system/` functions read the catalog and table
        counts through it (user code has no need for it)."""
        return self._tx

    def get(self, table_or_id: Any, doc_id: Any = None) -> dict[str, Any] | None:
        table, the_id = _split(table_or_id, doc_id)
        return self._tx.get(the_id, table)

    def query(self, table: str) -> Query:
        if not isinstance(table, str):
            raise DatabaseError(f"query() takes a table name, got {type(table).__name__}")
        return Query(self._tx, table, self._tx.table_info(table))

    def normalize_id(self, table: str, doc_id: Any) -> str | None:
        return self._tx.normalize_id(table, doc_id)


class DatabaseWriter(DatabaseReader):
    """Read and write access: adds `insert`, `patch` (UNDEFINED removes a field), `replace`, `delete`."""

    def insert(self, table: str, value: dict[str, Any]) -> str:
        return self._tx.insert(table, value)

    def patch(self, table_or_id: Any, id_or_value: Any, value: Any = None) -> None:
        if value is None:
            self._tx.patch(table_or_id, id_or_value)
        else:
            self._tx.patch(id_or_value, value, table_or_id)

    def replace(self, table_or_id: Any, id_or_value: Any, value: Any = None) -> None:
        if value is None:
            self._tx.replace(table_or_id, id_or_value)
        else:
            self._tx.replace(id_or_value, value, table_or_id)

    def delete(self, table_or_id: Any, doc_id: Any = None) -> None:
        table, the_id = _split(table_or_id, doc_id)
        self._tx.delete(the_id, table)
