"""`albertplus import-audit`, run as a real subprocess on synthetic reports, checked in the database.

Why these tests: the command is the only way a report reaches `userCourses` from the shell, so what it
writes must follow `userCourses:importUserCourses` exactly (dedupe on user, code, year, term; fill a
missing grade), under `--dry-run` nothing may be written, `--json` is a contract other tools parse, every
bad input needs its own message with nothing written, and a running `albertplus dev` must show the
imported rows to its subscribers within a second (the web app's plan page updates live).

The tests use a copy of the AlbertPlus project (schema.py and functions/, whose
`userCourses:importUserCourses` the command runs) plus one probe query the subscriber test watches.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from audit_fixtures import (
    HistoryRow,
    LayoutA,
    SyntheticReport,
    expected_rows,
    image_only_pdf,
    plain_pdf,
    png_bytes,
    render_fpdf,
    render_reportlab,
    render_text,
    sample_report,
)
from server_process import ALBERTPLUS, REPO, DevServer, copy_project

from albertplus_cli.audit import map_grade
from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter
from albertplus_cli.functions.loader import load_schema

USER = "user_audit_1"
PROBE = '''"""A probe for the import-audit tests: one user's userCourses, as the web app's plan page reads them."""
from albertplus_cli.server import query
from albertplus_cli.values import v


@query(args={"userId": v.string()})
def userCourses(ctx, args):
    return ctx.db.query("userCourses").with_index("by_user", lambda q: q.eq("userId", args["userId"])).collect()
'''

RENDERERS: dict[str, Callable[[SyntheticReport], bytes | str]] = {
    "fpdf": lambda report: render_fpdf(report),
    "reportlab": lambda report: render_reportlab(report),
    "fpdf-short-pages": lambda report: render_fpdf(report, LayoutA(lines_per_page=9)),
    "pdfjs-text": lambda report: render_text(report, "pdfjs"),
    "pasted-text": lambda report: render_text(report, "pasted"),
}


# ---------------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The AlbertPlus project (schema and functions) with a probe query, no data yet."""
    root = copy_project(REPO, tmp_path / "project")
    (root / "functions" / "auditprobe.py").write_text(PROBE)
    return root


def write_report(folder: Path, name: str, report: SyntheticReport, layout: str = "fpdf") -> Path:
    data = RENDERERS[layout](report)
    suffix = ".pdf" if isinstance(data, bytes) else ".txt"
    path = folder / f"{name}{suffix}"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return path


def run_cli(project: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [ALBERTPLUS, "import-audit", *args, "--dir", str(project)],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True, text=True, env=env, timeout=60,
    )


def db_path(project: Path) -> Path:
    return project / ".albertplus" / "data.sqlite3"


def with_db(project: Path, fn: Callable[[Database], Any]) -> Any:
    db = Database(db_path(project), load_schema(project))
    try:
        return fn(db)
    finally:
        db.close()


def table_rows(project: Path, table: str) -> list[dict[str, Any]]:
    """Every document of `table` (none when the project has no database yet)."""
    if not db_path(project).exists():
        return []
    return with_db(project, lambda db: db.read(lambda tx: DatabaseReader(tx).query(table).collect())[0])


def latest_commit(project: Path) -> int:
    if not db_path(project).exists():
        return 0
    return int(with_db(project, lambda db: db.read_latest_ts()))


def user_courses(project: Path, user: str = USER) -> list[dict[str, Any]]:
    return [row for row in table_rows(project, "userCourses") if row["userId"] == user]


def as_key(row: dict[str, Any]) -> tuple[str, int, str]:
    return (row["courseCode"], int(row["year"]), row["term"])


def expected_docs(report: SyntheticReport) -> dict[tuple[str, int, str], dict[str, Any]]:
    """What the import must store, from the fixture oracle (independent of the parser), by key."""
    out: dict[tuple[str, int, str], dict[str, Any]] = {}
    for row in expected_rows(report):
        doc: dict[str, Any] = {"courseCode": row.course_code, "title": row.title, "year": row.term.year,
                               "term": row.term.term}
        grade = map_grade(row.grade, row.course_code).value
        if grade is not None:
            doc["grade"] = grade
        out.setdefault(as_key(doc), doc)
    return out


def stored(project: Path, user: str = USER) -> dict[tuple[str, int, str], dict[str, Any]]:
    keep = ("courseCode", "title", "year", "term", "grade")
    return {as_key(row): {k: row[k] for k in keep if k in row} for row in user_courses(project, user)}


