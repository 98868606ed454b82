"""`ctx.db` reads: index ranges and their rules, order, filters, take/first/unique/collect, get, normalize_id."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from project_factory import insert_messages, messages_schema, open_database, read, write

from albertplus_cli.database import Database, DatabaseError
from albertplus_cli.values import UNDEFINED, Int64, encode_id

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL

ROWS: list[dict[str, Any]] = [
    {"author": "ada", "body": "hello world", "likes": 3},
    {"author": "bob", "body": "second", "likes": 1},
    {"author": "ada", "body": "third", "likes": 1},
    {"author": "cy", "body": "no likes"},
    {"author": "ada", "body": "fifth", "likes": 10},
    {"author": "bob", "body": "sixth", "likes": 7},
]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with open_database(tmp_path / "data.sqlite3", messages_schema(tmp_path)) as database:
        insert_messages(database, ROWS)
        yield database


def bodies(docs: list[dict[str, Any]]) -> list[str]:
    return [doc["body"] for doc in docs]


# -- index ranges ------------------------------------------------------------------------------------


def test_equality_on_an_index_prefix(db: Database) -> None:
    docs = read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "ada")).collect())
    assert bodies(docs) == ["hello world", "third", "fifth"]  # ties in creation order


def test_compound_index_sorts_by_the_next_field_then_creation_time(db: Database) -> None:
    docs = read(db, lambda d: d.query("messages").with_index("by_author_likes", lambda r: r.eq("author", "ada"))
                .collect())
    assert [doc["likes"] for doc in docs] == [1, 3, 10]


def test_lower_and_upper_bounds_on_the_next_field(db: Database) -> None:
    def q(build: Any) -> list[str]:
        return bodies(read(db, lambda d: d.query("messages").with_index("by_author_likes", build).collect()))

    assert q(lambda r: r.eq("author", "ada").gt("likes", 1)) == ["hello world", "fifth"]
    assert q(lambda r: r.eq("author", "ada").gte("likes", 1).lt("likes", 10)) == ["third", "hello world"]
    assert q(lambda r: r.eq("author", "ada").gt("likes", 1).lte("likes", 10)) == ["hello world", "fifth"]
    assert q(lambda r: r.eq("author", "ada").lt("likes", 3)) == ["third"]
    assert q(lambda r: r.eq("author", "ada").lte("likes", 3)) == ["third", "hello world"]
    assert q(lambda r: r.eq("author", "ada").gt("likes", 10)) == []
    # Bounds on the first field.
    assert q(lambda r: r.gte("author", "b").lt("author", "c")) == ["second", "sixth"]
    assert q(lambda r: r.gt("author", "bob")) == ["no likes"]
    # Equalities all the way, including _creationTime.
    first = read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "ada")).first())
    assert first is not None
    assert q(lambda r: r.eq("author", "ada").eq("likes", 3).eq("_creationTime", first["_creationTime"])) == [
        "hello world"
    ]


def test_missing_fields_are_undefined_and_sort_first(db: Database) -> None:
    docs = read(db, lambda d: d.query("messages").with_index("by_author_likes", lambda r: r.eq("author", "cy"))
                .collect())
    assert bodies(docs) == ["no likes"]
    undefined = read(db, lambda d: d.query("messages")
                     .with_index("by_author_likes", lambda r: r.eq("author", "cy").eq("likes", UNDEFINED)).collect())
    assert bodies(undefined) == ["no likes"]
    nulls = read(db, lambda d: d.query("messages")
                 .with_index("by_author_likes", lambda r: r.eq("author", "cy").eq("likes", None)).collect())
    assert nulls == []
    # Any bound excludes undefined, which sorts below everything.
    above = read(db, lambda d: d.query("messages")
                 .with_index("by_author_likes", lambda r: r.eq("author", "cy").gte("likes", None)).collect())
    assert above == []


def test_int64_and_float_are_different_keys(db: Database) -> None:
    write(db, lambda d: d.insert("messages", {"author": "int", "body": "b", "likes": 1}))
    docs = read(db, lambda d: d.query("messages")
                .with_index("by_author_likes", lambda r: r.eq("author", "int").eq("likes", 1.0)).collect())
    assert len(docs) == 1
    # An int64 bound is below every float64: `gt(Int64(100))` still matches the float 1.
    docs = read(db, lambda d: d.query("messages")
                .with_index("by_author_likes", lambda r: r.eq("author", "int").gt("likes", Int64(100))).collect())
    assert len(docs) == 1


@pytest.mark.parametrize(
    "build",
    [
        lambda r: r.eq("likes", 1),  # skips `author`
        lambda r: r.eq("author", "ada").eq("author", "ada"),
        lambda r: r.gt("author", "a").eq("likes", 1),  # equality after a bound
        lambda r: r.gt("author", "a").lt("likes", 1),  # bounds on two fields
        lambda r: r.eq("author", "a").eq("nope", 1),
        lambda r: r.gt("likes", 1),  # bound not on the next field
    ],
)
def test_fields_out_of_order_are_refused(db: Database, build: Any) -> None:
    with pytest.raises(DatabaseError, match="didn't use the index fields in order"):
        read(db, lambda d: d.query("messages").with_index("by_author_likes", build).collect())


def test_two_bounds_of_one_kind_are_refused(db: Database) -> None:
    with pytest.raises(DatabaseError, match="already has a lower bound"):
        read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.gt("author", "a").gte("author", "b"))
             .collect())
    with pytest.raises(DatabaseError, match="already has a upper bound|already has an upper bound"):
        read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.lt("author", "a").lte("author", "b"))
             .collect())


def test_unknown_index(db: Database) -> None:
    with pytest.raises(DatabaseError, match=r"Index messages.nope not found"):
        read(db, lambda d: d.query("messages").with_index("nope").collect())


def test_with_index_only_once_and_first(db: Database) -> None:
    with pytest.raises(DatabaseError):
        read(db, lambda d: d.query("messages").with_index("by_author").with_index("by_author").collect())
    with pytest.raises(DatabaseError):
        read(db, lambda d: d.query("messages").order("desc").with_index("by_author").collect())


# -- order ---------------------------------------------------------------------------------------------


def test_default_order_is_creation_time(db: Database) -> None:
    assert bodies(read(db, lambda d: d.query("messages").collect())) == [row["body"] for row in ROWS]
    assert bodies(read(db, lambda d: d.query("messages").order("desc").collect())) == [
        row["body"] for row in reversed(ROWS)
    ]


def test_desc_on_an_index(db: Database) -> None:
    docs = read(db, lambda d: d.query("messages").with_index("by_author").order("desc").collect())
    assert [doc["author"] for doc in docs] == ["cy", "bob", "bob", "ada", "ada", "ada"]
    assert bodies(docs)[:3] == ["no likes", "sixth", "second"]


def test_order_rules(db: Database) -> None:
    with pytest.raises(DatabaseError, match="at most once"):
        read(db, lambda d: d.query("messages").order("asc").order("desc").collect())
    with pytest.raises(DatabaseError):
        read(db, lambda d: d.query("messages").order("up").collect())


# -- filters -----------------------------------------------------------------------------------------


def test_filter_comparisons(db: Database) -> None:
    def f(fn: Any) -> list[str]:
        return bodies(read(db, lambda d: d.query("messages").filter(fn).collect()))

    assert f(lambda q: q.eq(q.field("author"), "bob")) == ["second", "sixth"]
    assert f(lambda q: q.neq(q.field("author"), "ada")) == ["second", "no likes", "sixth"]
    assert f(lambda q: q.gt(q.field("likes"), 3)) == ["fifth", "sixth"]
    assert f(lambda q: q.gte(q.field("likes"), 3)) == ["hello world", "fifth", "sixth"]
    assert f(lambda q: q.lt(q.field("likes"), 3)) == ["second", "third", "no likes"]  # undefined < numbers
    assert f(lambda q: q.lte(q.field("likes"), 1)) == ["second", "third", "no likes"]
    assert f(lambda q: q.eq(q.field("likes"), UNDEFINED)) == ["no likes"]
    assert f(lambda q: q.eq(q.field("likes"), None)) == []  # missing is not null


def test_filter_boolean_combinators(db: Database) -> None:
    def f(fn: Any) -> list[str]:
        return bodies(read(db, lambda d: d.query("messages").filter(fn).collect()))

    assert f(lambda q: q.and_(q.eq(q.field("author"), "ada"), q.gt(q.field("likes"), 1))) == ["hello world", "fifth"]
    assert f(lambda q: q.or_(q.eq(q.field("author"), "cy"), q.eq(q.field("likes"), 7))) == ["no likes", "sixth"]
    assert f(lambda q: q.not_(q.eq(q.field("author"), "ada"))) == ["second", "no likes", "sixth"]
    assert f(lambda q: q.and_()) == bodies(ROWS)
    assert f(lambda q: q.or_()) == []
    # Chained filters all apply.
    docs = read(db, lambda d: d.query("messages").filter(lambda q: q.eq(q.field("author"), "ada"))
                .filter(lambda q: q.lt(q.field("likes"), 5)).collect())
    assert bodies(docs) == ["hello world", "third"]


def test_filter_arithmetic(db: Database) -> None:
    def f(fn: Any) -> list[str]:
        # `and_` short-circuits, so the arithmetic only sees documents that have `likes`.
        return bodies(read(db, lambda d: d.query("messages")
                           .filter(lambda q: q.and_(q.neq(q.field("likes"), UNDEFINED), fn(q))).collect()))

    assert f(lambda q: q.eq(q.add(q.field("likes"), 1), 4)) == ["hello world"]
    assert f(lambda q: q.eq(q.sub(q.field("likes"), 1), 0)) == ["second", "third"]
    assert f(lambda q: q.gt(q.mul(q.field("likes"), 2), 15)) == ["fifth"]
    assert f(lambda q: q.eq(q.div(q.field("likes"), 2), 5)) == ["fifth"]
    assert f(lambda q: q.eq(q.mod(q.field("likes"), 3), 1)) == ["second", "third", "fifth", "sixth"]
    assert f(lambda q: q.eq(q.neg(q.field("likes")), -7)) == ["sixth"]
    # Arithmetic on a missing field is an error, as in Convex.
    with pytest.raises(DatabaseError, match="Cannot compute add"):
        read(db, lambda d: d.query("messages").filter(lambda q: q.eq(q.add(q.field("likes"), 1), 4)).collect())


def _evaluate(expr: Any) -> Any:
    from albertplus_cli.database.expressions import FilterBuilder

    return expr(FilterBuilder()).evaluate({})


def test_arithmetic_follows_convex_number_rules() -> None:
    # float64: IEEE results instead of Python exceptions.
    assert _evaluate(lambda q: q.div(1.0, 0.0)) == math.inf
    assert _evaluate(lambda q: q.div(1.0, -0.0)) == -math.inf
    assert _evaluate(lambda q: q.div(-1.0, 0.0)) == -math.inf
    assert math.isnan(_evaluate(lambda q: q.div(0.0, 0.0)))
    assert math.isnan(_evaluate(lambda q: q.mod(1.0, 0.0)))
    assert math.isnan(_evaluate(lambda q: q.mod(math.inf, 2.0)))
    assert _evaluate(lambda q: q.mod(-7.0, 3.0)) == -1.0
    # int64: exact, truncating like Rust's i64 operators.
    big = 2**62 + 1
    assert _evaluate(lambda q: q.div(Int64(big), Int64(1))) == Int64(big)
    assert _evaluate(lambda q: q.div(Int64(-7), Int64(2))) == Int64(-3)
    assert _evaluate(lambda q: q.mod(Int64(-7), Int64(2))) == Int64(-1)
    assert _evaluate(lambda q: q.mod(Int64(big), Int64(2**40))) == Int64(1)
    assert _evaluate(lambda q: q.add(Int64(2), Int64(3))) == Int64(5)
    assert _evaluate(lambda q: q.neg(Int64(4))) == Int64(-4)
    with pytest.raises(DatabaseError):
        _evaluate(lambda q: q.div(Int64(1), Int64(0)))
    with pytest.raises(DatabaseError):
        _evaluate(lambda q: q.add(Int64(1), 1.0))  # no mixing int64 and float64
    with pytest.raises(DatabaseError):
        _evaluate(lambda q: q.add("a", "b"))


def test_python_boolean_operators_on_expressions_are_refused(db: Database) -> None:
    with pytest.raises(DatabaseError, match="q.and_"):
        read(db, lambda d: d.query("messages").filter(lambda q: q.eq(q.field("a"), 1) and q.eq(q.field("b"), 2))
             .collect())
    with pytest.raises(DatabaseError, match="filter expression"):
        read(db, lambda d: d.query("messages").filter(lambda q: "nope").collect())


def test_filter_on_an_index_range(db: Database) -> None:
    docs = read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "bob"))
                .filter(lambda q: q.gt(q.field("likes"), 1)).collect())
    assert bodies(docs) == ["sixth"]


# -- take / first / unique / collect -----------------------------------------------------------------


def test_take(db: Database) -> None:
    assert bodies(read(db, lambda d: d.query("messages").take(2))) == ["hello world", "second"]
    assert read(db, lambda d: d.query("messages").take(0)) == []
    assert len(read(db, lambda d: d.query("messages").take(100))) == len(ROWS)
    taken = read(db, lambda d: d.query("messages").filter(lambda q: q.eq(q.field("author"), "bob")).take(1))
    assert bodies(taken) == ["second"]
    for bad in (-1, 1.5, "2", True):
        with pytest.raises(DatabaseError, match="non-negative integer"):
            read(db, lambda d, bad=bad: d.query("messages").take(bad))


def test_first(db: Database) -> None:
    first = read(db, lambda d: d.query("messages").order("desc").first())
    assert first is not None and first["body"] == "sixth"
    none = read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "zz")).first())
    assert none is None


def test_unique(db: Database) -> None:
    one = read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "cy")).unique())
    assert one is not None and one["body"] == "no likes"
    assert read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "x")).unique()) \
        is None
    with pytest.raises(DatabaseError, match="unique\\(\\) query returned more than one result from table messages"):
        read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "bob")).unique())


def test_collect_and_iteration(db: Database) -> None:
    docs = read(db, lambda d: d.query("messages").collect())
    assert len(docs) == len(ROWS)
    assert all(set(doc) >= {"_id", "_creationTime", "author", "body"} for doc in docs)
    assert read(db, lambda d: [doc["body"] for doc in d.query("messages")]) == bodies(docs)


def test_many_documents_stream_in_pages(db: Database) -> None:
    insert_messages(db, [{"author": "many", "body": str(i), "likes": i} for i in range(2500)])
    docs = read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", "many")).collect())
    assert [doc["body"] for doc in docs] == [str(i) for i in range(2500)]
    desc = read(db, lambda d: d.query("messages").with_index("by_author_likes", lambda r: r.eq("author", "many"))
                .order("desc").take(1500))
    assert [doc["likes"] for doc in desc] == list(range(2499, 999, -1))


def test_unknown_table_reads_are_empty(db: Database) -> None:
    assert read(db, lambda d: d.query("nothing").collect()) == []
    assert read(db, lambda d: d.query("nothing").first()) is None


# -- get / normalize_id ----------------------------------------------------------------------------------


def test_get(db: Database) -> None:
    doc = read(db, lambda d: d.query("messages").first())
    assert doc is not None
    assert read(db, lambda d: d.get(doc["_id"])) == doc
    assert read(db, lambda d: d.get("messages", doc["_id"])) == doc
    with pytest.raises(DatabaseError, match="not an id of table 'users'"):
        read(db, lambda d: d.get("users", doc["_id"]))
    with pytest.raises(DatabaseError, match="Unable to decode ID"):
        read(db, lambda d: d.get("definitely not an id"))
    # A well-formed id of a deleted document or of an unknown table is null.
    write(db, lambda d: d.delete(doc["_id"]))
    assert read(db, lambda d: d.get(doc["_id"])) is None
    assert read(db, lambda d: d.get(encode_id(10999, bytes(16)))) is None


def test_system_fields(db: Database) -> None:
    docs = read(db, lambda d: d.query("messages").collect())
    times = [doc["_creationTime"] for doc in docs]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(isinstance(t, float) and 0 < t < 2**53 for t in times)
    assert all(doc["_id"].startswith("j5") and len(doc["_id"]) == 32 for doc in docs)


def test_normalize_id(db: Database) -> None:
    doc = read(db, lambda d: d.query("messages").first())
    assert doc is not None
    assert read(db, lambda d: d.normalize_id("messages", doc["_id"])) == doc["_id"]
    assert read(db, lambda d: d.normalize_id("users", doc["_id"])) is None
    assert read(db, lambda d: d.normalize_id("messages", "garbage")) is None
    assert read(db, lambda d: d.normalize_id("nothing", doc["_id"])) is None
    assert read(db, lambda d: d.normalize_id("messages", 42)) is None


def test_queries_cannot_write(db: Database) -> None:
    with pytest.raises(DatabaseError, match="Cannot write to the database in a query"):
        read(db, lambda d: d._tx.insert("messages", {"author": "a", "body": "b"}))
