"""`albertplus export` / `albertplus import`: Convex's snapshot ZIP, JSONL, JSON arrays and CSV, on real files.

The tests that store documents run on both backends (`storage_backend`): every database a test names by a SQLite
path stands, on PostgreSQL, for its own fresh database (`database_location`), passed to the CLI as `--database`."""

from __future__ import annotations

import base64
import json
import math
import os
import struct
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from project_factory import database_location, engine_location
from server_process import ALBERTPLUS

from albertplus_cli.database.documents import to_document
from albertplus_cli.engine import Engine
from albertplus_cli.seed.loader import seed_database
from albertplus_cli.seed.synthetic import synthetic_dataset
from albertplus_cli.transfer import ImportFailed, export_snapshot, perform_import, read_import
from albertplus_cli.transfer.decoding import decode_csv_cell
from albertplus_cli.values import v
from albertplus_cli.values.ids import decode_id, encode_id
from albertplus_cli.values.types import Int64

TYPES_SCHEMA = '''
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "things": define_table({
        "name": v.string(),
        "count": v.int64(),
        "score": v.number(),
        "extra": v.optional(v.any()),
        "blob": v.optional(v.bytes()),
        "owner": v.optional(v.id("people")),
    }).index("by_name", ["name"]),
    "people": define_table({"name": v.string(), "age": v.number(), "active": v.optional(v.boolean())}),
})
'''


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=120, input=stdin,
                          env={**os.environ, "COLUMNS": "200"})


def default_db(project: Path) -> Path:
    return project / ".albertplus" / "data.sqlite3"


def database(project: Path, db: Path | None = None) -> list[str]:
    """`--database` for the CLI: the project's default database, or `db`, on the backend under test."""
    return ["--database", str(database_location(db or default_db(project)))]


def open_engine(project: Path, db: Path | None = None) -> Engine:
    return Engine(project, engine_location(db or default_db(project)))


def dump(project: Path, db: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    engine = open_engine(project, db)
    try:
        return dump_engine(engine)
    finally:
        engine.close()


def dump_engine(engine: Engine) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}

    def read(tx: Any) -> None:
        for name, info in tx.catalog.by_name.items():
            rows = tx.session.export_rows(info.number)
            out[name] = {i: to_document(i, ct, body) for i, ct, body in rows}

    engine.db.read(read)
    return out