def add_student(project: Path, user: str = USER, starting: dict[str, Any] | None = None) -> str:
    """A `students` row for `user` (with the school it needs)."""
    start = starting or {"year": 2022, "term": "spring"}

    def write(db: Database) -> str:
        def fn(tx: Any) -> str:
            w = DatabaseWriter(tx)
            school = w.insert("schools", {"name": "College of Arts and Science", "shortName": "CAS",
                                          "level": "undergraduate"})
            return w.insert("students", {"userId": user, "programs": [], "school": school,
                                         "startingDate": start,
                                         "expectedGraduationDate": {"year": 2027, "term": "spring"}})
        return str(db.write(fn).value)

    return str(with_db(project, write))


def counts_line(inserted: int, updated: int, duplicates: int) -> str:
    return f"{inserted} new courses imported, {updated} updated with grades, {duplicates} duplicates skipped"


# ---------------------------------------------------------------------------------------------------------
# Importing


@pytest.mark.parametrize("layout", sorted(RENDERERS))
def test_import_writes_the_report_and_a_second_import_is_all_duplicates(
    project: Path, tmp_path: Path, layout: str
) -> None:
    report = sample_report()
    path = write_report(tmp_path, "report", report, layout)
    want = expected_docs(report)

    first = run_cli(project, str(path), "--user", USER)
    assert first.returncode == 0, first.stderr
    assert stored(project) == want
    assert counts_line(len(want), 0, 0) in first.stdout
    # the plan and every grade mapping are shown, never silent
    assert "insert" in first.stdout and "Grade mappings" in first.stdout
    for raw in ("TR", "CR", "INC", "D-", "AU", "S", "NR", "WF", "IP"):
        assert f"{raw} -> " in first.stdout, raw
    assert "fall 2023" in first.stdout and "j-term 2024" in first.stdout

    before = latest_commit(project)
    second = run_cli(project, str(path), "--user", USER)
    assert second.returncode == 0, second.stderr
    assert counts_line(0, 0, len(report.history)) in second.stdout
    assert "duplicate" in second.stdout
    assert len(user_courses(project)) == len(want)
    assert latest_commit(project) == before  # an all-duplicate import writes nothing at all


def test_terms_are_shown_in_calendar_order_j_term_first(project: Path, tmp_path: Path) -> None:
    report = sample_report(history=(
        HistoryRow("2024 Fall", "CSCI-UA", "201", "Computer Systems Org", "A"),
        HistoryRow("2024 Sum", "CSCI-UA", "330", "Simulation", "B"),
        HistoryRow("2024 Spr", "CSCI-UA", "102", "Data Structures", "A-"),
        HistoryRow("2024 Win", "CSCI-UA", "4", "Tools", "P", "2.00"),
        HistoryRow("2023 Fall", "CSCI-UA", "101", "Intro to Computer Science", "A"),
    ))
    result = run_cli(project, str(write_report(tmp_path, "r", report, "pasted-text")), "--user", USER, "--dry-run")
    assert result.returncode == 0, result.stderr
    positions = [result.stdout.index(term) for term in
                 ("fall 2023", "j-term 2024", "spring 2024", "summer 2024", "fall 2024")]
    assert positions == sorted(positions)


def test_grades_of_in_progress_rows_are_filled_by_a_later_report(project: Path, tmp_path: Path) -> None:
    R = HistoryRow
    early = sample_report(history=(
        R("2024 Fall", "CSCI-UA", "201", "Computer Systems Org", "B"),
        R("2025 Fall", "CSCI-UA", "472", "Artificial Intelligence", None),
        R("2025 Fall", "CSCI-UA", "473", "Intro to Machine Learning", None, "4.00", "IP"),
        R("2025 Fall", "MATH-UA", "235", "Probability and Statistics", "INC"),
    ))
    later = sample_report(history=(
        R("2024 Fall", "CSCI-UA", "201", "Computer Systems Org", "A"),  # graded already: stays B
        R("2025 Fall", "CSCI-UA", "472", "Artificial Intelligence", "A-"),
        R("2025 Fall", "CSCI-UA", "473", "Intro to Machine Learning", "B+"),
        R("2025 Fall", "MATH-UA", "235", "Probability and Statistics", "C"),
        R("2026 Spr", "CSCI-UA", "480", "Special Topics", None),
    ))
    first = run_cli(project, str(write_report(tmp_path, "early", early, "reportlab")), "--user", USER)
    assert first.returncode == 0, first.stderr
    assert counts_line(4, 0, 0) in first.stdout
    assert {k[0]: v.get("grade") for k, v in stored(project).items()} == {
        "CSCI-UA 201": "b", "CSCI-UA 472": None, "CSCI-UA 473": None, "MATH-UA 235": None}

    ids_before = {as_key(row): row["_id"] for row in user_courses(project)}
    second = run_cli(project, str(write_report(tmp_path, "later", later, "fpdf")), "--user", USER)
    assert second.returncode == 0, second.stderr
    assert counts_line(1, 3, 1) in second.stdout
    assert "update grade" in second.stdout
    rows = user_courses(project)
    assert {row["courseCode"]: row.get("grade") for row in rows} == {
        "CSCI-UA 201": "b", "CSCI-UA 472": "a-", "CSCI-UA 473": "b+", "MATH-UA 235": "c", "CSCI-UA 480": None}
    # the updated rows are the same documents, patched
    assert {as_key(row): row["_id"] for row in rows if as_key(row) in ids_before} == ids_before


