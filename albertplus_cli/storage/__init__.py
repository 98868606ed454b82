"""Storage: the SQLite file behind the engine (documents, index entries, search, commit log).

Everything SQLite-specific lives in this package, so another backend is one new module.
"""

from albertplus_cli.storage.sqlite_store import IndexRow, SqliteStore, TableRow

__all__ = ["IndexRow", "SqliteStore", "TableRow"]
