"""The catalog: which tables exist (name ↔ number), their validators, and their indexes' storage ids.

A catalog is an immutable snapshot built from the database's catalog rows and the loaded schema; a schema
push builds a new one and swaps it in, so running transactions keep a consistent view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from albertplus_cli.schema import SchemaDefinition
from albertplus_cli.storage import ReadSession
from albertplus_cli.values.validators import Validator

CREATION_TIME_INDEX = "by_creation_time"
BY_ID_INDEX = "by_id"


@dataclass(frozen=True)
class IndexInfo:
    index_id: int
    table: str
    name: str
    fields: tuple[str, ...]  # user fields; the key adds `_creationTime` and `_id`

    @property
    def key_fields(self) -> tuple[str, ...]:
        return (*self.fields, "_creationTime")


@dataclass(frozen=True)
class SearchInfo:
    index_id: int
    table: str
    name: str
    search_field: str
    filter_fields: tuple[str, ...]


@dataclass
class TableInfo:
    name: str
    number: int
    validator: Validator | None
    in_schema: bool
    indexes: dict[str, IndexInfo] = field(default_factory=dict)
    search_indexes: dict[str, SearchInfo] = field(default_factory=dict)

    @property
    def creation_index(self) -> IndexInfo:
        return self.indexes[CREATION_TIME_INDEX]


class Catalog:
    """An immutable view of the tables and indexes, as of one schema push."""

    def __init__(self, tables: list[TableInfo], schema: SchemaDefinition | None) -> None:
        self.schema = schema
        self.by_name = {t.name: t for t in tables}
        self.by_number = {t.number: t for t in tables}

    def table(self, name: str) -> TableInfo | None:
        return self.by_name.get(name)

    def table_number(self, name: str) -> int | None:
        info = self.by_name.get(name)
        return None if info is None else info.number

    @classmethod
    def load(cls, session: ReadSession, schema: SchemaDefinition | None) -> Catalog:
        tables = {row.number: row.name for row in session.load_tables()}
        infos: dict[int, TableInfo] = {}
        for number, name in tables.items():
            table_def = schema.table(name) if schema else None
            infos[number] = TableInfo(
                name=name,
                number=number,
                validator=table_def.validator if table_def else None,
                in_schema=table_def is not None,
            )
        for row in session.load_indexes():
            info = infos.get(row.table_number)
            if info is None:
                continue
            spec = orjson.loads(row.spec)
            if row.kind == "search":
                info.search_indexes[row.name] = SearchInfo(
                    row.index_id, info.name, row.name, spec["searchField"], tuple(spec["filterFields"])
                )
            else:
                info.indexes[row.name] = IndexInfo(row.index_id, info.name, row.name, tuple(spec["fields"]))
        return cls(list(infos.values()), schema)