def test_other_users_rows_do_not_count_as_duplicates(project: Path, tmp_path: Path) -> None:
    path = write_report(tmp_path, "report", sample_report(), "pdfjs-text")
    assert run_cli(project, str(path), "--user", "someone_else").returncode == 0
    result = run_cli(project, str(path), "--user", USER)
    assert result.returncode == 0, result.stderr
    assert counts_line(27, 0, 0) in result.stdout
    assert len(user_courses(project)) == len(user_courses(project, "someone_else")) == 27


def test_report_from_stdin(project: Path, tmp_path: Path) -> None:
    text = render_text(sample_report(), "pasted")
    result = run_cli(project, "-", "--user", USER, "--json", stdin=text.encode())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["inserted"] == 27


# ---------------------------------------------------------------------------------------------------------
# --dry-run and --json


def test_dry_run_writes_nothing(project: Path, tmp_path: Path) -> None:
    path = write_report(tmp_path, "report", sample_report(), "fpdf")
    fresh = run_cli(project, str(path), "--user", USER, "--dry-run")
    assert fresh.returncode == 0, fresh.stderr
    assert "Dry run, nothing written" in fresh.stdout
    assert counts_line(27, 0, 0) in fresh.stdout
    assert "insert" in fresh.stdout and "Grade mappings" in fresh.stdout
    assert not db_path(project).exists()  # not even a database file on a fresh project

    student = add_student(project)
    before_commit = latest_commit(project)
    before_students = table_rows(project, "students")
    again = run_cli(project, str(path), "--user", USER, "--dry-run")
    assert again.returncode == 0, again.stderr
    assert counts_line(27, 0, 0) in again.stdout
    assert "would be set to fall 2023" in again.stdout
    assert user_courses(project) == []
    assert table_rows(project, "students") == before_students
    assert latest_commit(project) == before_commit
    assert before_students[0]["_id"] == student


