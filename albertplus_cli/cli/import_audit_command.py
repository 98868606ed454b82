"""`albertplus import-audit`: a student's NYU Degree Progress Report (PDF or text) into `userCourses`.

The parser (`albertplus_cli.audit`) reads the report; `import_audit_run` runs the app's own
`userCourses:importUserCourses` on it, as admin acting as the user, in one transaction of the project's
database (rolled back under `--dry-run`), which a running `albertplus dev` picks up from the commit log (its
subscribed clients see the rows within a second).

Choices made here:

* Terms are shown in calendar order, j-term < spring < summer < fall within a year: the parser reads
  "2024 Win" as j-term 2024, NYU's January term, which runs before spring 2024. (The web app's confirm
  modal sorts j-term last in its year, which would show January 2024 after fall 2024.) Within a term the
  rows keep the report's order; `--json`'s `courses` keep the report's order too (the mutation's input).
* Every grade that is not literally a schema grade is listed with what it became and why, in the
  terminal (a "Grade mappings" table) and in `--json`'s `gradeMappings`. Parser warnings (text it could
  not use inside Course History) go to the terminal, or to stderr under `--json`.
* `startingDate` is set only when the user has a `students` row; otherwise the courses are still imported
  and the terminal says the starting date was not set (the web app skips `updateCurrentStudent` too).
* Bad input gets one line on stderr and exit 1 before the database is opened: nothing is written.
* `--json` carries what a script needs to check the import: each course's `gradeRaw` (the grade as the
  report prints it, null when it prints none), the `term` and `year` of each grade mapping's course (a
  course taken twice is otherwise ambiguous) and a `dryRun` flag.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from albertplus_cli.audit import AuditError, CourseRow, DegreeReport, map_grade, parse_report
from albertplus_cli.cli.common import DATABASE_OPTION, PROJECT_OPTION, database_url, fail, project_root
from albertplus_cli.cli.import_audit_run import Action, ImportResult, import_into_project, to_user_courses
from albertplus_cli.cli.main import app

#: Display order of terms inside a calendar year: j-term is January, so it comes first.
DISPLAY_TERM_ORDER: Final[dict[str, int]] = {"j-term": 0, "spring": 1, "summer": 2, "fall": 3}

_PLAN_LABELS: Final[dict[str, str]] = {"insert": "insert", "update": "update grade", "duplicate": "duplicate"}
_PLAN_STYLES: Final[dict[str, str]] = {"insert": "green", "update": "yellow", "duplicate": "dim"}

IMPORT_AUDIT_HELP = """Import an NYU Degree Progress Report's Course History into a user's courses.

FILE is the report as a PDF (as NYU Albert exports it) or as text (copied from a PDF viewer, or the text
pdf.js extracts); `-` reads it from stdin. The courses go through the project's own
`userCourses:importUserCourses`, run as admin acting as the user: in AlbertPlus a course already there for
the same code, year and term is a duplicate, unless it has no grade yet and the report gives one (then its
grade is filled in). When the report names a starting term and the user has a student profile, its
`startingDate` is set with `students:updateCurrentStudent`. Everything is one transaction (--dry-run runs it
and rolls it back), and a running `albertplus dev` shows the new courses to its clients at once.

Grades outside the app's list (INC, CR, TR, NR, ...) are mapped as listed in the output, never silently.
Terms are listed in calendar order: j-term (the January term, "2024 Win") before spring, summer and fall.

Examples:

  albertplus import-audit ~/Downloads/report.pdf --user user_2abc

  albertplus import-audit report.pdf --user user_2abc --dry-run

  albertplus import-audit report.txt --user user_2abc --json --dir ./albertplus

  pbpaste | albertplus import-audit - --user user_2abc
