"""`paginate`: opaque key-based cursors that survive concurrent writes, one paginated query per function, and
re-execution that ends at the journaled end cursor (gapless reactive pagination)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from project_factory import insert_messages, messages_schema, open_database, read, write

from albertplus_cli.database import Database, DatabaseError, InvalidCursorError
from albertplus_cli.database.query import Query
from albertplus_cli.database.reader_writer import DatabaseReader

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with open_database(tmp_path / "data.sqlite3", messages_schema(tmp_path)) as database:
        yield database


def page(db: Database, make: Callable[[DatabaseReader], Query], num: int, cursor: str | None,
         journal: str | None = None, end: str | None = None,
         max_rows: int | None = None) -> tuple[dict[str, Any], str | None]:
    """One page, and the journal the query would store (its end cursor)."""
    opts: dict[str, Any] = {"numItems": num, "cursor": cursor}
    if end is not None:
        opts["endCursor"] = end
    if max_rows is not None:
        opts["maximumRowsRead"] = max_rows
    result, tx = db.read(lambda tx: make(DatabaseReader(tx)).paginate(opts), journal=journal)
    return result, tx.journal_out


def walk(db: Database, make: Callable[[DatabaseReader], Query], num: int,
         between: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    for n in range(10_000):
        result, _ = page(db, make, num, cursor)
        assert len(result["page"]) <= num
        seen += result["page"]
        assert isinstance(result["continueCursor"], str)
        if result["isDone"]:
            return seen
        cursor = result["continueCursor"]
        if between is not None:
            between(n)
    raise AssertionError("pagination did not finish")


def all_messages(d: DatabaseReader) -> Query:
    return d.query("messages")


def by_author(author: str, desc: bool = False) -> Callable[[DatabaseReader], Query]:
    def make(d: DatabaseReader) -> Query:
        q = d.query("messages").with_index("by_author_likes", lambda r: r.eq("author", author))
        return q.order("desc") if desc else q

    return make


def test_walk_all_pages(db: Database) -> None:
    ids = insert_messages(db, [{"author": "a", "body": str(i)} for i in range(23)])
    for num in (1, 5, 23, 100):
        assert [doc["_id"] for doc in walk(db, all_messages, num)] == ids
    assert [doc["_id"] for doc in walk(db, lambda d: d.query("messages").order("desc"), 4)] == ids[::-1]


def test_last_full_page_reports_done(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i)} for i in range(10)])
    first, _ = page(db, all_messages, 5, None)
    assert not first["isDone"]
    second, _ = page(db, all_messages, 5, first["continueCursor"])
    assert len(second["page"]) == 5 and second["isDone"]
    again, _ = page(db, all_messages, 5, second["continueCursor"])
    assert again == {"page": [], "isDone": True, "continueCursor": second["continueCursor"]}


def test_empty_table(db: Database) -> None:
    result, _ = page(db, all_messages, 10, None)
    assert result["page"] == [] and result["isDone"] is True
    result, _ = page(db, lambda d: d.query("no_such_table"), 10, None)
    assert result["page"] == [] and result["isDone"] is True


def test_paginate_an_index_range_in_both_orders(db: Database) -> None:
    insert_messages(db, [{"author": "a" if i % 2 else "b", "body": str(i), "likes": i % 7} for i in range(40)])
    expected = read(db, lambda d: by_author("a")(d).collect())
    assert walk(db, by_author("a"), 3) == expected
    assert walk(db, by_author("a", desc=True), 3) == expected[::-1]


def test_paginate_with_a_filter(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i), "likes": i} for i in range(30)])

    def make(d: DatabaseReader) -> Query:
        return d.query("messages").filter(lambda q: q.eq(q.mod(q.field("likes"), 3), 0))

    assert [doc["likes"] for doc in walk(db, make, 4)] == list(range(0, 30, 3))


@pytest.mark.parametrize("desc", [False, True])
def test_concurrent_inserts_and_deletes_between_pages(db: Database, desc: bool) -> None:
    rng = random.Random(7)
    original = insert_messages(db, [{"author": "a", "body": f"orig{i}", "likes": rng.randint(0, 20)}
                                    for i in range(60)])
    deleted: set[str] = set()
    inserted: set[str] = set()

    def churn(n: int) -> None:
        # New documents land before, inside and after the walk's position; some originals disappear.
        rows = [{"author": "a", "body": f"new{n}.{k}", "likes": rng.randint(0, 20)} for k in range(3)]
        inserted.update(insert_messages(db, rows))
        victim = rng.choice(original)
        if victim not in deleted:
            write(db, lambda d: d.delete(victim))
            deleted.add(victim)

    seen = walk(db, by_author("a", desc=desc), 5, churn)
    seen_ids = [doc["_id"] for doc in seen]
    assert len(seen_ids) == len(set(seen_ids)), "a document was returned twice"
    survivors = set(original) - deleted
    assert survivors <= set(seen_ids), "a document present for the whole walk was skipped"
    assert set(seen_ids) <= set(original) | inserted
    # Pages are in index order even though the data changed between them.
    keys = [(doc["likes"], doc["_creationTime"]) for doc in seen]
    assert keys == sorted(keys, reverse=desc)


def test_concurrent_writes_from_another_thread_during_a_walk(db: Database) -> None:
    import threading

    original = set(insert_messages(db, [{"author": "a", "body": str(i), "likes": i % 5} for i in range(200)]))
    stop = threading.Event()

    def writer() -> None:
        # Bounded, so the walk cannot chase an endless stream of new rows at the end of the range.
        for i in range(300):
            if stop.is_set():
                return
            insert_messages(db, [{"author": "a", "body": f"w{i}", "likes": i % 5}])

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = [doc["_id"] for doc in walk(db, by_author("a"), 7)]
    finally:
        stop.set()
        thread.join()
    assert len(seen) == len(set(seen))
    assert original <= set(seen)


def test_cursor_from_another_query_is_refused(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i)} for i in range(10)])
    first, _ = page(db, all_messages, 3, None)
    with pytest.raises(InvalidCursorError, match="different query"):
        page(db, by_author("a"), 3, first["continueCursor"])
    with pytest.raises(InvalidCursorError, match="different query"):
        page(db, lambda d: d.query("messages").order("desc"), 3, first["continueCursor"])
    for garbage in ("", "not a cursor", "AAAA", 5):
        with pytest.raises(InvalidCursorError):
            page(db, all_messages, 3, garbage)  # type: ignore[arg-type]


def test_one_paginated_query_per_function(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": "x"}])

    def twice(d: DatabaseReader) -> None:
        d.query("messages").paginate({"numItems": 1, "cursor": None})
        d.query("messages").paginate({"numItems": 1, "cursor": None})

    with pytest.raises(DatabaseError, match="ran multiple paginated queries"):
        read(db, twice)


@pytest.mark.parametrize("num", [0, -1, 8193, 1.5, "3", None, True])
def test_num_items_must_be_valid(db: Database, num: Any) -> None:
    with pytest.raises(DatabaseError, match="numItems"):
        read(db, lambda d: d.query("messages").paginate({"numItems": num, "cursor": None}))


def test_journal_re_execution_ends_at_the_same_cursor(db: Database) -> None:
    ids = insert_messages(db, [{"author": "a", "body": str(i), "likes": i * 10} for i in range(10)])
    first, journal = page(db, by_author("a"), 4, None)
    assert journal == first["continueCursor"]
    assert [doc["_id"] for doc in first["page"]] == ids[:4]
    # New documents inside the first page's range: the re-run grows instead of pushing rows to page two.
    inserted = insert_messages(db, [{"author": "a", "body": "mid", "likes": 15}, {"author": "a", "body": "lo",
                                                                               "likes": -1}])
    rerun, rerun_journal = page(db, by_author("a"), 4, None, journal=journal)
    assert [doc["_id"] for doc in rerun["page"]] == [inserted[1], ids[0], ids[1], inserted[0], ids[2], ids[3]]
    assert rerun["continueCursor"] == first["continueCursor"] == rerun_journal
    assert rerun["isDone"] is False
    # The next page still starts right after the first page's end.
    second, _ = page(db, by_author("a"), 4, first["continueCursor"])
    assert [doc["_id"] for doc in second["page"]] == ids[4:8]


def test_end_cursor_option_is_the_same_as_the_journal(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i)} for i in range(10)])
    first, _ = page(db, all_messages, 3, None)
    insert_messages(db, [{"author": "a", "body": "late"}])  # after the end cursor: not in the page
    bounded, _ = page(db, all_messages, 3, None, end=first["continueCursor"])
    assert bounded == first


def test_re_execution_after_the_last_row_of_the_page_was_deleted(db: Database) -> None:
    ids = insert_messages(db, [{"author": "a", "body": str(i)} for i in range(10)])
    first, journal = page(db, all_messages, 3, None)
    write(db, lambda d: d.delete(ids[2]))
    rerun, rerun_journal = page(db, all_messages, 3, None, journal=journal)
    assert [doc["_id"] for doc in rerun["page"]] == ids[:2]
    # The page still ends where it ended: the next page (started from that cursor) keeps lining up.
    assert rerun["continueCursor"] == first["continueCursor"] == rerun_journal
    assert rerun["isDone"] is False


def test_re_execution_of_a_page_whose_rows_were_all_deleted(db: Database) -> None:
    ids = insert_messages(db, [{"author": "a", "body": str(i)} for i in range(6)])
    first, journal = page(db, all_messages, 2, None)
    write(db, lambda d: [d.delete(i) for i in ids[:2]])
    rerun, _ = page(db, all_messages, 2, None, journal=journal)
    assert rerun["page"] == []
    assert rerun["continueCursor"] == first["continueCursor"]
    assert rerun["isDone"] is False


def test_last_page_journal_is_the_end_and_picks_up_new_rows(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i)} for i in range(3)])
    last, journal = page(db, all_messages, 10, None)
    assert last["isDone"]
    late = insert_messages(db, [{"author": "a", "body": "late"}])
    rerun, _ = page(db, all_messages, 10, None, journal=journal)
    assert rerun["isDone"] and rerun["page"][-1]["_id"] == late[0] and len(rerun["page"]) == 4


def test_cursors_are_opaque_strings(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i)} for i in range(3)])
    first, _ = page(db, all_messages, 1, None)
    cursor = first["continueCursor"]
    assert isinstance(cursor, str) and cursor.isascii() and " " not in cursor


def every_tenth(d: DatabaseReader) -> Query:
    return d.query("messages").filter(lambda q: q.eq(q.mod(q.field("likes"), 10), 0))


def test_maximum_rows_read_ends_a_page_early_and_the_walk_goes_on(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i), "likes": i} for i in range(30)])
    unbounded, tx = db.read(lambda tx: every_tenth(DatabaseReader(tx)).paginate({"numItems": 5, "cursor": None}))
    assert [doc["likes"] for doc in unbounded["page"]] == [0, 10, 20] and tx.scanned == 30
    first, tx = db.read(lambda tx: every_tenth(DatabaseReader(tx)).paginate(
        {"numItems": 5, "cursor": None, "maximumRowsRead": 4}))
    # Rows 0..3 entered the pipeline (plus one peeked): a short page, not the end, and no split asked for.
    assert [doc["likes"] for doc in first["page"]] == [0] and first["isDone"] is False and tx.scanned <= 5
    assert "pageStatus" not in first and "splitCursor" not in first
    pages = []
    cursor = None
    while True:
        result, _ = page(db, every_tenth, 5, cursor, max_rows=4)
        pages.append([doc["likes"] for doc in result["page"]])
        if result["isDone"]:
            break
        cursor = result["continueCursor"]
    assert [likes for p in pages for likes in p] == [0, 10, 20]
    assert len(pages) == 8  # 30 rows, 4 per page


def test_maximum_rows_read_on_an_end_bounded_page_asks_for_a_split(db: Database) -> None:
    insert_messages(db, [{"author": "a", "body": str(i), "likes": i} for i in range(12)])
    first, journal = page(db, all_messages, 8, None)
    assert journal is not None
    rerun, rerun_journal = page(db, all_messages, 8, None, journal=journal, max_rows=3)
    assert [doc["likes"] for doc in rerun["page"]] == [0, 1, 2]
    assert rerun["pageStatus"] == "SplitRequired" and rerun["isDone"] is False
    assert rerun["continueCursor"] == first["continueCursor"] == rerun_journal
    # The client replaces the page by (cursor, splitCursor] and (splitCursor, continueCursor]: together the
    # same rows as the page read whole.
    split = rerun["splitCursor"]
    low, _ = page(db, all_messages, 8, None, end=split, max_rows=3)
    high, _ = page(db, all_messages, 8, split, end=first["continueCursor"], max_rows=5)
    assert "pageStatus" not in low and "pageStatus" not in high
    assert [doc["_id"] for doc in low["page"] + high["page"]] == [doc["_id"] for doc in first["page"]]
    # A budget that reaches exactly the end of the page leaves it whole.
    whole, _ = page(db, all_messages, 8, None, end=first["continueCursor"], max_rows=8)
    assert whole == first


@pytest.mark.parametrize("max_rows", [0, -1, 1.5, "3", True])
def test_maximum_rows_read_must_be_a_positive_integer(db: Database, max_rows: Any) -> None:
    with pytest.raises(DatabaseError, match="maximumRowsRead"):
        read(db, lambda d: d.query("messages").paginate({"numItems": 1, "cursor": None, "maximumRowsRead": max_rows}))
