"""The database layer: transactions, `ctx.db`, queries, read and write sets, schema pushes."""

from albertplus_cli.database.database import Commit, Database, WriteResult
from albertplus_cli.database.errors import DatabaseError, InvalidCursorError
from albertplus_cli.database.read_set import FrozenReadSet, ReadSet
from albertplus_cli.database.reader_writer import DatabaseReader, DatabaseWriter
from albertplus_cli.database.schema_push import SchemaChange, SchemaValidationError
from albertplus_cli.database.transaction import Transaction
from albertplus_cli.database.write_set import WriteSet

__all__ = [
    "Commit", "Database", "DatabaseError", "DatabaseReader", "DatabaseWriter", "FrozenReadSet",
    "InvalidCursorError", "ReadSet", "SchemaChange", "SchemaValidationError", "Transaction", "WriteResult",
    "WriteSet",
]
