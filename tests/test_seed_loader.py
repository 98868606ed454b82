"""`albertplus_cli.seed.loader`: seeding the bundled AlbertPlus data into a real database, in process, on SQLite and
on PostgreSQL (`storage_backend`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from project_factory import engine_location

from albertplus_cli.database.documents import to_document
from albertplus_cli.engine import Engine
from albertplus_cli.seed import loader
from albertplus_cli.seed.loader import SeedError, database_is_empty, seed_database, seed_if_empty
from albertplus_cli.server.terminal import Terminal
from albertplus_cli.values.ids import decode_id

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL

SEED_COUNTS = {
    "appConfigs": 6, "schools": 33, "programs": 17, "courses": 491, "prerequisites": 309, "requirements": 77,
    "courseOfferings": 1605, "students": 1, "userCourses": 25, "userCourseOfferings": 5,
}


def dump(engine: Engine) -> dict[str, dict[str, dict[str, Any]]]:
    """Every document of every table, by table and id (system fields included)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}

    def read(tx: Any) -> None:
        for name, info in tx.catalog.by_name.items():
            rows = tx.session.export_rows(info.number)
            out[name] = {doc_id: to_document(doc_id, ct, body) for doc_id, ct, body in rows}

    engine.db.read(read)
    return out


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(docs) for name, docs in dump(engine).items() if docs}


@pytest.fixture
def engine(albertplus_project: Path) -> Any:
    eng = Engine(albertplus_project, engine_location(albertplus_project / ".albertplus" / "data.sqlite3"))
    yield eng
    eng.close()


def test_seed_loads_every_table_and_resolves_relationships(engine: Engine) -> None:
    report = seed_database(engine, show_progress=False)
    assert counts(engine) == SEED_COUNTS
    assert report.warnings == []
    assert {t.table: t.inserted for t in report.tables} == SEED_COUNTS
    data = dump(engine)
    courses = {doc["_id"]: doc for doc in data["courses"].values()}
    raw_prereqs = json.loads((engine.project_dir / "seed" / "prerequisites.json").read_text())
    stored = sorted((courses[p["courseId"]]["code"], p["type"], tuple(p["courses"]))
                    for p in data["prerequisites"].values())
    assert stored == sorted((p["courseCode"], p["type"], tuple(p["courses"])) for p in raw_prereqs)
    programs = {doc["_id"]: doc["name"] for doc in data["programs"].values()}
    assert all(r["programId"] in programs for r in data["requirements"].values())
    (student,) = data["students"].values()
    school = data["schools"][student["school"]]
    assert (school["name"], school["level"]) == ("College of Arts and Science", "undergraduate")
    assert [programs[p] for p in student["programs"]] == ["Computer Science (BA)"]
    # the options requirement with a 400-level courseLevels entry survives intact
    assert any(r["type"] == "options" and {"program": "CSCI-UA", "level": 400} in r["courseLevels"]
               for r in data["requirements"].values())


def test_seeding_twice_changes_nothing_same_counts_and_ids(engine: Engine) -> None:
    seed_database(engine, show_progress=False)
    before = dump(engine)
    commits_before = len(engine.db.commits_after(0))
    report = seed_database(engine, show_progress=False)
    assert report.writes == 0
    assert all(t.unchanged == t.seed_rows for t in report.tables)
    assert dump(engine) == before  # same ids, same creation times, same fields
    commits_after = len(engine.db.commits_after(0))
    assert commits_after == commits_before  # not even an empty commit


def test_user_id_owns_the_demo_students_rows(engine: Engine) -> None:
    seed_database(engine, show_progress=False, user_id="user_2alice")
    data = dump(engine)
    for table in ("students", "userCourses", "userCourseOfferings"):
        owners = {doc["userId"] for doc in data[table].values()}
        assert owners == {"user_2alice"}, table
        assert len(data[table]) == SEED_COUNTS[table]
    # idempotent with the same user id too
    assert seed_database(engine, show_progress=False, user_id="user_2alice").writes == 0


def test_changed_rows_are_patched_in_place_and_prerequisites_replaced_per_course(
    engine: Engine, albertplus_project: Path
) -> None:
    seed_database(engine, show_progress=False)
    before = dump(engine)
    seed_dir = albertplus_project / "seed"
    courses = json.loads((seed_dir / "courses.json").read_text())
    courses[0]["title"] = "Renamed Course"
    (seed_dir / "courses.json").write_text(json.dumps(courses))
    prereqs = json.loads((seed_dir / "prerequisites.json").read_text())
    target = prereqs[0]["courseCode"]
    group = [p for p in prereqs if p["courseCode"] == target]
    prereqs[0] = {**prereqs[0], "courses": [*prereqs[0]["courses"], "MATH-UA 120"]}
    (seed_dir / "prerequisites.json").write_text(json.dumps(prereqs))

    report = {t.table: t for t in seed_database(engine, show_progress=False).tables}
    after = dump(engine)
    assert report["courses"].updated == 1 and report["courses"].inserted == 0
    assert set(after["courses"]) == set(before["courses"])  # patched, same ids
    renamed = [d for d in after["courses"].values() if d["code"] == courses[0]["code"]]
    assert renamed[0]["title"] == "Renamed Course"
    assert report["prerequisites"].deleted == len(group) and report["prerequisites"].inserted == len(group)
    kept = set(before["prerequisites"]) & set(after["prerequisites"])
    assert len(kept) == SEED_COUNTS["prerequisites"] - len(group)  # other courses' rows untouched
    assert len(after["prerequisites"]) == SEED_COUNTS["prerequisites"]


