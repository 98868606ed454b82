"""Every `with_index` query of the AlbertPlus schema is one range scan of a b-tree on PostgreSQL (per EXPLAIN).

The plans are PostgreSQL's own, for the statements the store really issues: auto_explain is enabled for the
test database and reports each statement's plan to the client as a NOTICE, collected on the read snapshot's
connection while the query runs. Each index range must be an Index Scan of `index_entries_pkey`, the documents
fetched by `documents_pkey`, with no sequential scan and no sort. The tables are filled past the size where a
sequential scan would be cheaper, and analyzed, as a production database would be.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from project_factory import read, write
from query_plan_support import ALL_INDEXES, INDEX_IDS, SCHEMA, check_every_equality_prefix, sample_doc, seed
from storage_backends import PostgresDatabases, name_of

from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter
from albertplus_cli.storage.postgres_storage import PostgresSession

AUTO_EXPLAIN = ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0",
                "auto_explain.log_level = 'notice'", "auto_explain.log_format = 'json'"]


def filler(d: DatabaseWriter) -> None:
    """Many more rows, so that the planner's choice is the one it makes on real data."""
    for i in range(3000):
        d.insert("userCourses", {"userId": f"filler_{i % 50}", "courseCode": f"FILL-UA {i}", "title": "t",
                                 "year": 2000 + i % 20, "term": "fall", "grade": "a"})


@pytest.fixture(scope="module")
def seeded() -> Iterator[str]:
    """The seeded, analyzed database, made once per module and then only copied (never opened by a test)."""
    databases = PostgresDatabases("plans_seeded")
    url = databases.create()
    try:
        database = Database(url, SCHEMA)
        try:
            write(database, seed)
            for _ in range(3):
                write(database, filler)
        finally:
            database.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")  # the statistics are copied with the database
        yield name_of(url)
    finally:
        databases.drop_all()


@pytest.fixture
def db(seeded: str, postgres_databases: PostgresDatabases) -> Iterator[Database]:
    """This test's own copy of the seeded database, with auto_explain on (a per-database setting, not copied)."""
    url = postgres_databases.create(template=seeded)
    with psycopg.connect(url, autocommit=True) as conn:
        for setting in AUTO_EXPLAIN:
            conn.execute(f'ALTER DATABASE "{name_of(url)}" SET {setting}')
    database = Database(url, SCHEMA)
    try:
        yield database
    finally:
        database.close()


def traced(db: Database, fn: Callable[[DatabaseReader], Any]) -> tuple[Any, list[dict[str, Any]]]:
    """Run a query in a read snapshot; its result and the plans of the statements it executed."""
    plans: list[dict[str, Any]] = []

    def on_notice(diagnostic: psycopg.errors.Diagnostic) -> None:
        text = diagnostic.message_primary or ""
        if text.startswith("duration:") and "{" in text:
            plans.append(json.loads(text[text.index("{"):]))

    with db.snapshot():
        session = db.store.reader()
        assert isinstance(session, PostgresSession) and session._conn is not None
        conn = session._conn
        conn.add_notice_handler(on_notice)
        try:
            result = read(db, fn)
        finally:
            conn.execute("SELECT 1")  # a statement's plan is reported when its portal closes: at the next one
            conn.remove_notice_handler(on_notice)
    return result, plans


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def assert_index_range_plans(plans: list[dict[str, Any]]) -> None:
    scans = [p for p in plans if "index_entries" in p["Query Text"]]
    assert scans, plans
    for entry in scans:
        all_nodes = list(nodes(entry["Plan"]))
        kinds = [(n["Node Type"], n.get("Index Name"), n.get("Relation Name")) for n in all_nodes]
        on_entries = [n for n in all_nodes if n.get("Relation Name") == "index_entries"]
        assert len(on_entries) == 1, kinds
        assert on_entries[0]["Node Type"] == "Index Scan" and on_entries[0]["Index Name"] == "index_entries_pkey", kinds
        assert "index_id" in on_entries[0]["Index Cond"], on_entries[0]
        on_documents = [n for n in all_nodes if n.get("Relation Name") == "documents"]
        assert [(n["Node Type"], n["Index Name"]) for n in on_documents] == [("Index Scan", "documents_pkey")], kinds
        assert not any(n["Node Type"] in ("Seq Scan", "Sort", "Bitmap Heap Scan") for n in all_nodes), kinds


@pytest.mark.parametrize(("table", "index"), ALL_INDEXES, ids=INDEX_IDS)
def test_every_index_equality_prefix_is_one_index_range_scan(db: Database, table: str, index: str) -> None:
    check_every_equality_prefix(db, table, index, traced, assert_index_range_plans)


def test_a_descending_range_is_one_backward_index_scan(db: Database) -> None:
    result, plans = traced(db, lambda d: d.query("userCourses").with_index(
        "by_user", lambda r: r.eq("userId", "filler_7")).order("desc").take(5))
    assert len(result) == 5 and all(doc["userId"] == "filler_7" for doc in result)
    assert_index_range_plans(plans)
    directions = [n.get("Scan Direction") for p in plans for n in nodes(p["Plan"])
                  if n.get("Relation Name") == "index_entries"]
    assert directions and set(directions) == {"Backward"}


def test_get_by_id_uses_the_id_index(db: Database) -> None:
    target = sample_doc(db, "courses")
    result, plans = traced(db, lambda d: d.get(target["_id"]))
    assert result == target
    gets = [p for p in plans if "FROM documents WHERE id" in p["Query Text"]]
    assert [(n["Node Type"], n.get("Index Name")) for n in nodes(gets[0]["Plan"])] == \
        [("Index Scan", "documents_id_key")]
