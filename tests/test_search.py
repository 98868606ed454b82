"""`with_search_index` on both backends (SQLite FTS5, PostgreSQL tsvector), with Convex's matching rule.

A document matches when its search field has at least one of the query's terms (only the last one also as a
prefix) and every `.eq` filter field is equal; results come in relevance order, more of the terms first. This is
Convex's rule (get-convex/convex-backend `crates/search/src/convex_query.rs`: "Contain at least one of the OR
terms. Match all of the AND terms."), not "every term must match". Also: index maintenance, the query's rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from project_factory import insert_messages, messages_schema, open_database, read, schema_from_source, write

from albertplus_cli.database import Database, DatabaseError
from albertplus_cli.database.query import search_terms
from albertplus_cli.storage.sqlite_storage import fts_match

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with open_database(tmp_path / "data.sqlite3", messages_schema(tmp_path)) as database:
        insert_messages(database, [
            {"author": "ada", "body": "intro to computer science"},
            {"author": "bob", "body": "computer architecture"},
            {"author": "ada", "body": "data structures"},
            {"author": "cy", "body": "computer science computer science honors"},
            {"author": "bob", "body": "Café culture"},
        ])
        yield database


def search(db: Database, text: str, **filters: Any) -> list[str]:
    def build(q: Any) -> Any:
        q = q.search("body", text)
        for name, value in filters.items():
            q = q.eq(name, value)
        return q

    docs = read(db, lambda d: d.query("messages").with_search_index("search_body", build).collect())
    return [doc["body"] for doc in docs]


def test_relevance_order(db: Database) -> None:
    results = search(db, "computer science")
    assert results[0] == "computer science computer science honors"
    assert results[1] == "intro to computer science"
    assert set(results) == {
        "computer science computer science honors", "intro to computer science", "computer architecture",
    }


def test_any_term_matches(db: Database) -> None:
    assert set(search(db, "structures architecture")) == {"data structures", "computer architecture"}


def test_a_document_with_one_of_two_terms_is_returned_after_one_with_both(db: Database) -> None:
    insert_messages(db, [
        {"author": "g", "body": "graph algorithms"},  # both terms; the oldest, so no tie-break puts it first
        {"author": "g", "body": "graph theory"},
        {"author": "g", "body": "sorting algorithms"},
    ])
    results = search(db, "graph algorithms")
    assert results[0] == "graph algorithms"
    assert sorted(results[1:]) == ["graph theory", "sorting algorithms"]  # one term each is enough
    results = search(db, "algorithms graph")  # the order of the terms does not matter
    assert results[0] == "graph algorithms" and len(results) == 3


def test_only_the_last_term_matches_as_a_prefix(db: Database) -> None:
    assert search(db, "xyz struct") == ["data structures"]  # last: a prefix
    assert search(db, "struct xyz") == []  # not last: a whole word only
    assert search(db, "struct data") == ["data structures"]  # found through `data`, not `struct`
    results = search(db, "architecture comp")
    assert results[0] == "computer architecture"  # both terms
    assert set(results) == set(search(db, "comp")) and len(results) == 3  # `comp`, last: every computer document


def test_prefix_on_the_last_term_only(db: Database) -> None:
    assert set(search(db, "comp")) == {
        "intro to computer science", "computer architecture", "computer science computer science honors",
    }
    assert search(db, "struct") == ["data structures"]
    assert search(db, "comp data") == ["data structures"]  # `comp` is a whole word here, `data` a prefix


def test_underscores_and_punctuation_separate_terms(db: Database) -> None:
    """As Convex's tokenizer (Tantivy's SimpleTokenizer: runs of letters and digits), `data_science` is two
    terms, either of which matches — not a phrase."""
    expected = {"data structures", "intro to computer science", "computer science computer science honors"}
    assert set(search(db, "data_science")) == expected
    assert set(search(db, "science-data")) == {"data structures", *expected}
    assert search_terms("data_science, café-au-lait") == ["data", "science", "café", "au", "lait"]


def test_case_and_diacritics_are_folded(db: Database) -> None:
    assert search(db, "COMPUTER ARCHITECTURE")[0] == "computer architecture"
    assert search(db, "cafe") == ["Café culture"]


def test_filter_fields(db: Database) -> None:
    assert search(db, "computer", author="ada") == ["intro to computer science"]
    assert search(db, "computer", author="nobody") == []
    assert search(db, "quantum", author="ada") == []  # the filters alone match nothing: a term must too


POSTS_SCHEMA = """
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "posts": define_table({"body": v.string(), "author": v.string(), "channel": v.string()})
        .search_index("search_body", search_field="body", filter_fields=["author", "channel"]),
})
"""


def test_every_filter_field_must_match(tmp_path: Path) -> None:
    with open_database(tmp_path / "posts.sqlite3", schema_from_source(tmp_path / "posts", POSTS_SCHEMA)) as posts:
        write(posts, lambda d: [d.insert("posts", {"body": body, "author": author, "channel": channel})
                                for body, author, channel in [("rust tips", "ada", "general"),
                                                              ("rust tips", "ada", "random"),
                                                              ("rust tips", "bob", "general"),
                                                              ("go tips", "ada", "general")]])

        def found(**filters: str) -> list[tuple[str, str, str]]:
            def build(q: Any) -> Any:
                q = q.search("body", "rust")
                for name, value in filters.items():
                    q = q.eq(name, value)
                return q

            docs = read(posts, lambda d: d.query("posts").with_search_index("search_body", build).collect())
            return sorted((doc["body"], doc["author"], doc["channel"]) for doc in docs)

        assert found(author="ada", channel="general") == [("rust tips", "ada", "general")]
        assert found(author="ada") == [("rust tips", "ada", "general"), ("rust tips", "ada", "random")]
        assert found(channel="general") == [("rust tips", "ada", "general"), ("rust tips", "bob", "general")]
        assert found(author="bob", channel="random") == []
        assert len(found()) == 3


def test_no_match_is_empty(db: Database) -> None:
    assert search(db, "quantum") == []
    assert search(db, "") == []
    assert search(db, "   !!! ") == []
    assert search(db, " \t\n ") == []


def test_fts_syntax_in_the_text_is_just_text(db: Database) -> None:
    for text in ['"', "AND", "OR NOT", "body:computer", "comp*", "(x", "NEAR(a b)"]:
        search(db, text)  # no FTS5 syntax error


def test_fts_match_expression() -> None:
    assert fts_match(search_terms("Hello  World")) == '"hello" OR "world"*'
    assert search_terms("") == []
    assert fts_match(search_terms('a"b')) == '"a" OR "b"*'


def test_index_follows_writes(db: Database) -> None:
    doc_id = write(db, lambda d: d.insert("messages", {"author": "dee", "body": "quantum physics"}))
    assert search(db, "quantum") == ["quantum physics"]
    write(db, lambda d: d.patch(doc_id, {"body": "classical mechanics"}))
    assert search(db, "quantum") == []
    assert search(db, "mechanics") == ["classical mechanics"]
    write(db, lambda d: d.patch(doc_id, {"author": "eve"}))
    assert search(db, "mechanics", author="eve") == ["classical mechanics"]
    assert search(db, "mechanics", author="dee") == []
    write(db, lambda d: d.delete(doc_id))
    assert search(db, "mechanics") == []


def test_search_rules(db: Database) -> None:
    with pytest.raises(DatabaseError, match="relevance order"):
        read(db, lambda d: d.query("messages").with_search_index("search_body", lambda q: q.search("body", "x"))
             .order("desc"))
    with pytest.raises(DatabaseError, match="not 'author'"):
        read(db, lambda d: d.query("messages").with_search_index("search_body", lambda q: q.search("author", "x")))
    with pytest.raises(DatabaseError, match="not a filter field"):
        read(db, lambda d: d.query("messages").with_search_index(
            "search_body", lambda q: q.search("body", "x").eq("likes", 1)))
    with pytest.raises(DatabaseError, match="needs q.search"):
        read(db, lambda d: d.query("messages").with_search_index("search_body", lambda q: q.eq("author", "ada")))
    with pytest.raises(DatabaseError, match="not found"):
        read(db, lambda d: d.query("messages").with_search_index("nope", lambda q: q.search("body", "x")))


def test_take_and_filter_on_search(db: Database) -> None:
    top = read(db, lambda d: d.query("messages").with_search_index(
        "search_body", lambda q: q.search("body", "computer")).take(1))
    assert [doc["body"] for doc in top] == ["computer science computer science honors"]
    filtered = read(db, lambda d: d.query("messages").with_search_index(
        "search_body", lambda q: q.search("body", "computer")).filter(lambda q: q.eq(q.field("author"), "bob"))
        .collect())
    assert [doc["body"] for doc in filtered] == ["computer architecture"]


def test_paginate_search(db: Database) -> None:
    insert_messages(db, [{"author": "z", "body": f"computer lab {i}"} for i in range(7)])
    everything = search(db, "computer")
    seen: list[str] = []
    cursor = None
    while True:
        result = read(db, lambda d, cursor=cursor: d.query("messages").with_search_index(
            "search_body", lambda q: q.search("body", "computer")).paginate({"numItems": 3, "cursor": cursor}))
        seen += [doc["body"] for doc in result["page"]]
        if result["isDone"]:
            break
        cursor = result["continueCursor"]
    assert seen == everything and len(seen) == 10
