"""Every `with_index` query of the AlbertPlus schema is a b-tree range in SQLite (per EXPLAIN QUERY PLAN).

The statements are the ones the store really issues: they are captured with SQLite's trace callback on the
reader connection while the query runs, then explained. Each must SEARCH `index_entries` by its primary key
and join `documents` by rowid, with no SCAN and no temporary sort.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from project_factory import albertplus_schema, open_database, read, write

from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter
from albertplus_cli.storage import SqliteStorage
from albertplus_cli.values import UNDEFINED, compare
from albertplus_cli.values.index_keys import field_value

SCHEMA = albertplus_schema()
ALL_INDEXES = [(table, name) for table, t in SCHEMA.tables.items() for name in t.indexes]
TERMS = ["spring", "summer", "fall", "j-term"]
SCHOOL = "College of Arts and Science"
OTHER_SCHOOL = "Tandon School of Engineering"


def seed(d: DatabaseWriter) -> None:
    """A few documents in every table, with repeated and missing values in indexed fields."""
    for i in range(6):
        d.insert("appConfigs", {"key": f"key{i % 3}", "value": str(i)})
    program_ids = [
        d.insert("programs", {"name": f"Program {i % 3}", "level": "undergraduate",
                              "school": SCHOOL if i % 2 else OTHER_SCHOOL, "programUrl": "u"})
        for i in range(6)
    ]
    school_ids = [
        d.insert("schools", {"name": SCHOOL if i % 2 else OTHER_SCHOOL, "shortName": f"S{i}",
                             "level": "graduate" if i % 3 else "undergraduate"})
        for i in range(6)
    ]
    for i in range(6):
        d.insert("requirements", {"programId": program_ids[i % 2], "isMajor": True, "type": "required",
                                  "courses": ["CSCI-UA 101"]})
    course_ids = [
        d.insert("courses", {"code": f"CSCI-UA {100 + i % 3}", "program": "CSCI-UA", "programName": "CS",
                             "level": "graduate" if i % 2 else "undergraduate", "title": f"Course {i}",
                             "credits": 4, "school": SCHOOL if i % 3 else OTHER_SCHOOL, "description": "d",
                             "courseUrl": "u"})
        for i in range(6)
    ]
    for i in range(6):
        d.insert("prerequisites", {"courseId": course_ids[i % 2], "type": "options", "courses": ["X"],
                                   "creditsRequired": 4})
    for i in range(12):
        offering: dict[str, Any] = {
            "courseCode": f"CSCI-UA {100 + i % 3}", "classNumber": 10000 + i % 4, "section": f"00{i}",
            "year": 2024 + i % 2, "term": TERMS[i % 4], "level": "undergraduate", "school": SCHOOL,
            "instructors": ["A"], "days": ["monday"], "status": "open", "isCorequisite": i % 3 == 0,
            "title": f"Offering {i}",
        }
        if i % 2:
            offering["corequisiteOf"] = 10000 + i % 4
        d.insert("courseOfferings", offering)
    user_course_ids = []
    for i in range(6):
        user_course_ids.append(d.insert("userCourses", {
            "userId": f"user_{i % 2}", "courseCode": f"CSCI-UA {100 + i % 3}", "title": "t", "year": 2024 + i % 2,
            "term": TERMS[i % 4], "grade": "a",
        }))
    for i in range(6):
        d.insert("userCourseOfferings", {"userId": f"user_{i % 2}", "classNumber": 10000 + i})
    for i in range(4):
        d.insert("students", {"userId": f"user_{i}", "programs": [program_ids[0]], "school": school_ids[0],
                              "startingDate": {"year": 2023, "term": "fall"},
                              "expectedGraduationDate": {"year": 2027, "term": "spring"}})
        d.insert("studentInvites", {"userId": f"user_{i % 2}", "name": "N", "email": "e@x"})


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


def expected(db: Database, table: str, fields: tuple[str, ...], keep: Callable[[dict[str, Any]], bool],
             descending: bool = False) -> list[str]:
    """The ids the index range should return, computed in Python from a full table read."""
    docs = [doc for doc in read(db, lambda d: d.query(table).collect()) if keep(doc)]

    def key(doc: dict[str, Any]) -> list[Any]:
        return [field_value(doc, f) for f in fields] + [doc["_creationTime"], doc["_id"]]

    docs.sort(key=functools.cmp_to_key(lambda a, b: compare(key(a), key(b))), reverse=descending)
    return [doc["_id"] for doc in docs]


def sample_doc(db: Database, table: str) -> dict[str, Any]:
    docs = read(db, lambda d: d.query(table).collect())
    assert docs
    return docs[len(docs) // 2]


@pytest.mark.parametrize(("table", "index"), ALL_INDEXES, ids=[f"{t}.{i}" for t, i in ALL_INDEXES])
def test_every_index_equality_prefix_uses_the_index(db: Database, table: str, index: str) -> None:
    fields = SCHEMA.tables[table].indexes[index].fields
    target = sample_doc(db, table)
    for n in range(1, len(fields) + 1):
        prefix = fields[:n]

        def build(r: Any, prefix: tuple[str, ...] = prefix) -> Any:
            for f in prefix:
                r = r.eq(f, field_value(target, f))
            return r

        result, statements = traced(db, lambda d, build=build: d.query(table).with_index(index, build).collect())
        want = expected(db, table, fields,
                        lambda doc, prefix=prefix: all(compare(field_value(doc, f), field_value(target, f)) == 0
                                                       for f in prefix))
        assert [doc["_id"] for doc in result] == want
        assert target["_id"] in want
        assert_index_range_plans(db, statements)


@pytest.mark.parametrize(("table", "index"), ALL_INDEXES, ids=[f"{t}.{i}" for t, i in ALL_INDEXES])
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
