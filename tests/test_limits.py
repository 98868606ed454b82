"""Convex's limits with Convex's messages (spec §4.4): 1 MiB documents, nesting 16, arrays 8192, fields 1024,
32,000 documents scanned and 16,000 written per transaction. Run on transactions directly to stay fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from project_factory import open_database, read, write

from albertplus_cli.database import Database, DatabaseError, DatabaseWriter
from albertplus_cli.values import limits
from albertplus_cli.values.limits import LimitError, check_document, check_shape

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with open_database(tmp_path / "data.sqlite3", None) as database:
        yield database


def nested(depth: int) -> Any:
    """An object nested `depth` levels deep (the document itself is level 1)."""
    value: Any = {}
    for _ in range(depth - 1):
        value = {"x": value}
    return value


def test_document_size_limit(db: Database) -> None:
    overhead = 200
    write(db, lambda d: d.insert("t", {"s": "a" * (limits.MAX_DOCUMENT_SIZE - overhead)}))
    with pytest.raises(DatabaseError, match=r"Value is too large \(\d+ bytes > maximum size 1048576 bytes\)"):
        write(db, lambda d: d.insert("t", {"s": "a" * limits.MAX_DOCUMENT_SIZE}))
    doc_id = write(db, lambda d: d.insert("t", {"s": "small"}))
    with pytest.raises(DatabaseError, match="Value is too large"):
        write(db, lambda d: d.patch(doc_id, {"big": "b" * limits.MAX_DOCUMENT_SIZE}))


def test_document_nesting_limit(db: Database) -> None:
    write(db, lambda d: d.insert("t", nested(16)))
    with pytest.raises(DatabaseError, match=r"Document is too nested \(nested 17 levels deep > maximum nesting 16\)"):
        write(db, lambda d: d.insert("t", nested(17)))
    arrays: Any = [1]
    for _ in range(14):
        arrays = [arrays]
    write(db, lambda d: d.insert("t", {"a": arrays}))  # the document, then 15 arrays: 16 levels
    with pytest.raises(DatabaseError, match="too nested"):
        write(db, lambda d: d.insert("t", {"a": [arrays]}))


def test_array_length_limit(db: Database) -> None:
    write(db, lambda d: d.insert("t", {"a": [0] * 8192}))
    with pytest.raises(DatabaseError, match=r"Array length is too long \(8193 > maximum length 8192\)"):
        write(db, lambda d: d.insert("t", {"a": [0] * 8193}))
    with pytest.raises(DatabaseError, match="Array length is too long"):
        write(db, lambda d: d.insert("t", {"a": {"b": [0] * 9000}}))


def test_field_count_limit(db: Database) -> None:
    # The document object includes `_id` and `_creationTime`, as Convex's does.
    write(db, lambda d: d.insert("t", {f"f{i}": i for i in range(1022)}))
    with pytest.raises(DatabaseError, match=r"Object has too many fields \(1025 > maximum number 1024\)"):
        write(db, lambda d: d.insert("t", {f"f{i}": i for i in range(1023)}))
    write(db, lambda d: d.insert("t", {"o": {f"f{i}": i for i in range(1024)}}))
    with pytest.raises(DatabaseError, match=r"Object has too many fields \(1025 > maximum number 1024\)"):
        write(db, lambda d: d.insert("t", {"o": {f"f{i}": i for i in range(1025)}}))


def test_nested_underscore_fields_are_refused(db: Database) -> None:
    with pytest.raises(DatabaseError, match="Field '_x' starts with an underscore, which is not allowed for nested"):
        write(db, lambda d: d.insert("t", {"o": {"_x": 1}}))
    with pytest.raises(DatabaseError, match="'_y'"):
        write(db, lambda d: d.insert("t", {"a": [{"ok": {"_y": 1}}]}))


def test_documents_scanned_limit(db: Database) -> None:
    for _ in range(2):
        write(db, lambda d: [d.insert("t", {}) for _ in range(limits.MAX_WRITTEN_DOCUMENTS)])
    write(db, lambda d: d.insert("t", {}))  # 32,001 documents
    assert len(read(db, lambda d: d.query("t").take(32_000))) == 32_000
    message = (
        "Too many documents read in a single function execution (limit: 32000). Consider using smaller limits in "
        "your queries, paginating your queries, or using indexed queries with a selective index range expressions."
    )
    with pytest.raises(DatabaseError) as info:
        read(db, lambda d: d.query("t").collect())
    assert str(info.value) == message
    # Documents a filter rejects still count as scanned.
    with pytest.raises(DatabaseError, match="Too many documents read"):
        read(db, lambda d: d.query("t").filter(lambda q: q.eq(q.field("x"), 1)).first())
    # The limit is per transaction, across queries and gets.
    ids = [doc["_id"] for doc in read(db, lambda d: d.query("t").take(10))]

    def many_reads(d: Any) -> None:
        d.query("t").take(31_995)
        for doc_id in ids:
            d.get(doc_id)

    with pytest.raises(DatabaseError, match="Too many documents read"):
        read(db, many_reads)


def test_documents_written_limit(db: Database) -> None:
    write(db, lambda d: [d.insert("t", {"i": i}) for i in range(limits.MAX_WRITTEN_DOCUMENTS)])
    with pytest.raises(DatabaseError) as info:
        write(db, lambda d: [d.insert("t", {"i": i}) for i in range(limits.MAX_WRITTEN_DOCUMENTS + 1)])
    assert str(info.value) == "Too many writes in a single function execution (limit: 16000)"
    # Nothing of the failed mutation was written.
    assert len(read(db, lambda d: d.query("t").take(20_000))) == limits.MAX_WRITTEN_DOCUMENTS


def test_patches_and_deletes_count_as_writes(db: Database) -> None:
    ids = write(db, lambda d: [d.insert("t", {"i": i}) for i in range(10)])

    def churn(d: DatabaseWriter) -> None:
        for n in range(limits.MAX_WRITTEN_DOCUMENTS // 2 + 1):
            d.patch(ids[n % 10], {"n": n})
        for n in range(limits.MAX_WRITTEN_DOCUMENTS // 2):
            d.patch(ids[n % 10], {"n": -n})

    with pytest.raises(DatabaseError, match="Too many writes"):
        write(db, churn)


def test_check_shape_and_document_directly() -> None:
    check_shape(nested(64), limits.MAX_VALUE_NESTING)
    with pytest.raises(LimitError, match="Value is too nested"):
        check_shape(nested(65), limits.MAX_VALUE_NESTING)
    assert check_document({"a": [1, 2]}) == b'{"a":[1.0,2.0]}'  # user fields in, their stored encoding out