"""


def _stdout() -> Console:
    return Console(highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _read_source(file: str) -> tuple[Path | bytes, str]:
    if file == "-":
        return sys.stdin.buffer.read(), "stdin"
    return Path(file), file


def _term_label(year: float, term: str) -> str:
    return f"{term} {int(year)}"  # years are float64 in the database (4.0), whole numbers on screen


def _grade_cell(row: CourseRow) -> Text:
    """The grade as printed, with what it becomes when that is not simply itself."""
    if not row.grade:
        return Text("-", style="dim")
    result = map_grade(row.grade, row.course_code)
    if result.mapping is None:
        return Text(row.grade)
    became = result.value if result.value is not None else "no grade"
    return Text.assemble(row.grade, (f" -> {became}", "yellow"))


def _plan_cell(action: Action, repeated: bool) -> Text:
    label = _PLAN_LABELS[action]
    if repeated:
        label += " (again in report)"
    return Text(label, style=_PLAN_STYLES[action])


def _courses_table(rows: Sequence[CourseRow], actions: Sequence[Action]) -> Table:
    """The parsed courses grouped by term (calendar order), one section per term, with the outcome per row."""
    table = Table(title=f"Course History: {len(rows)} courses", title_justify="left", expand=False)
    table.add_column("Term", no_wrap=True)
    table.add_column("Course", no_wrap=True)
    table.add_column("Title")
    table.add_column("Grade", no_wrap=True)
    table.add_column("Plan", no_wrap=True)
    indexed = list(zip(rows, actions, strict=True))
    order = sorted(range(len(indexed)),
                   key=lambda i: (indexed[i][0].term.year, DISPLAY_TERM_ORDER[indexed[i][0].term.term], i))
    seen: set[tuple[str, int, str]] = set()
    repeated = []  # a row whose course, year and term an earlier row of the report already had
    for row in rows:
        key = (row.course_code, row.term.year, row.term.term)
        repeated.append(key in seen)
        seen.add(key)
    previous: tuple[int, str] | None = None
    for i in order:
        row, action = indexed[i]
        term = (row.term.year, row.term.term)
        if previous is not None and term != previous:
            table.add_section()
        term_cell = Text(_term_label(*term), style="bold") if term != previous else Text("")
        previous = term
        table.add_row(term_cell, Text(row.course_code), Text(row.title), _grade_cell(row),
                      _plan_cell(action, repeated[i]))
    return table


def _mappings_table(rows: Sequence[CourseRow]) -> Table | None:
    """Every non-schema grade, what it became and why; None when there is none."""
    table = Table(title="Grade mappings (grades the app's schema does not have)", title_justify="left")
    table.add_column("Course", no_wrap=True)
    table.add_column("Term", no_wrap=True)
    table.add_column("Report", no_wrap=True)
    table.add_column("Becomes", no_wrap=True)
    table.add_column("Why")
    found = False
    for row in rows:
        mapping = map_grade(row.grade, row.course_code).mapping
        if mapping is None:
            continue
        found = True
        became = Text(mapping.to_grade) if mapping.to_grade is not None else Text("no grade", style="yellow")
        table.add_row(Text(row.course_code), Text(str(row.term)), Text(mapping.from_grade), became,
                      Text(mapping.reason))
    return table if found else None


def _counts_line(counts: dict[str, int], dry_run: bool) -> str:
    line = (f"{counts['inserted']} new courses imported, {counts['updated']} updated with grades, "
            f"{counts['duplicates']} duplicates skipped")
    return f"Dry run, nothing written. Would be: {line}" if dry_run else line


def _starting_date_line(result: ImportResult, user: str) -> str:
    change = result.starting_date
    verb = "would be set" if result.dry_run else "set"
    if change.status == "no-term" or change.new is None:
        return "Starting term: none in the report (no career line); startingDate not changed"
    new = _term_label(change.new["year"], change.new["term"])
    if change.status == "no-student":
        return f"Starting term {new}: user {user} has no student profile, so startingDate was not set"
    if change.status == "unchanged":
        return f"Starting term {new}: the student's startingDate already is {new}"
    old = f" (was {_term_label(change.old['year'], change.old['term'])})" if change.old else ""
    return f"Starting term {new}: student startingDate {verb} to {new}{old}"


def _print_human(source: str, report: DegreeReport, result: ImportResult, user: str) -> None:
    out = _stdout()
    who = f" for {report.student_name}" if report.student_name else ""
    when = f", prepared on {report.report_date.isoformat()}" if report.report_date else ""
    out.print(Text(f"Degree Progress Report{who}{when} ({source})", style="bold"), soft_wrap=True)
    out.print(Text(f"Importing for user {user}"), soft_wrap=True)
    out.print()
    if report.rows:
        out.print(_courses_table(report.rows, result.actions))
    else:
        out.print(Text("The Course History has no course rows.", style="yellow"))
    mappings = _mappings_table(report.rows)
    out.print()
    if mappings is not None:
        out.print(mappings)
    else:
        out.print(Text("Grade mappings: none (every grade is one of the app's grades)"))
    if report.warnings:
        out.print()
        out.print(Text(f"Parser warnings ({len(report.warnings)}):", style="yellow"))
        for warning in report.warnings:
            out.print(Text(f"  {warning}"), soft_wrap=True)
    out.print()
    out.print(Text(_starting_date_line(result, user)), soft_wrap=True)
    out.print(Text(_counts_line(result.counts(), result.dry_run), style="bold"), soft_wrap=True)


def audit_json(report: DegreeReport, courses: Sequence[dict[str, Any]], result: ImportResult) -> dict[str, Any]:
    """CONTRACT §3's object, keys in its order, then `dryRun`.

    `courses` are the mutation's arguments, in report order, each with the report's own `gradeRaw`; every
    grade that needed a mapping (TR and CR imported as `p` too) is listed with its course's term and year.
    """
    start = report.starting_term
    mappings = []
    for row in report.rows:
        mapping = map_grade(row.grade, row.course_code).mapping
        if mapping is not None:
            mappings.append({**mapping.to_json(), "term": row.term.term, "year": row.term.year})
    counts = result.counts()
    return {
        "startingTerm": None if start is None else {"year": start.year, "term": start.term},
        "courses": [{**course, "gradeRaw": row.grade or None}
                    for course, row in zip(courses, report.rows, strict=True)],
        "gradeMappings": mappings,
        "inserted": counts["inserted"],
        "updated": counts["updated"],
        "duplicates": counts["duplicates"],
        "dryRun": result.dry_run,
    }


@app.command("import-audit", help=IMPORT_AUDIT_HELP)
def import_audit_command(
    file: str = typer.Argument(..., metavar="FILE", help="The report: a PDF or a text file; `-` for stdin."),
    user: str = typer.Option(..., "--user", help="The user id (Clerk subject) whose courses these are."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would happen; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print only the result as one JSON object."),
    project_dir: Path = PROJECT_OPTION,
    db: str | None = DATABASE_OPTION,
) -> None:
    from albertplus_cli.database import SchemaValidationError
    from albertplus_cli.functions.loader import ProjectLoadError

    if not user.strip():
        raise typer.BadParameter("must not be empty", param_hint="--user")
    root = project_root(project_dir)
    database = database_url(db, root)
    source, label = _read_source(file)
    try:
        report = parse_report(source, name=label)
    except AuditError as err:
        raise fail(str(err), as_json=as_json) from None
    courses = to_user_courses(report)
    try:
        result = import_into_project(root, user, courses, report.starting_term, dry_run=dry_run,
                                     db_path=database)
    except (ProjectLoadError, SchemaValidationError) as err:
        raise fail(f"the project failed to load: {_first_line(err)}", as_json=as_json) from None
    except Exception as err:  # noqa: BLE001 - the transaction rolled back; say why on one line
        raise fail(f"the import failed and nothing was written: {_first_line(err)}", as_json=as_json) from None

    for line in result.log_lines:  # the functions' own log lines, as `albertplus run` shows them
        _stderr().print(Text(line), soft_wrap=True)
    if as_json:
        for warning in report.warnings:
            _stderr().print(Text(f"warning: {warning}"), soft_wrap=True)
        typer.echo(json.dumps(audit_json(report, courses, result), indent=2))
        return
    _print_human(label, report, result, user)


def _first_line(err: BaseException) -> str:
    """An error's first line; a function's `ConvexError` shows its data (as JSON when it is not text)."""
    from albertplus_cli.functions.errors import ConvexError
    from albertplus_cli.values.json_formats import encode

    text = str(err)
    if isinstance(err, ConvexError) and not isinstance(err.data, str):
        text = json.dumps(encode(err.data, "json"))
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(err).__name__
