"""Schema pushes: new tables and indexes (backfilled), dropped and changed indexes, validation of existing data
that refuses an incompatible schema and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from project_factory import database_location, open_database, read, schema_from_source, write

from albertplus_cli.database import Database, DatabaseError, SchemaValidationError
from albertplus_cli.schema import SchemaDefinition

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL

HEADER = """
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v
"""

V1 = HEADER + """
schema = define_schema({
    "notes": define_table({"owner": v.string(), "text": v.string(), "rank": v.optional(v.number())})
        .index("by_owner", ["owner"]),
})
"""

V2 = HEADER + """
schema = define_schema({
    "notes": define_table({"owner": v.string(), "text": v.string(), "rank": v.optional(v.number())})
        .index("by_rank", ["rank"])
        .index("by_owner", ["owner", "rank"])
        .search_index("search_text", search_field="text", filter_fields=["owner"]),
    "tags": define_table({"name": v.string()}).index("by_name", ["name"]),
})
"""

STRICT = HEADER + """
schema = define_schema({
    "notes": define_table({"owner": v.string(), "text": v.string(), "rank": v.number()}),
})
"""

UNVALIDATED = HEADER + """
schema = define_schema({
    "notes": define_table({"owner": v.string(), "text": v.string(), "rank": v.number()}),
}, schema_validation=False)
"""


def load(tmp_path: Path, name: str, source: str) -> SchemaDefinition:
    return schema_from_source(tmp_path / name, source)


def notes(db: Database, index: str, build: Any = None) -> list[str]:
    return [doc["text"] for doc in read(db, lambda d: d.query("notes").with_index(index, build).collect())]


def seed(db: Database) -> None:
    write(db, lambda d: [d.insert("notes", {"owner": o, "text": t, **({"rank": r} if r is not None else {})})
                         for o, t, r in [("ann", "alpha one", 3), ("bob", "beta", 1), ("ann", "gamma", None),
                                         ("bob", "delta alpha", 2)]])


def test_first_push_creates_tables_and_indexes(tmp_path: Path) -> None:
    with open_database(tmp_path / "db.sqlite3", None) as db:
        change = db.push_schema(load(tmp_path, "v1", V1))
        assert change.added_tables == ["notes"]
        assert change.added_indexes == ["notes.by_owner"]
        seed(db)
        assert notes(db, "by_owner", lambda r: r.eq("owner", "ann")) == ["alpha one", "gamma"]


def test_new_and_changed_indexes_are_backfilled_and_removed_ones_dropped(tmp_path: Path) -> None:
    with open_database(tmp_path / "db.sqlite3", load(tmp_path, "v1", V1)) as db:
        seed(db)
        change = db.push_schema(load(tmp_path, "v2", V2))
        assert change.added_tables == ["tags"]
        assert sorted(change.added_indexes) == sorted([
            "notes.by_rank", "notes.by_owner", "notes.search_text", "tags.by_name",
        ])
        assert change.removed_indexes == []
        assert notes(db, "by_rank") == ["gamma", "beta", "delta alpha", "alpha one"]
        assert notes(db, "by_owner", lambda r: r.eq("owner", "bob").gt("rank", 1)) == ["delta alpha"]
        found = read(db, lambda d: d.query("notes").with_search_index(
            "search_text", lambda q: q.search("text", "alpha").eq("owner", "bob")).collect())
        assert [doc["text"] for doc in found] == ["delta alpha"]
        # New documents go into every index.
        write(db, lambda d: d.insert("notes", {"owner": "cy", "text": "epsilon", "rank": 0}))
        assert notes(db, "by_rank")[1] == "epsilon"
        # Back to v1: the extra indexes are dropped; by_owner changes shape again.
        change = db.push_schema(load(tmp_path, "v1b", V1))
        assert sorted(change.removed_indexes) == ["notes.by_rank", "notes.search_text", "tags.by_name"]
        with pytest.raises(DatabaseError, match="not found"):
            notes(db, "by_rank")
        assert notes(db, "by_owner", lambda r: r.eq("owner", "bob")) == ["beta", "delta alpha"]


def test_pushing_the_same_schema_changes_nothing(tmp_path: Path) -> None:
    with open_database(tmp_path / "db.sqlite3", load(tmp_path, "v1", V1)) as db:
        seed(db)
        change = db.push_schema(load(tmp_path, "v1b", V1))
        assert change.summary() == [] and change.validated_tables == []


def test_incompatible_data_refuses_the_push_and_changes_nothing(tmp_path: Path) -> None:
    with open_database(tmp_path / "db.sqlite3", load(tmp_path, "v1", V1)) as db:
        seed(db)
        gamma = read(db, lambda d: d.query("notes").filter(lambda q: q.eq(q.field("text"), "gamma")).unique())
        assert gamma is not None
        with pytest.raises(SchemaValidationError) as info:
            db.push_schema(load(tmp_path, "strict", STRICT))
        text = str(info.value)
        assert 'documents in table "notes" do not match the schema' in text
        assert gamma["_id"] in text
        assert "missing the required field `rank`" in text
        assert info.value.table == "notes"
        # The old schema is still in force: its index works and its rules apply.
        assert notes(db, "by_owner", lambda r: r.eq("owner", "ann")) == ["alpha one", "gamma"]
        write(db, lambda d: d.insert("notes", {"owner": "x", "text": "no rank is fine"}))


def test_reopening_with_an_incompatible_schema_fails(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with open_database(path, load(tmp_path, "v1", V1)) as db:
        seed(db)
    with pytest.raises(SchemaValidationError):
        Database(database_location(path), load(tmp_path, "strict", STRICT))
    with open_database(path, load(tmp_path, "v1b", V1)) as db:
        assert len(notes(db, "by_owner")) == 4


def test_schema_validation_false_skips_checks(tmp_path: Path) -> None:
    with open_database(tmp_path / "db.sqlite3", load(tmp_path, "v1", V1)) as db:
        seed(db)
        db.push_schema(load(tmp_path, "loose", UNVALIDATED))
        write(db, lambda d: d.insert("notes", {"owner": "x", "text": "anything goes", "extra": True}))


def test_progress_is_reported_for_backfills(tmp_path: Path) -> None:
    events: list[tuple[str, int, int]] = []
    with open_database(tmp_path / "db.sqlite3", load(tmp_path, "v1", V1)) as db:
        write(db, lambda d: [d.insert("notes", {"owner": "o", "text": str(i), "rank": i}) for i in range(6000)])
        db.push_schema(load(tmp_path, "v2", V2), lambda what, done, total: events.append((what, done, total)))
        assert notes(db, "by_rank", lambda r: r.gte("rank", 5998)) == ["5998", "5999"]
    assert ("Backfilling notes.by_rank", 6000, 6000) in events
