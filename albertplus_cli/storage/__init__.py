"""Storage: the only place SQL exists (documents, index entries, search, the commit log), one module per backend."""

from albertplus_cli.storage.opening import open_storage
from albertplus_cli.storage.protocol import (
    DuplicateDocumentError,
    IndexRow,
    ReadSession,
    Storage,
    StorageError,
    TableRow,
    WriteSession,
)
from albertplus_cli.storage.sqlite_storage import SqliteSession, SqliteStorage

__all__ = [
    "DuplicateDocumentError", "IndexRow", "ReadSession", "SqliteSession", "SqliteStorage", "Storage",
    "StorageError", "TableRow", "WriteSession", "open_storage",
]
