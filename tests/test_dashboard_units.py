"""The dashboard's parts below the UI: `_system/frontend/*` on a real engine, the execution log, the filter bar
and the formatting (no server, no app)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_process import REPO, copy_project  # noqa: E402

from albertplus_cli.auth import ADMIN, ANONYMOUS, Identity  # noqa: E402
from albertplus_cli.dashboard.client import resolve_target, short_error  # noqa: E402
from albertplus_cli.dashboard.filters import FilterSyntaxError, check_fields, parse_filter  # noqa: E402
from albertplus_cli.dashboard.formatting import Formatter, id_references, object_fields, sample_value, validator_text  # noqa: E402,E501
from albertplus_cli.database import DatabaseWriter  # noqa: E402
from albertplus_cli.engine import Engine  # noqa: E402
from albertplus_cli.functions.outcome import Outcome  # noqa: E402
from albertplus_cli.functions.system import SCAN_BUDGET  # noqa: E402
from albertplus_cli.server.execution_log import ExecutionLog  # noqa: E402


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = Engine(copy_project(REPO / "tests" / "projects" / "messages", tmp_path / "messages"))
    yield engine
    engine.close()


def system(engine: Engine, name: str, args: dict[str, Any], identity: Identity = ADMIN) -> Outcome:
    path = f"_system/frontend/{name}"
    fn = engine.executor.resolve(path, None, public_only=False)[1] if identity.is_admin else None
    if fn is not None and fn.kind == "mutation":
        return engine.executor.run_mutation(path, args, identity, public_only=not identity.is_admin)
    return engine.executor.run_query(path, args, identity, public_only=not identity.is_admin)


def fill(engine: Engine, n: int) -> list[str]:
    ids = []
    for i in range(n):
        out = system(engine, "insertDocument", {"table": "messages", "document": {
            "author": ["ada", "bob", "cy"][i % 3], "body": f"note {i} about {'cats' if i % 2 else 'dogs'}",
            "likes": i}})
        assert out.ok, out.error_message
        ids.append(out.value)
    return ids


def page(engine: Engine, **args: Any) -> dict[str, Any]:
    args.setdefault("paginationOpts", {"numItems": 100, "cursor": None})
    out = system(engine, "tableData", {"table": "messages", **args})
    assert out.ok, out.error_message
    return out.value  # type: ignore[no-any-return]


def test_system_functions_are_admin_only(engine: Engine) -> None:
    out = engine.executor.run_query("_system/frontend/tables", {}, ANONYMOUS)
    assert not out.ok and "Could not find public function" in (out.error_message or "")
    user = Identity("user", {"subject": "u", "issuer": "i", "tokenIdentifier": "i|u"})
    assert not engine.executor.run_query("_system/frontend/tables", {}, user, public_only=True).ok
    assert system(engine, "tables", {}).ok
    assert system(engine, "tables", {}).value[0]["name"] == "messages"


def test_tables_counts_are_live(engine: Engine) -> None:
    fill(engine, 3)
    first = system(engine, "tables", {})
    assert first.value == [{"name": "messages", "count": 3, "inSchema": True, "indexes": ["by_author"],
                            "searchIndexes": ["search_body"]}]
    ts = engine.db.latest_ts
    fill(engine, 1)
    commits = engine.db.commits_after(ts)
    assert first.read_set is not None and any(first.read_set.overlaps(c.writes) for c in commits)
    assert system(engine, "tables", {}).value[0]["count"] == 4


def test_table_data_pages_filters_and_searches(engine: Engine) -> None:
    fill(engine, 12)
    everything = page(engine, order="asc")
    assert [d["likes"] for d in everything["page"]] == list(range(12)) and everything["isDone"]
    first = page(engine, order="desc", paginationOpts={"numItems": 5, "cursor": None})
    second = page(engine, order="desc", paginationOpts={"numItems": 5, "cursor": first["continueCursor"]})
    third = page(engine, order="desc", paginationOpts={"numItems": 5, "cursor": second["continueCursor"]})
    assert [d["likes"] for d in first["page"] + second["page"] + third["page"]] == list(range(11, -1, -1))
    assert not first["isDone"] and third["isDone"]

    bob = page(engine, filters=[{"field": "author", "op": "eq", "value": "bob"}])
    assert bob["index"] == "by_author" and {d["author"] for d in bob["page"]} == {"bob"} and len(bob["page"]) == 4
    assert bob["scanned"] == 4  # an index range, not a table scan
    mixed = page(engine, filters=[{"field": "author", "op": "eq", "value": "bob"},
                                  {"field": "likes", "op": "gte", "value": 5}])
    assert [d["likes"] for d in mixed["page"]] == [7, 10]
    assert [d["likes"] for d in page(engine, filters=[{"field": "likes", "op": "lt", "value": 2}])["page"]] == [0, 1]
    by_index = page(engine, index="by_author", order="desc")
    assert [d["author"] for d in by_index["page"]][:4] == ["cy"] * 4

    cats = page(engine, search="cats")
    assert cats["index"] == "search_body" and len(cats["page"]) == 6
    assert all("cats" in d["body"] for d in cats["page"])
    cy_cats = page(engine, search="cats", filters=[{"field": "author", "op": "eq", "value": "cy"}])
    assert {d["author"] for d in cy_cats["page"]} == {"cy"}

    bad = system(engine, "tableData", {"table": "nope", "paginationOpts": {"numItems": 5, "cursor": None}})
    assert not bad.ok and "does not exist" in short_error(bad.error_message)
    bad_index = system(engine, "tableData", {"table": "messages", "index": "by_nothing",
                                             "paginationOpts": {"numItems": 5, "cursor": None}})
    assert not bad_index.ok and "by_nothing" in short_error(bad_index.error_message)


def test_table_data_scans_at_most_its_budget_per_page(engine: Engine) -> None:
    rows = [{"author": "ada", "body": "hay", "likes": i} for i in range(SCAN_BUDGET + 10)]
    rows[-1]["body"] = "needle"
    engine.db.write(lambda tx: [DatabaseWriter(tx).insert("messages", row) for row in rows])
    needle = [{"field": "body", "op": "eq", "value": "needle"}]
    first = page(engine, filters=needle)
    # A selective filter on a big table: a short page that is not the end, instead of failing the read limit.
    assert first["page"] == [] and first["isDone"] is False and first["scanned"] <= SCAN_BUDGET + 1
    second = page(engine, filters=needle, paginationOpts={"numItems": 100, "cursor": first["continueCursor"]})
    assert [d["body"] for d in second["page"]] == ["needle"] and second["isDone"] is True


def test_schema_functions_and_documents(engine: Engine) -> None:
    schema = system(engine, "schema", {}).value
    table = schema["tables"][0]
    assert table["name"] == "messages" and table["indexes"] == [{"name": "by_author", "fields": ["author"]}]
    assert object_fields(table["documentType"])["likes"] == ({"type": "number"}, True)
    functions = {f["path"]: f for f in system(engine, "functions", {}).value}
    assert functions["messages:send"]["kind"] == "mutation"
    assert functions["messages:list"]["args"]["value"]["author"]["optional"] is True

    (doc_id,) = fill(engine, 1)
    got = system(engine, "getDocument", {"id": doc_id}).value
    assert got["table"] == "messages" and got["document"]["_id"] == doc_id

    refused = system(engine, "patchDocument", {"id": doc_id, "fields": {"likes": "lots"}})
    assert not refused.ok and "does not match the schema" in short_error(refused.error_message)
    assert system(engine, "patchDocument", {"id": doc_id, "fields": {"likes": 9}}).ok
    document = {**got["document"], "body": "replaced"}
    del document["likes"]
    assert system(engine, "replaceDocument", {"id": doc_id, "document": document}).ok
    now = system(engine, "getDocument", {"id": doc_id}).value["document"]
    assert now["body"] == "replaced" and "likes" not in now
    assert system(engine, "deleteDocuments", {"ids": [doc_id]}).value == 1
    assert system(engine, "getDocument", {"id": doc_id}).value["document"] is None

    fill(engine, 5)
    assert system(engine, "clearTable", {"table": "messages"}).value == {"deleted": 5, "hasMore": False}
    assert system(engine, "tables", {}).value[0]["count"] == 0


def test_system_calls_stay_out_of_the_logs(engine: Engine) -> None:
    seen: list[str] = []
    engine.executor.listeners.append(lambda outcome: seen.append(outcome.path))
    fill(engine, 1)
    engine.executor.run_query("messages:list", {}, ANONYMOUS)
    assert seen == ["messages:list"]


def test_execution_log_ring_buffer() -> None:
    log = ExecutionLog(capacity=3)
    for i in range(5):
        log.record(Outcome(f"m:f{i}", "query", ok=i != 2, error_message="boom" if i == 2 else None,
                           log_lines=[f"[LOG] {i}"], duration=0.001))
    entries, cursor, oldest = log.after(0)
    assert [e["path"] for e in entries] == ["m:f2", "m:f3", "m:f4"] and cursor == 5 and oldest == 3
    assert entries[0]["error"] == "boom" and entries[0]["ok"] is False and entries[1]["logLines"] == ["[LOG] 3"]
    assert log.after(5) == ([], 5, 3)
    assert log.after(99)[1] == 5  # a cursor from before a restart comes back to the end


def test_filter_bar() -> None:
    parsed = parse_filter('school = College of Arts and Science, credits >= 4, level = "graduate"')
    assert parsed.conditions == [
        {"field": "school", "op": "eq", "value": "College of Arts and Science"},
        {"field": "credits", "op": "gte", "value": 4},
        {"field": "level", "op": "eq", "value": "graduate"},
    ] and parsed.search == ""
    assert parse_filter("machine learning").search == "machine learning"
    assert parse_filter('title = "a, b", x != null').conditions == [
        {"field": "title", "op": "eq", "value": "a, b"}, {"field": "x", "op": "neq", "value": None}]
    assert parse_filter("").empty
    with pytest.raises(FilterSyntaxError):
        parse_filter('title = "unclosed')
    with pytest.raises(FilterSyntaxError):
        parse_filter("credits >= ")
    for typo in ("credits >> 4", "credits => 4", "credits =< 4"):
        with pytest.raises(FilterSyntaxError, match="is not an operator"):
            parse_filter(typo)
    check_fields(parse_filter("credits >= 4, _id = x, meta.a = 1"), {"credits", "meta", "_id"})
    check_fields(parse_filter("anything = 1"), None)  # schemaless: no check
    with pytest.raises(FilterSyntaxError, match="no field 'credit'"):
        check_fields(parse_filter("credit >= 4"), {"credits"})


def test_formatting_masks_and_summarises() -> None:
    fmt = Formatter()
    assert fmt.cell([1, 2, 3]) == "[3 items]" and fmt.cell({"a": 1, "b": 2}) == "{a, b}"
    assert fmt.cell(4.0) == "4" and fmt.cell(True) == "true" and fmt.cell(None) == "null"
    assert fmt.cell("x" * 40, 10) == "x" * 9 + "…"
    masked = Formatter(mask=True)
    doc_id = "j570m4erhwfhn05q5jmhggzpsh8jwgqx"
    from albertplus_cli.values.ids import is_id, new_id

    real_id = new_id(10001)
    assert is_id(real_id) and not is_id(doc_id[:-1])
    text = masked.document_json([{"_id": real_id, "_creationTime": 1234.5, "ref": real_id}])
    assert real_id not in text and "1234.5" not in text and '"<id>"' in text
    assert masked.url("http://127.0.0.1:4567") == "http://127.0.0.1:PORT" and masked.clock(0) == "--:--:--.---"
    assert fmt.url("http://localhost") == "http://localhost:80" and fmt.url("http://127.0.0.1:3210/") == \
        "http://127.0.0.1:3210"
    assert fmt.duration(26.6) == "26.6 ms" and fmt.uptime(1596) == "26 min 36 s" and fmt.uptime(7300) == "2 h 01 min"
    assert id_references({"_id": real_id, "user": real_id, "list": [real_id]}) == [("user", real_id),
                                                                                  ("list[0]", real_id)]
    union = {"type": "union", "value": [{"type": "literal", "value": "a"}, {"type": "literal", "value": "b"}]}
    assert validator_text({"type": "object", "value": {"x": {"fieldType": union, "optional": True}}}) == \
        '{x?: "a" | "b"}'
    assert sample_value({"type": "object", "value": {"k": {"fieldType": {"type": "string"}, "optional": False},
                                                     "o": {"fieldType": {"type": "number"}, "optional": True}}}) \
        == {"k": ""}


def test_resolve_target_prefers_flags_then_env_then_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALBERTPLUS_URL", raising=False)
    monkeypatch.delenv("ALBERTPLUS_ADMIN_KEY", raising=False)
    assert resolve_target(None, None, tmp_path) == ("http://127.0.0.1:3210", None)
    state = tmp_path / ".albertplus"
    state.mkdir()
    (state / "admin_key").write_text("key-from-file\n")
    (state / "server.json").write_text('{"url": "http://127.0.0.1:4000"}')
    assert resolve_target(None, None, tmp_path) == ("http://127.0.0.1:4000", "key-from-file")
    monkeypatch.setenv("ALBERTPLUS_URL", "http://127.0.0.1:5000/")
    monkeypatch.setenv("ALBERTPLUS_ADMIN_KEY", "key-from-env")
    assert resolve_target(None, None, tmp_path) == ("http://127.0.0.1:5000", "key-from-env")
    assert resolve_target("http://h:1", "k", tmp_path) == ("http://h:1", "k")