def test_json_matches_the_contract(project: Path, tmp_path: Path) -> None:
    report = sample_report()
    path = write_report(tmp_path, "report", report, "reportlab")
    dry = run_cli(project, str(path), "--user", USER, "--json", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)  # stdout is the JSON object and nothing else
    assert user_courses(project) == []

    result = run_cli(project, str(path), "--user", USER, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["startingTerm", "courses", "gradeMappings", "inserted", "updated", "duplicates",
                          "dryRun"]
    assert data["startingTerm"] == {"year": 2023, "term": "fall"}
    assert (data["inserted"], data["updated"], data["duplicates"]) == (27, 0, 0)
    assert (planned["dryRun"], data["dryRun"]) == (True, False)
    assert {**planned, "dryRun": False} == data  # the dry run promised exactly this

    rows = expected_rows(report)
    want = [{**doc, "gradeRaw": row.grade} for doc, row in zip(expected_docs(report).values(), rows, strict=True)]
    assert data["courses"] == want  # report order; `grade` only when there is one; the report's own grade
    for course in data["courses"]:
        assert set(course) <= {"courseCode", "title", "year", "term", "grade", "gradeRaw"}
        assert {"courseCode", "title", "year", "term", "gradeRaw"} <= set(course)
    assert [c["gradeRaw"] for c in data["courses"]][:4] == ["TR", "P", "CR", None]
    mappings = {(m["courseCode"], m["from"]): m["to"] for m in data["gradeMappings"]}
    assert all(list(m) == ["from", "to", "courseCode", "term", "year"] for m in data["gradeMappings"])
    printed = {(row.course_code, row.grade, row.term.term, row.term.year) for row in rows}
    assert all((m["courseCode"], m["from"], m["term"], m["year"]) in printed for m in data["gradeMappings"])
    assert mappings == {
        ("MATH-UA 121", "TR"): "p", ("ECON-UA 2", "CR"): "p", ("CSCI-UA 102", "INC"): None,
        ("MATH-UA 1234", "D-"): "d", ("MUSIC-UA 10", "AU"): None, ("CSCI-UA 472L", "S"): "p",
        ("CSCI-UA 310", "NR"): None, ("CSCI-UA 330", "R"): None, ("CSCI-UA 9480", "WF"): "f",
        ("MATH-UA 235", "IP"): None,
    }

    again = json.loads(run_cli(project, str(path), "--user", USER, "--json").stdout)
    assert (again["inserted"], again["updated"], again["duplicates"]) == (0, 0, 27)


def test_json_without_a_career_line(project: Path, tmp_path: Path) -> None:
    report = sample_report(career_line="Academic Record")
    path = write_report(tmp_path, "report", report, "pasted-text")
    result = run_cli(project, str(path), "--user", USER, "--json", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["startingTerm"] is None


# ---------------------------------------------------------------------------------------------------------
# startingDate


def test_starting_date_is_set_when_a_student_row_exists(project: Path, tmp_path: Path) -> None:
    student = add_student(project, starting={"year": 2022, "term": "spring"})
    path = write_report(tmp_path, "report", sample_report(), "fpdf")
    result = run_cli(project, str(path), "--user", USER)
    assert result.returncode == 0, result.stderr
    assert "startingDate set to fall 2023 (was spring 2022)" in result.stdout
    [row] = [row for row in table_rows(project, "students") if row["userId"] == USER]
    assert row["_id"] == student
    assert row["startingDate"] == {"year": 2023, "term": "fall"}
    assert row["expectedGraduationDate"] == {"year": 2027, "term": "spring"}  # untouched

    again = run_cli(project, str(path), "--user", USER)
    assert "already is fall 2023" in again.stdout


def test_no_student_row_means_no_starting_date_but_the_courses_are_imported(project: Path, tmp_path: Path) -> None:
    add_student(project, user="another_user")
    path = write_report(tmp_path, "report", sample_report(), "fpdf")
    result = run_cli(project, str(path), "--user", USER)
    assert result.returncode == 0, result.stderr
    assert "has no student profile" in result.stdout
    assert len(user_courses(project)) == 27
    [other] = table_rows(project, "students")
    assert other["startingDate"] == {"year": 2022, "term": "spring"}


# ---------------------------------------------------------------------------------------------------------
# Bad input and bad usage


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, a phrase its error line must contain)."""
    no_history = replace(sample_report(), include_history=False)
    files: dict[str, tuple[str, bytes, str]] = {
        "not-a-pdf": ("photo.pdf", png_bytes(), "is not a PDF"),
        "binary": ("photo.bin", png_bytes(), "neither a PDF nor a text report"),
        "not-a-report": ("invoice.pdf", plain_pdf(["Invoice 2024-001", "Total due: $12.00"]),
                         "is not a Degree Progress Report"),
        "empty": ("empty.pdf", b"", "is empty"),
        "image-only": ("scan.pdf", image_only_pdf(), "contains no text"),
        "no-history": ("nohistory.pdf", render_fpdf(no_history), '"Course History" heading not found'),
    }
    out: dict[str, tuple[Path, str]] = {}
    for key, (name, data, phrase) in files.items():
        path = folder / name
        path.write_bytes(data)
        out[key] = (path, phrase)
    out["missing"] = (folder / "nowhere.pdf", "no such file")
    out["directory"] = (folder, "it is a directory")
    return out


def test_each_bad_input_has_its_own_one_line_error_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    seed = write_report(tmp_path, "seed", sample_report(history=sample_report().history[:3]), "pasted-text")
    assert run_cli(project, str(seed), "--user", USER).returncode == 0
    add_student(project)
    before = (table_rows(project, "userCourses"), table_rows(project, "students"), latest_commit(project))

    folder = tmp_path / "bad"
    folder.mkdir()
    messages = set()
    bad = _bad_inputs(folder)
    for key, (path, phrase) in bad.items():
        result = run_cli(project, str(path), "--user", USER)
        assert result.returncode == 1, (key, result.stdout, result.stderr)
        assert result.stdout == "", key
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (key, result.stderr)
        assert lines[0].startswith("error: ") and phrase in lines[0], (key, lines)
        messages.add(lines[0])
    assert len(messages) == len(bad)
    after = (table_rows(project, "userCourses"), table_rows(project, "students"), latest_commit(project))
    assert after == before


def test_an_error_of_the_apps_mutation_is_one_line_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    source = project / "functions" / "userCourses.py"
    source.write_text(source.read_text().replace(
        '    for course in args["courses"]:\n',
        '    for course in args["courses"]:\n        if course["courseCode"] == "CSCI-UA 472L":\n'
        '            raise ConvexError({"code": "LAB", "message": "labs are imported with their lecture"})\n', 1))
    student = add_student(project)
    before = (table_rows(project, "students"), latest_commit(project))
    result = run_cli(project, str(write_report(tmp_path, "report", sample_report(), "pasted-text")), "--user", USER)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: the import failed and nothing was written: ") and '"LAB"' in line
    assert user_courses(project) == []
    assert (table_rows(project, "students"), latest_commit(project)) == before  # startingDate too
    assert before[0][0]["_id"] == student


def test_bad_input_on_a_fresh_project_creates_no_database(project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = run_cli(project, str(empty), "--user", USER, "--json")
    assert result.returncode == 1
    answer = json.loads(result.stdout)  # with --json, the error too is one JSON object
    assert answer["exitCode"] == 1 and "is empty" in answer["error"], answer
    assert not db_path(project).exists()


def test_bad_usage_exits_2(project: Path, tmp_path: Path) -> None:
    path = write_report(tmp_path, "report", sample_report(), "pasted-text")
    missing_user = run_cli(project, str(path))
    assert missing_user.returncode == 2
    assert "--user" in missing_user.stderr
    empty_user = run_cli(project, str(path), "--user", " ")
    assert empty_user.returncode == 2
    assert not db_path(project).exists()


def test_a_folder_that_is_not_a_project_fails_cleanly(tmp_path: Path) -> None:
    path = write_report(tmp_path, "report", sample_report(), "pasted-text")
    folder = tmp_path / "not-a-project"
    folder.mkdir()
    result = run_cli(folder, str(path), "--user", USER)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "schema.py" in result.stderr


# ---------------------------------------------------------------------------------------------------------
# While `albertplus dev` runs


WATCHER = '''
import json, sys, time
from convex import ConvexClient

client = ConvexClient(sys.argv[1])
for value in client.subscribe("auditprobe:userCourses", {"userId": sys.argv[2]}):
    print(json.dumps({"t": time.time(), "n": len(value),
                      "grades": sorted(str(row.get("grade")) for row in value)}), flush=True)
'''


def test_a_running_dev_server_pushes_the_imported_rows_to_subscribers(project: Path, tmp_path: Path) -> None:
    R = HistoryRow
    early = sample_report()
    later = sample_report(history=(*early.history[:-4],
                                   R("2025 Fall", "CSCI-UA", "472", "Artificial Intelligence", "A"),
                                   *early.history[-3:]))
    first_path = write_report(tmp_path, "early", early, "fpdf")
    later_path = write_report(tmp_path, "later", later, "pasted-text")
    add_student(project)
    script = tmp_path / "watch.py"
    script.write_text(WATCHER)

    with DevServer(project) as server:
        watcher = subprocess.Popen([sys.executable, str(script), server.url, USER],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        updates: queue.Queue[dict[str, Any]] = queue.Queue()

        def pump() -> None:
            assert watcher.stdout is not None
            for line in watcher.stdout:
                updates.put(json.loads(line))

        threading.Thread(target=pump, daemon=True).start()
        try:
            assert updates.get(timeout=20)["n"] == 0  # subscribed: no courses yet

            result = run_cli(project, str(first_path), "--user", USER)
            done = time.time()
            assert result.returncode == 0, result.stderr
            update = updates.get(timeout=10)
            assert update["n"] == 27
            assert update["t"] - done < 1.0, f"the update arrived {update['t'] - done:.2f} s after the import"

            # a dry run while the server runs answers and commits nothing (the real import below still
            # fills the grade, and the next update the subscriber gets is that one)
            before = latest_commit(project)
            rehearsal = run_cli(project, str(later_path), "--user", USER, "--dry-run", "--json")
            assert rehearsal.returncode == 0, rehearsal.stderr
            planned = json.loads(rehearsal.stdout)
            assert (planned["inserted"], planned["updated"], planned["duplicates"], planned["dryRun"]) == (
                0, 1, 26, True)
            assert latest_commit(project) == before

            # a grade filled in later arrives too
            result = run_cli(project, str(later_path), "--user", USER)
            done = time.time()
            assert result.returncode == 0, result.stderr
            assert counts_line(0, 1, 26) in result.stdout
            update = updates.get(timeout=10)
            assert update["n"] == 27 and update["grades"].count("None") == 8
            assert update["t"] - done < 1.0
        finally:
            watcher.kill()
            watcher.wait(timeout=10)
    assert len(user_courses(project)) == 27