def typed(value: Any) -> Any:
    """A value with its Convex type made explicit (so 4 == 4.0 but Int64(4) != 4, -0.0 != 0.0, NaN == NaN)."""
    if isinstance(value, Int64):
        return ("int64", value.value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        f = float(value)
        return ("f64", struct.pack("<d", f)) if math.isnan(f) or f == 0 else ("f64", f)
    if isinstance(value, bytes):
        return ("bytes", value)
    if isinstance(value, list):
        return [typed(x) for x in value]
    if isinstance(value, dict):
        return {k: typed(x) for k, x in value.items()}
    raise TypeError(type(value))


@pytest.fixture
def types_project(tmp_path: Path) -> Path:
    root = tmp_path / "types"
    (root / "functions").mkdir(parents=True)
    (root / "schema.py").write_text(TYPES_SCHEMA)
    return root


# -- export -> import round trips ---------------------------------------------------------------------


@pytest.mark.usefixtures("storage_backend")
def test_export_then_import_into_an_empty_database_gives_identical_documents(
    albertplus_project: Path, tmp_path: Path
) -> None:
    engine = open_engine(albertplus_project)
    try:
        seed_database(engine, show_progress=False)
    finally:
        engine.close()
    snapshot = tmp_path / "snap.zip"
    result = run("export", str(snapshot), "--dir", str(albertplus_project), *database(albertplus_project))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(snapshot) as zf:
        names = set(zf.namelist())
        assert "README.md" in names
        for table in ("courses", "courseOfferings", "students", "studentInvites"):
            assert f"{table}/documents.jsonl" in names and f"{table}/generated_schema.jsonl" in names
        first = json.loads(zf.read("courses/documents.jsonl").splitlines()[0])
        assert set(first) >= {"_id", "_creationTime", "code"} and isinstance(first["credits"], float)
        assert zf.read("courses/generated_schema.jsonl") == b'"uniform"\n'  # Convex's marker of this format
        assert zf.read("README.md").startswith(b"# Welcome to your Convex snapshot export!")

    fresh = tmp_path / "fresh.sqlite3"
    result = run("import", str(snapshot), "--dir", str(albertplus_project), *database(albertplus_project, fresh))
    assert result.returncode == 0, result.stderr
    original, restored = dump(albertplus_project), dump(albertplus_project, fresh)
    assert sum(len(d) for d in restored.values()) == 2569
    assert typed(restored) == typed(original)  # ids, creation times and values, float64 stays float64


@pytest.mark.usefixtures("storage_backend")
def test_round_trip_keeps_int64_float64_bytes_and_special_floats(types_project: Path, tmp_path: Path) -> None:
    engine = open_engine(types_project)
    try:
        def fill(tx: Any) -> None:
            person = tx.insert("people", {"name": "Ada", "age": 36, "active": True})
            tx.insert("things", {"name": "a", "count": Int64(2**60), "score": 5, "owner": person,
                                 "blob": b"\x00\xff", "extra": {"n": Int64(-3), "f": 2.0, "nan": math.nan,
                                                               "neg0": -0.0, "inf": math.inf, "list": [1, Int64(1)]}})
            tx.insert("things", {"name": "b", "count": Int64(0), "score": -0.5, "extra": None})

        engine.db.write(fill)
        original = dump_engine(engine)
        report = export_snapshot(engine.db, tmp_path / "types.zip")
        assert report.counts == {"people": 1, "things": 2}
    finally:
        engine.close()
    other = open_engine(types_project, tmp_path / "other.sqlite3")
    try:
        plan = read_import(tmp_path / "types.zip", other.db.catalog)
        perform_import(other.db, plan)
        assert typed(dump_engine(other)) == typed(original)
    finally:
        other.close()


# -- a hand-made snapshot in Convex's documented layout ---------------------------------------------------


@pytest.mark.usefixtures("storage_backend")
def test_hand_made_convex_zip_imports_with_ids_and_creation_times(albertplus_project: Path, tmp_path: Path) -> None:
    # ids from "another deployment" where programs was table 10042 and requirements 10043
    program_id = encode_id(10042, bytes(range(16)))
    requirement_id = encode_id(10043, bytes(range(1, 17)))
    programs = [{"_id": program_id, "_creationTime": 1700000000000.5, "name": "Physics (BS)",
                 "level": "undergraduate", "school": "College of Arts and Science", "programUrl": "https://x"}]
    requirements = [{"_id": requirement_id, "_creationTime": 1700000000001.25, "programId": program_id,
                     "isMajor": True, "type": "options", "courses": [],
                     "courseLevels": [{"program": "PHYS-UA", "level": 400}], "creditsRequired": 8}]
    configs = [{"key": "current_term", "value": "fall"}]  # no system fields: new ones are made
    snapshot = tmp_path / "handmade.zip"
    with zipfile.ZipFile(snapshot, "w") as zf:
        zf.writestr("README.md", "hand-made\n")
        zf.writestr("_tables/documents.jsonl", '{"name":"programs","id":10042}\n{"name":"requirements","id":10043}\n')
        zf.writestr("_storage/documents.jsonl", "")
        for table, rows in (("programs", programs), ("requirements", requirements), ("appConfigs", configs)):
            zf.writestr(f"{table}/documents.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
            zf.writestr(f"{table}/generated_schema.jsonl", json.dumps("uniform") + "\n")

    result = run("import", str(snapshot), "--dir", str(albertplus_project), *database(albertplus_project))
    assert result.returncode == 0, result.stderr
    assert "re-encoded" in result.stdout
    docs = dump(albertplus_project)
    (program,) = docs["programs"].values()
    (requirement,) = docs["requirements"].values()
    (config,) = docs["appConfigs"].values()
    engine_numbers = {name: decode_id(next(iter(d))).table_number for name, d in docs.items() if d}
    assert decode_id(program["_id"]).internal_id == bytes(range(16))  # same internal id, this db's number
    assert decode_id(program["_id"]).table_number == engine_numbers["programs"]
    assert requirement["programId"] == program["_id"]  # the reference was rewritten with it
    assert program["_creationTime"] == 1700000000000.5 and requirement["_creationTime"] == 1700000000001.25
    assert requirement["courseLevels"] == [{"program": "PHYS-UA", "level": 400}]
    assert config["key"] == "current_term" and config["_creationTime"] > 1700000000001.25


@pytest.mark.usefixtures("storage_backend")
def test_legacy_convex_export_reads_int64_from_strings(types_project: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "legacy.zip"
    with zipfile.ZipFile(snapshot, "w") as zf:
        zf.writestr("things/documents.jsonl", '{"name": "x", "count": "5", "score": 5.0}\n')
        zf.writestr("things/generated_schema.jsonl", json.dumps('{name: string, count: int64, score: float64}') + "\n")
    engine = open_engine(types_project)
    try:
        plan = read_import(snapshot, engine.db.catalog)
        assert any("legacy" in w for w in plan.warnings)
        perform_import(engine.db, plan)
        (doc,) = dump_engine(engine)["things"].values()
        assert typed(doc["count"]) == ("int64", 5) and typed(doc["score"]) == ("f64", 5.0)
    finally:
        engine.close()


# -- validation: one bad row in 10,000 --------------------------------------------------------------------


@pytest.mark.usefixtures("storage_backend")
def test_one_bad_row_in_ten_thousand_writes_nothing_and_names_the_row(
    albertplus_project: Path, tmp_path: Path
) -> None:
    rows = synthetic_dataset(2500)["courseOfferings"]
    assert len(rows) == 10_000
    rows[6542] = {**rows[6542], "status": "full"}
    path = tmp_path / "offerings.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    result = run("import", str(path), "--table", "courseOfferings", "--dir", str(albertplus_project),
                 *database(albertplus_project))
    assert result.returncode == 1
    assert "offerings.jsonl:6543: field `status`" in result.stderr
    assert "Nothing was imported" in result.stderr
    assert not dump(albertplus_project)["courseOfferings"]

    rows[6542]["status"] = "closed"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    result = run("import", str(path), "--table", "courseOfferings", "--dir", str(albertplus_project),
                 *database(albertplus_project))
    assert result.returncode == 0, result.stderr
    assert len(dump(albertplus_project)["courseOfferings"]) == 10_000


# -- CSV, JSON arrays, modes ---------------------------------------------------------------------------


@pytest.mark.usefixtures("storage_backend")
def test_csv_import_of_a_five_column_table(albertplus_project: Path, tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "userId,courseCode,title,year,term\n"
        'user_a,CSCI-UA 101,"Intro to Computer Science, Honors",2025,fall\n'
        "user_a,HIST-UA 1984,1984,2026,spring\n"
        "user_b,MATH-UA 120,Discrete Mathematics,2.026e3,j-term\n"
    )
    result = run("import", str(path), "--table", "userCourses", "--dir", str(albertplus_project),
                 *database(albertplus_project))
    assert result.returncode == 0, result.stderr
    docs = sorted(dump(albertplus_project)["userCourses"].values(), key=lambda d: d["_creationTime"])
    got = [{k: d[k] for k in ("userId", "courseCode", "title", "year", "term")} for d in docs]
    assert got == [
        {"userId": "user_a", "courseCode": "CSCI-UA 101", "title": "Intro to Computer Science, Honors",
         "year": 2025, "term": "fall"},
        {"userId": "user_a", "courseCode": "HIST-UA 1984", "title": "1984", "year": 2026, "term": "spring"},
        {"userId": "user_b", "courseCode": "MATH-UA 120", "title": "Discrete Mathematics", "year": 2026,
         "term": "j-term"},
    ]
    assert all(isinstance(d["year"], (int, float)) for d in docs)


def test_csv_cells_follow_convex_numbers_and_the_schema() -> None:
    assert decode_csv_cell("42", None) == 42 and decode_csv_cell("4.5", None) == 4.5
    assert decode_csv_cell("1e3", None) == 1000 and math.isinf(decode_csv_cell("inf", None))
    assert decode_csv_cell("001", None) == 1  # Convex's CLI: a number
    assert decode_csv_cell("001", [v.string()]) == "001"  # ...unless the field is a string
    assert decode_csv_cell("12", [v.int64()]) == Int64(12)
    assert decode_csv_cell("true", [v.boolean()]) is True and decode_csv_cell("true", None) == "true"
    assert decode_csv_cell(" 1", None) == " 1" and decode_csv_cell("1_000", None) == "1_000"


@pytest.mark.usefixtures("storage_backend")
def test_int64_by_validator_and_json_array_errors_name_the_line(types_project: Path, tmp_path: Path) -> None:
    engine = open_engine(types_project)
    try:
        good = tmp_path / "things.jsonl"
        good.write_text('{"name": "x", "count": 7, "score": 7, "extra": 7}\n'
                        '{"name": "y", "count": {"$integer": "AQAAAAAAAAA="}, "score": 1.5}\n')
        perform_import(engine.db, read_import(good, engine.db.catalog, table="things"))
        docs = sorted(dump_engine(engine)["things"].values(), key=lambda d: d["name"])
        assert typed(docs[0]["count"]) == ("int64", 7) and typed(docs[0]["score"]) == ("f64", 7.0)
        assert typed(docs[0]["extra"]) == ("f64", 7.0)  # clean JSON: an untyped number is a float64
        assert docs[1]["count"] == Int64(1)

        bad = tmp_path / "people.json"
        bad.write_text('[\n  {"name": "a", "age": 1},\n  {"name": "b",\n   "age": "old"},\n  {"name": "c"}\n]\n')
        with pytest.raises(ImportFailed) as info:
            read_import(bad, engine.db.catalog, table="people")
        assert len(info.value.errors) == 2
        assert info.value.errors[0].startswith("people.json:3: field `age`:")
        assert info.value.errors[1].startswith("people.json:5:") and "age" in info.value.errors[1]

        with pytest.raises(ImportFailed, match=r"people.jsonl:2: field `_id`"):
            (tmp_path / "people.jsonl").write_text('{"name": "a", "age": 1}\n{"_id": "nope", "name": "b", "age": 2}\n')
            read_import(tmp_path / "people.jsonl", engine.db.catalog, table="people")
    finally:
        engine.close()


@pytest.mark.usefixtures("storage_backend")
def test_replace_is_atomic_append_adds_and_nonempty_tables_are_refused(types_project: Path, tmp_path: Path) -> None:
    engine = open_engine(types_project)
    try:
        engine.db.write(lambda tx: [tx.insert("people", {"name": n, "age": 1}) for n in ("old1", "old2")])
        new = tmp_path / "people.jsonl"
        new.write_text('{"name": "new1", "age": 2}\n{"name": "new2", "age": 3}\n{"name": "new3", "age": 4}\n')
        plan = read_import(new, engine.db.catalog, table="people")
        with pytest.raises(ImportFailed, match="Pass --replace"):
            perform_import(engine.db, plan)
        perform_import(engine.db, plan, "append")
        assert len(dump_engine(engine)["people"]) == 5

        ts_before = engine.db.read_latest_ts()
        report = perform_import(engine.db, plan, "replace")
        assert report.deleted == {"people": 5} and report.imported == {"people": 3}
        names = sorted(d["name"] for d in dump_engine(engine)["people"].values())
        assert names == ["new1", "new2", "new3"]
        commits = engine.db.commits_after(ts_before)
        assert len(commits) == 1  # deletes and inserts in one transaction
    finally:
        engine.close()


@pytest.mark.usefixtures("storage_backend")
def test_cli_replace_needs_yes_without_a_terminal_and_keeps_data_on_bad_input(
    types_project: Path, tmp_path: Path
) -> None:
    db = database(types_project)
    first = tmp_path / "people.jsonl"
    first.write_text('{"name": "a", "age": 1}\n')
    assert run("import", str(first), "--table", "people", "--dir", str(types_project), *db).returncode == 0
    again = run("import", str(first), "--table", "people", "--dir", str(types_project), *db)
    assert again.returncode == 1 and "--replace" in again.stderr
    no_yes = run("import", str(first), "--table", "people", "--replace", "--dir", str(types_project), *db, stdin="")
    assert no_yes.returncode == 2 and "--yes" in no_yes.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"name": "z", "age": 1}\n{"name": 5, "age": 1}\n')
    bad = run("import", str(broken), "--table", "people", "--replace", "--yes", "--dir", str(types_project), *db)
    assert bad.returncode == 1 and "broken.jsonl:2: field `name`" in bad.stderr
    assert [d["name"] for d in dump(types_project)["people"].values()] == ["a"]
    assert run("import", str(first), "--dir", str(types_project), *db).returncode == 2  # no --table for JSONL
    both = run("import", str(first), "--table", "people", "--replace", "--append", "--dir", str(types_project), *db)
    assert both.returncode == 2


@pytest.mark.usefixtures("storage_backend")
def test_export_is_one_consistent_snapshot(types_project: Path, tmp_path: Path) -> None:
    """Writes committed while the export runs are not in the ZIP (the export reads one pinned snapshot)."""
    engine = open_engine(types_project)
    try:
        engine.db.write(lambda tx: [tx.insert("people", {"name": f"p{i}", "age": i}) for i in range(50)])
        from albertplus_cli.transfer import export as export_module

        original = export_module._write_tables

        def write_then_export(tx: Any, zf: Any, report: Any) -> None:
            engine.db.write(lambda wtx: wtx.insert("people", {"name": "late", "age": 0}))
            original(tx, zf, report)

        export_module._write_tables = write_then_export  # type: ignore[assignment]
        try:
            report = export_snapshot(engine.db, tmp_path)
        finally:
            export_module._write_tables = original  # type: ignore[assignment]
        assert report.path.name.startswith("snapshot_") and report.counts["people"] == 50
        with zipfile.ZipFile(report.path) as zf:
            lines = zf.read("people/documents.jsonl").splitlines()
        assert len(lines) == 50 and b"late" not in b"".join(lines)
        assert len(dump_engine(engine)["people"]) == 51
    finally:
        engine.close()


@pytest.mark.usefixtures("storage_backend")
def test_bytes_in_jsonl_use_convex_encoding(types_project: Path, tmp_path: Path) -> None:
    engine = open_engine(types_project)
    try:
        blob = base64.b64encode(b"hi").decode()
        path = tmp_path / "things.jsonl"
        path.write_text(json.dumps({"name": "b", "count": 1, "score": 1, "blob": {"$bytes": blob}}) + "\n")
        perform_import(engine.db, read_import(path, engine.db.catalog, table="things"))
        (doc,) = dump_engine(engine)["things"].values()
        assert doc["blob"] == b"hi"
    finally:
        engine.close()
