"""`define_schema` / `define_table`: tables, their document validators, indexes and search indexes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from albertplus_cli.schema.identifiers import (
    RESERVED_INDEX_NAMES,
    SchemaError,
    check_identifier,
    check_table_name,
)
from albertplus_cli.values.validators import (
    AnyValidator,
    ObjectValidator,
    UnionValidator,
    Validator,
)

MAX_INDEXES_PER_TABLE = 32
MAX_INDEX_FIELDS = 16  # including the implicit _creationTime
MAX_SEARCH_FILTER_FIELDS = 16


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    fields: tuple[str, ...]  # the user's fields; `_creationTime` and `_id` follow implicitly

    @property
    def key_fields(self) -> tuple[str, ...]:
        return (*self.fields, "_creationTime")


@dataclass(frozen=True)
class SearchIndexDefinition:
    name: str
    search_field: str
    filter_fields: tuple[str, ...]


@dataclass
class TableDefinition:
    """A table: its document validator plus indexes; built with `define_table(...).index(...)`."""

    validator: Validator
    indexes: dict[str, IndexDefinition] = field(default_factory=dict)
    search_indexes: dict[str, SearchIndexDefinition] = field(default_factory=dict)

    def index(self, name: str, fields: Iterable[str]) -> TableDefinition:
        check_identifier(name, "index")
        if name in RESERVED_INDEX_NAMES or name.startswith("_"):
            raise SchemaError(f"Index name {name!r} is reserved")
        if name in self.indexes or name in self.search_indexes:
            raise SchemaError(f"Duplicate index name {name!r}")
        if isinstance(fields, str):
            raise SchemaError(f"Index {name!r}: fields must be a list of field paths, not a string")
        field_list = tuple(fields)
        if not field_list:
            raise SchemaError(f"Index {name!r} must have at least one field")
        if len(set(field_list)) != len(field_list):
            raise SchemaError(f"Index {name!r} lists a field twice: {list(field_list)}")
        for f in field_list:
            _check_field_path(f, f"index {name!r}")
            if f == "_creationTime":
                raise SchemaError(f"Index {name!r}: `_creationTime` is added to every index automatically")
        if len(field_list) + 1 > MAX_INDEX_FIELDS:
            raise SchemaError(f"Index {name!r} has {len(field_list) + 1} fields (with _creationTime); "
                              f"the maximum is {MAX_INDEX_FIELDS}")
        if len(self.indexes) >= MAX_INDEXES_PER_TABLE:
            raise SchemaError(f"A table can have at most {MAX_INDEXES_PER_TABLE} indexes")
        self.indexes[name] = IndexDefinition(name, field_list)
        return self

    def search_index(self, name: str, *, search_field: str, filter_fields: Iterable[str] = ()) -> TableDefinition:
        check_identifier(name, "search index")
        if name in self.indexes or name in self.search_indexes or name in RESERVED_INDEX_NAMES:
            raise SchemaError(f"Duplicate index name {name!r}")
        _check_field_path(search_field, f"search index {name!r}")
        filters = tuple(filter_fields)
        if len(filters) > MAX_SEARCH_FILTER_FIELDS:
            raise SchemaError(f"Search index {name!r} has more than {MAX_SEARCH_FILTER_FIELDS} filter fields")
        for f in filters:
            _check_field_path(f, f"search index {name!r}")
        self.search_indexes[name] = SearchIndexDefinition(name, search_field, filters)
        return self

    def to_json(self) -> dict[str, Any]:
        return {
            "documentType": self.validator.to_json(),
            "indexes": [{"indexDescriptor": i.name, "fields": list(i.fields)} for i in self.indexes.values()],
            "searchIndexes": [
                {"indexDescriptor": s.name, "searchField": s.search_field, "filterFields": list(s.filter_fields)}
                for s in self.search_indexes.values()
            ],
        }


def _check_field_path(path: object, where: str) -> None:
    if not isinstance(path, str) or not path:
        raise SchemaError(f"{where}: field path {path!r} must be a non-empty string")
    for part in path.split("."):
        if not part or part.startswith("$"):
            raise SchemaError(f"{where}: invalid field path {path!r}")


def _system_field_clash(validator: Validator, table: str) -> None:
    objects = [validator] if isinstance(validator, ObjectValidator) else (
        [m for m in validator.members if isinstance(m, ObjectValidator)] if isinstance(validator, UnionValidator)
        else []
    )
    for obj in objects:
        for name in obj.fields:
            if name.startswith("_"):
                raise SchemaError(f"Table {table!r}: field {name!r} starts with an underscore, which is only "
                                  "allowed for system fields like '_id'")


def define_table(document: Mapping[str, Validator] | Validator) -> TableDefinition:
    """A table whose documents match an object validator (a dict of fields) or a union of objects."""
    if isinstance(document, Mapping):
        validator: Validator = ObjectValidator(document)
    elif isinstance(document, ObjectValidator):
        validator = document
    elif isinstance(document, UnionValidator):
        if not all(isinstance(m, ObjectValidator) for m in document.members):
            raise SchemaError("define_table() takes an object validator or a union of object validators")
        validator = document
    elif isinstance(document, AnyValidator):
        validator = document
    else:
        raise SchemaError("define_table() takes an object validator or a union of object validators")
    return TableDefinition(validator)


@dataclass
class SchemaDefinition:
    tables: dict[str, TableDefinition]
    schema_validation: bool = True

    def table(self, name: str) -> TableDefinition | None:
        return self.tables.get(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "tables": [{"tableName": name, **t.to_json()} for name, t in self.tables.items()],
            "schemaValidation": self.schema_validation,
        }


def define_schema(tables: Mapping[str, TableDefinition], *, schema_validation: bool = True) -> SchemaDefinition:
    checked: dict[str, TableDefinition] = {}
    for name, table in tables.items():
        check_table_name(name)
        if not isinstance(table, TableDefinition):
            raise SchemaError(f"Table {name!r} must be defined with define_table(...)")
        _system_field_clash(table.validator, name)
        checked[name] = table
    return SchemaDefinition(checked, schema_validation)
