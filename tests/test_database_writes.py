"""`ctx.db` writes: insert, patch (UNDEFINED removes a field), replace, delete; schema checks; system fields."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from project_factory import messages_schema, open_database, read, write
from value_strategies import same

from albertplus_cli.database import Database, DatabaseError
from albertplus_cli.values import UNDEFINED, Int64, encode_id

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with open_database(tmp_path / "data.sqlite3", messages_schema(tmp_path)) as database:
        yield database


def insert(db: Database, value: dict[str, Any], table: str = "messages") -> str:
    return write(db, lambda d: d.insert(table, value))


def get(db: Database, doc_id: str) -> dict[str, Any] | None:
    return read(db, lambda d: d.get(doc_id))


def test_insert_returns_an_id_and_stores_the_document(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi", "likes": 2})
    doc = get(db, doc_id)
    assert doc is not None
    assert doc == {"_id": doc_id, "_creationTime": doc["_creationTime"], "author": "ada", "body": "hi", "likes": 2}
    assert read(db, lambda d: d.normalize_id("messages", doc_id)) == doc_id


def test_insert_drops_undefined_fields(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi", "likes": UNDEFINED})
    doc = get(db, doc_id)
    assert doc is not None and "likes" not in doc


def test_values_of_every_type_survive_storage(tmp_path: Path) -> None:
    value = {
        "n": 1.5, "i": Int64(-(2**63)), "b": b"\x00\xff", "s": "é\x00", "t": True, "z": None,
        "nan": float("nan"), "neg0": -0.0, "inf": float("-inf"), "arr": [1, [Int64(2)], {"x": b""}],
    }
    with open_database(tmp_path / "any.sqlite3", None) as db:
        doc_id = write(db, lambda d: d.insert("things", value))
        doc = get(db, doc_id)
    assert doc is not None
    assert same({k: v for k, v in doc.items() if not k.startswith("_")}, value)


def test_patch_merges_shallowly_and_undefined_removes(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi", "likes": 2})
    write(db, lambda d: d.patch(doc_id, {"body": "edited"}))
    edited = get(db, doc_id)
    assert edited is not None and (edited["author"], edited["body"], edited["likes"]) == ("ada", "edited", 2)
    write(db, lambda d: d.patch(doc_id, {"likes": UNDEFINED}))
    doc = get(db, doc_id)
    assert doc is not None and "likes" not in doc and doc["body"] == "edited"
    write(db, lambda d: d.patch("messages", doc_id, {"likes": 5}))
    assert get(db, doc_id)["likes"] == 5  # type: ignore[index]


def test_patch_updates_indexes(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi"})
    write(db, lambda d: d.patch(doc_id, {"author": "bob"}))

    def by(author: str) -> list[dict[str, Any]]:
        return read(db, lambda d: d.query("messages").with_index("by_author", lambda r: r.eq("author", author))
                    .collect())

    assert by("ada") == []
    assert [doc["_id"] for doc in by("bob")] == [doc_id]


def test_replace_keeps_system_fields_and_drops_the_rest(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi", "likes": 2})
    before = get(db, doc_id)
    assert before is not None
    write(db, lambda d: d.replace(doc_id, {"author": "cy", "body": "new"}))
    after = get(db, doc_id)
    assert after == {"_id": doc_id, "_creationTime": before["_creationTime"], "author": "cy", "body": "new"}
    # Passing the unchanged system fields is allowed.
    write(db, lambda d: d.replace("messages", doc_id, {**after, "body": "again"}))  # type: ignore[dict-item]
    assert get(db, doc_id)["body"] == "again"  # type: ignore[index]


def test_delete(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi"})
    write(db, lambda d: d.delete(doc_id))
    assert get(db, doc_id) is None
    assert read(db, lambda d: d.query("messages").with_index("by_author").collect()) == []
    with pytest.raises(DatabaseError, match=f"Delete on nonexistent document ID {doc_id}"):
        write(db, lambda d: d.delete(doc_id))
    other = insert(db, {"author": "x", "body": "y"})
    write(db, lambda d: d.delete("messages", other))
    assert get(db, other) is None


def test_writes_to_missing_documents(db: Database) -> None:
    ghost = encode_id(10001, bytes(16))
    with pytest.raises(DatabaseError, match=f"Update on nonexistent document ID {ghost}"):
        write(db, lambda d: d.patch(ghost, {"body": "x"}))
    with pytest.raises(DatabaseError, match=f"Replace on nonexistent document ID {ghost}"):
        write(db, lambda d: d.replace(ghost, {"author": "a", "body": "x"}))
    with pytest.raises(DatabaseError, match="Unable to decode ID"):
        write(db, lambda d: d.patch("nonsense", {"body": "x"}))


def test_table_argument_must_match_the_id(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi"})
    with pytest.raises(DatabaseError, match="nonexistent document"):
        write(db, lambda d: d.patch("users", doc_id, {"name": "x"}))
    with pytest.raises(DatabaseError):
        write(db, lambda d: d.delete("users", doc_id))


# -- schema validation ------------------------------------------------------------------------------


def test_insert_is_validated_against_the_schema(db: Database) -> None:
    with pytest.raises(DatabaseError) as info:
        insert(db, {"author": "ada", "body": 5})
    text = str(info.value)
    assert 'Failed to insert or update a document in table "messages" because it does not match the schema' in text
    assert "Path: .body" in text and "Value: 5" in text and "Validator: v.string()" in text
    with pytest.raises(DatabaseError, match="missing the required field `body`"):
        insert(db, {"author": "ada"})
    with pytest.raises(DatabaseError, match="extra field `color`"):
        insert(db, {"author": "ada", "body": "b", "color": "red"})
    assert read(db, lambda d: d.query("messages").collect()) == []


def test_patch_and_replace_are_validated(db: Database) -> None:
    doc_id = insert(db, {"author": "ada", "body": "hi"})
    with pytest.raises(DatabaseError, match="Path: .likes"):
        write(db, lambda d: d.patch(doc_id, {"likes": "many"}))
    with pytest.raises(DatabaseError, match="missing the required field `author`"):
        write(db, lambda d: d.patch(doc_id, {"author": UNDEFINED}))
    with pytest.raises(DatabaseError, match="missing the required field `body`"):
        write(db, lambda d: d.replace(doc_id, {"author": "x"}))
    doc = get(db, doc_id)
    assert doc is not None and doc["author"] == "ada" and doc["body"] == "hi"


def test_id_fields_must_point_at_their_table(db: Database) -> None:
    message = insert(db, {"author": "ada", "body": "hi"})
    write(db, lambda d: d.insert("users", {"name": "u", "best": message}))
    user = insert(db, {"name": "other"}, "users")
    with pytest.raises(DatabaseError, match="Path: .best"):
        write(db, lambda d: d.insert("users", {"name": "u", "best": user}))


def test_tables_outside_the_schema_are_refused(db: Database) -> None:
    with pytest.raises(DatabaseError, match='Table "other" is not in the schema'):
        insert(db, {"a": 1}, "other")


def test_system_tables_are_read_only(db: Database) -> None:
    with pytest.raises(DatabaseError, match="System tables \\(prefixed with `_`\\) are read-only."):
        insert(db, {"a": 1}, "_storage")


def test_system_field_rules(db: Database) -> None:
    with pytest.raises(DatabaseError, match="system fields"):
        insert(db, {"_id": "x", "author": "a", "body": "b"})
    with pytest.raises(DatabaseError, match="system fields"):
        insert(db, {"_creationTime": 1.0, "author": "a", "body": "b"})
    with pytest.raises(DatabaseError, match="Field '_secret' starts with an underscore"):
        insert(db, {"_secret": 1, "author": "a", "body": "b"})
    doc_id = insert(db, {"author": "a", "body": "b"})
    with pytest.raises(DatabaseError, match="Cannot change the system field `_creationTime`"):
        write(db, lambda d: d.patch(doc_id, {"_creationTime": 5.0}))
    with pytest.raises(DatabaseError, match="Cannot change the system field `_id`"):
        write(db, lambda d: d.replace(doc_id, {"_id": encode_id(10001, bytes(16)), "author": "a", "body": "b"}))


def test_non_objects_are_refused(db: Database) -> None:
    with pytest.raises(DatabaseError, match="insert\\(\\) takes an object"):
        write(db, lambda d: d.insert("messages", ["a"]))  # type: ignore[arg-type]
    doc_id = insert(db, {"author": "a", "body": "b"})
    with pytest.raises(DatabaseError, match="patch\\(\\) takes an object"):
        write(db, lambda d: d.patch(doc_id, "x"))


def test_creation_times_increase_within_and_across_transactions(db: Database) -> None:
    ids = write(db, lambda d: [d.insert("messages", {"author": "a", "body": str(i)}) for i in range(50)])
    ids += [insert(db, {"author": "a", "body": "later"})]
    times = [get(db, i)["_creationTime"] for i in ids]  # type: ignore[index]
    assert all(a < b for a, b in zip(times, times[1:], strict=False))


# -- schemaless databases -------------------------------------------------------------------------------


def test_schemaless_tables_are_created_on_first_insert(tmp_path: Path) -> None:
    with open_database(tmp_path / "free.sqlite3", None) as db:
        assert read(db, lambda d: d.query("notes").collect()) == []
        doc_id = write(db, lambda d: d.insert("notes", {"anything": [1, "two"]}))
        assert doc_id.startswith("j5")
        other = write(db, lambda d: d.insert("second", {}))
        assert read(db, lambda d: d.normalize_id("second", other)) == other
        assert read(db, lambda d: d.normalize_id("notes", other)) is None
        with pytest.raises(DatabaseError):
            write(db, lambda d: d.insert("bad-name", {}))
        with pytest.raises(DatabaseError):
            write(db, lambda d: d.insert("notes", {"x": object()}))


def test_a_failing_commit_listener_is_logged_and_the_writer_goes_on(db: Database,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    def broken(_commit: object) -> None:
        raise RuntimeError("listener broke")

    db.add_commit_listener(broken)
    with caplog.at_level(logging.ERROR, logger="albertplus.database"):
        first = insert(db, {"author": "a", "body": "one"})
        second = insert(db, {"author": "a", "body": "two"})
    assert get(db, first) is not None and get(db, second) is not None
    logged = [r for r in caplog.records if "commit listener" in r.getMessage()]
    assert len(logged) == 2 and all(r.exc_info is not None for r in logged)
