"""`define_schema` / `define_table`: identifier rules, index limits, reserved names, system fields."""

from __future__ import annotations

import pytest

from albertplus_cli.schema import SchemaError, define_schema, define_table
from albertplus_cli.values import v


def test_a_simple_schema() -> None:
    schema = define_schema({
        "messages": define_table({"author": v.string(), "body": v.string(), "likes": v.optional(v.number())})
        .index("by_author", ["author"])
        .search_index("search_body", search_field="body", filter_fields=["author"]),
    })
    table = schema.tables["messages"]
    assert table.indexes["by_author"].fields == ("author",)
    assert table.indexes["by_author"].key_fields == ("author", "_creationTime")
    assert table.search_indexes["search_body"].search_field == "body"
    assert table.search_indexes["search_body"].filter_fields == ("author",)
    assert schema.to_json()["tables"][0]["indexes"] == [{"indexDescriptor": "by_author", "fields": ["author"]}]


@pytest.mark.parametrize("name", ["a", "A1", "snake_case", "x" * 64, "t_"])
def test_valid_table_names(name: str) -> None:
    define_schema({name: define_table({"a": v.string()})})


@pytest.mark.parametrize("name", ["", "1abc", "has-dash", "has space", "x" * 65, "_private", "__", "é"])
def test_invalid_table_names(name: str) -> None:
    with pytest.raises(SchemaError):
        define_schema({name: define_table({"a": v.string()})})


@pytest.mark.parametrize("name", ["1idx", "by-x", "", "_", "x" * 65])
def test_invalid_index_names(name: str) -> None:
    with pytest.raises(SchemaError):
        define_table({"a": v.string()}).index(name, ["a"])
    with pytest.raises(SchemaError):
        define_table({"a": v.string()}).search_index(name, search_field="a")


@pytest.mark.parametrize("name", ["by_id", "by_creation_time", "_hidden"])
def test_reserved_index_names(name: str) -> None:
    with pytest.raises(SchemaError):
        define_table({"a": v.string()}).index(name, ["a"])


def test_sixteen_index_fields_including_creation_time() -> None:
    fields = {f"f{i}": v.string() for i in range(20)}
    define_table(fields).index("ok", [f"f{i}" for i in range(15)])
    with pytest.raises(SchemaError, match="16"):
        define_table(fields).index("too_many", [f"f{i}" for i in range(16)])


def test_index_field_rules() -> None:
    table = define_table({"a": v.string(), "b": v.string()})
    with pytest.raises(SchemaError, match="_creationTime"):
        table.index("ct", ["a", "_creationTime"])
    with pytest.raises(SchemaError, match="twice"):
        table.index("dup_field", ["a", "a"])
    with pytest.raises(SchemaError, match="at least one"):
        table.index("empty", [])
    with pytest.raises(SchemaError, match="list"):
        table.index("string_fields", "a")
    with pytest.raises(SchemaError):
        table.index("bad_path", ["a..b"])
    with pytest.raises(SchemaError):
        table.index("dollar", ["$a"])
    table.index("nested", ["a.b"])


def test_duplicate_index_names() -> None:
    table = define_table({"a": v.string()}).index("by_a", ["a"])
    with pytest.raises(SchemaError, match="Duplicate"):
        table.index("by_a", ["a"])
    with pytest.raises(SchemaError, match="Duplicate"):
        table.search_index("by_a", search_field="a")
    table.search_index("search_a", search_field="a")
    with pytest.raises(SchemaError, match="Duplicate"):
        table.index("search_a", ["a"])


def test_at_most_32_indexes() -> None:
    table = define_table({"a": v.string()})
    for i in range(32):
        table.index(f"i{i}", ["a"])
    with pytest.raises(SchemaError, match="32"):
        table.index("one_more", ["a"])


def test_search_index_filter_fields_limit() -> None:
    fields = {f"f{i}": v.string() for i in range(20)}
    define_table(fields).search_index("ok", search_field="f0", filter_fields=[f"f{i}" for i in range(1, 17)])
    with pytest.raises(SchemaError):
        define_table(fields).search_index("bad", search_field="f0", filter_fields=[f"f{i}" for i in range(1, 18)])


def test_underscore_fields_are_refused() -> None:
    with pytest.raises(SchemaError, match="starts with an underscore"):
        define_schema({"t": define_table({"_secret": v.string()})})
    with pytest.raises(SchemaError, match="starts with an underscore"):
        define_schema({"t": define_table(v.union(v.object({"ok": v.string()}), v.object({"_no": v.string()})))})


def test_union_of_objects_tables() -> None:
    union = v.union(
        v.object({"type": v.literal("a"), "x": v.number()}),
        v.object({"type": v.literal("b"), "y": v.string()}),
    )
    schema = define_schema({"t": define_table(union).index("by_type", ["type"])})
    assert schema.tables["t"].validator is union
    with pytest.raises(SchemaError):
        define_table(v.union(v.object({"a": v.string()}), v.string()))
    with pytest.raises(SchemaError):
        define_table(v.string())


def test_tables_must_come_from_define_table() -> None:
    with pytest.raises(SchemaError):
        define_schema({"t": {"a": v.string()}})  # type: ignore[dict-item]
