"""Schema definitions: `define_schema`, `define_table`, indexes and search indexes (CONTRACT §2)."""

from albertplus_cli.schema.definitions import (
    IndexDefinition,
    SchemaDefinition,
    SearchIndexDefinition,
    TableDefinition,
    define_schema,
    define_table,
)
from albertplus_cli.schema.identifiers import SchemaError

__all__ = [
    "IndexDefinition", "SchemaDefinition", "SchemaError", "SearchIndexDefinition", "TableDefinition",
    "define_schema", "define_table",
]