def test_reset_clears_every_table_first(engine: Engine) -> None:
    seed_database(engine, show_progress=False)
    engine.db.write(lambda tx: tx.insert("studentInvites", {"userId": "u", "name": "N", "email": "e@x"}))
    engine.db.write(lambda tx: tx.insert("courses", {**_course("ZZZ-UA 1")}))
    old_ids = set(dump(engine)["courses"])
    report = seed_database(engine, show_progress=False, reset=True)
    assert report.cleared == sum(SEED_COUNTS.values()) + 2
    assert counts(engine) == SEED_COUNTS
    assert not set(dump(engine)["courses"]) & old_ids  # everything was re-inserted


def test_scale_adds_synthetic_courses_with_four_sections_each(engine: Engine) -> None:
    report = seed_database(engine, show_progress=False, scale=40)
    got = counts(engine)
    assert got["courses"] == SEED_COUNTS["courses"] + 40
    assert got["courseOfferings"] == SEED_COUNTS["courseOfferings"] + 160
    assert report.warnings == []
    assert seed_database(engine, show_progress=False, scale=40).writes == 0  # deterministic


def test_writes_go_in_chunks_each_one_commit(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "CHUNK_WRITES", 300)
    seed_database(engine, show_progress=False)

    def per_commit(tx: Any) -> list[int]:
        from albertplus_cli.database.write_log import decode_writes

        docs = []
        for _ts, blob in tx.session.commits_after(0, 1_000_000):
            writes = decode_writes(blob)
            docs.append(sum(1 for index_id, _ in writes.keys if index_id < 0))  # by_id keys = documents
        return docs

    sizes = engine.db.read(per_commit)[0]
    assert max(sizes) <= 300
    assert len(sizes) >= sum(SEED_COUNTS.values()) // 300


def test_bad_seed_file_is_named_and_nothing_is_written(engine: Engine, albertplus_project: Path) -> None:
    path = albertplus_project / "seed" / "courseOfferings.json"
    rows = json.loads(path.read_text())
    rows[7]["status"] = "full"
    path.write_text(json.dumps(rows))
    with pytest.raises(SeedError) as info:
        seed_database(engine, show_progress=False)
    message = str(info.value)
    assert "seed/courseOfferings.json: item 7" in message and "`status`" in message
    assert database_is_empty(engine.db)


def test_invalid_json_names_the_file_and_line(engine: Engine, albertplus_project: Path) -> None:
    (albertplus_project / "seed" / "programs.json").write_text('[{"name": "x",\n  oops}]')
    with pytest.raises(SeedError, match=r"programs\.json: invalid JSON at line 2"):
        seed_database(engine, show_progress=False)
    assert database_is_empty(engine.db)


def test_unknown_references_are_skipped_with_seedalls_warning(engine: Engine, albertplus_project: Path) -> None:
    path = albertplus_project / "seed" / "prerequisites.json"
    rows = json.loads(path.read_text())
    rows.append({"courseCode": "NOPE-UA 999", "type": "required", "courses": ["CSCI-UA 101"]})
    path.write_text(json.dumps(rows))
    report = seed_database(engine, show_progress=False)
    assert any("Course not found: NOPE-UA 999" in w for w in report.warnings)
    assert counts(engine)["prerequisites"] == SEED_COUNTS["prerequisites"]


def test_seed_if_empty_only_seeds_an_empty_database(engine: Engine, albertplus_project: Path) -> None:
    terminal = Terminal(quiet=True)
    seed_if_empty(engine, terminal)
    assert counts(engine) == SEED_COUNTS
    engine.db.write(lambda tx: tx.delete(next(iter(dump(engine)["appConfigs"]))))
    seed_if_empty(engine, terminal)  # not empty: left alone
    assert counts(engine)["appConfigs"] == SEED_COUNTS["appConfigs"] - 1


def test_seed_if_empty_without_seed_folder_does_nothing(albertplus_project: Path) -> None:
    import shutil

    shutil.rmtree(albertplus_project / "seed")
    eng = Engine(albertplus_project, engine_location(albertplus_project / ".albertplus" / "data.sqlite3"))
    try:
        seed_if_empty(eng, Terminal(quiet=True))
        assert database_is_empty(eng.db)
    finally:
        eng.close()


def test_ids_belong_to_their_tables(engine: Engine) -> None:
    seed_database(engine, show_progress=False)
    for name, docs in dump(engine).items():
        number = engine.db.catalog.table_number(name)
        assert all(decode_id(doc_id).table_number == number for doc_id in docs)


def _course(code: str) -> dict[str, Any]:
    return {"code": code, "program": code.split()[0], "programName": "Z", "level": "undergraduate",
            "title": "T", "credits": 4, "school": "College of Arts and Science", "description": "d",
            "courseUrl": "https://example.com"}
