"""Every `with_index` query of the AlbertPlus schema is a b-tree range in SQLite (per EXPLAIN QUERY PLAN).

The statements are the ones the store really issues: they are captured with SQLite's trace callback on the
reader connection while the query runs, then explained. Each must SEARCH `index_entries` by its primary key
and join `documents` by rowid, with no SCAN and no temporary sort.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from project_factory import open_database, read, write
from query_plan_support import (
    ALL_INDEXES,
    INDEX_IDS,
    SCHEMA,
    SCHOOL,
    check_every_equality_prefix,
    expected,
    sample_doc,
    seed,
)

from albertplus_cli.database import Database, DatabaseReader
from albertplus_cli.storage import SqliteStorage
from albertplus_cli.values import UNDEFINED, compare
from albertplus_cli.values.index_keys import field_value


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = Path(tmp_path_factory.mktemp("plans")) / "data.sqlite3"
    with open_database(path, SCHEMA) as database:
        write(database, seed)
        yield database


def reader_conn(db: Database) -> sqlite3.Connection:
    """This thread's SQLite read connection (these plans are SQLite's; PostgreSQL has its own EXPLAIN tests)."""
    store = db.store
    assert isinstance(store, SqliteStorage)
    return store.reader().conn


def traced(db: Database, fn: Callable[[DatabaseReader], Any]) -> tuple[Any, list[str]]:
    """Run a query and return its result and the SQL statements the store executed for it."""
    conn = reader_conn(db)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        result = read(db, fn)
    finally:
        conn.set_trace_callback(None)
    return result, statements


def plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    return [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


def assert_index_range_plans(db: Database, statements: list[str]) -> None:
    scans = [s for s in statements if "index_entries" in s]
    assert scans, statements
    conn = reader_conn(db)
    for sql in scans:
        details = plan(conn, sql)
        assert any(d.startswith("SEARCH e USING PRIMARY KEY (index_id=?") for d in details), (sql, details)
        assert any(d.startswith("SEARCH d USING INTEGER PRIMARY KEY (rowid=?)") for d in details), (sql, details)
        assert not any(d.startswith("SCAN") for d in details), (sql, details)
        assert not any("TEMP B-TREE" in d for d in details), (sql, details)


@pytest.mark.parametrize(("table", "index"), ALL_INDEXES, ids=INDEX_IDS)
def test_every_index_equality_prefix_uses_the_index(db: Database, table: str, index: str) -> None:
    check_every_equality_prefix(db, table, index, traced, lambda statements: assert_index_range_plans(db, statements))


@pytest.mark.parametrize(("table", "index"), ALL_INDEXES, ids=INDEX_IDS)
def test_every_index_range_and_descending_order_use_the_index(db: Database, table: str, index: str) -> None:
    fields = SCHEMA.tables[table].indexes[index].fields
    first = fields[0]
    defined = [doc for doc in read(db, lambda d: d.query(table).collect()) if field_value(doc, first) is not UNDEFINED]
    pivot = field_value(defined[len(defined) // 2], first)
    result, statements = traced(
        db, lambda d: d.query(table).with_index(index, lambda r: r.gte(first, pivot)).order("desc").collect()
    )
    want = expected(db, table, fields, lambda doc: compare(field_value(doc, first), pivot) >= 0, descending=True)
    assert [doc["_id"] for doc in result] == want
    assert_index_range_plans(db, statements)
    # The whole index, no range at all.
    result, statements = traced(db, lambda d: d.query(table).with_index(index).collect())
    assert [doc["_id"] for doc in result] == expected(db, table, fields, lambda doc: True)
    assert_index_range_plans(db, statements)


@pytest.mark.parametrize("table", sorted(SCHEMA.tables))
def test_table_scans_use_the_creation_time_index(db: Database, table: str) -> None:
    result, statements = traced(db, lambda d: d.query(table).order("desc").take(3))
    assert len(result) == 3
    assert [doc["_creationTime"] for doc in result] == sorted((doc["_creationTime"] for doc in result), reverse=True)
    assert_index_range_plans(db, statements)


def test_get_by_id_uses_the_id_index(db: Database) -> None:
    target = sample_doc(db, "courses")
    result, statements = traced(db, lambda d: d.get(target["_id"]))
    assert result == target
    gets = [s for s in statements if "FROM documents WHERE id" in s]
    assert gets
    details = plan(reader_conn(db), gets[0])
    assert details == ["SEARCH documents USING INDEX sqlite_autoindex_documents_1 (id=?)"]


@pytest.mark.parametrize(
    ("table", "index", "field", "text", "filters"),
    [
        ("programs", "search_name", "name", "program", {"school": SCHOOL}),
        ("courses", "search_title", "title", "course", {"level": "graduate"}),
        ("courseOfferings", "search_title", "title", "offering", {"isCorequisite": True}),
        ("courseOfferings", "search_course_code", "courseCode", "csci", {"term": "fall", "year": 2024}),
    ],
)
def test_search_uses_the_full_text_index(
    db: Database, table: str, index: str, field: str, text: str, filters: dict[str, Any]
) -> None:
    def run(d: DatabaseReader) -> list[dict[str, Any]]:
        def build(q: Any) -> Any:
            q = q.search(field, text)
            for name, value in filters.items():
                q = q.eq(name, value)
            return q

        return d.query(table).with_search_index(index, build).collect()

    result, statements = traced(db, run)
    assert result
    assert all(all(doc[k] == val for k, val in filters.items()) for doc in result)
    searches = [s for s in statements if "MATCH" in s]
    assert len(searches) == 1
    details = plan(reader_conn(db), searches[0])
    assert any(d.startswith("SCAN s VIRTUAL TABLE INDEX") for d in details), details
    assert any(d.startswith("SEARCH d USING INTEGER PRIMARY KEY (rowid=?)") for d in details), details
    assert not any(d.startswith("SCAN d") or d.startswith("SCAN documents") for d in details), details
