"""`albertplus import`: snapshot ZIPs, JSONL, JSON arrays and CSV, validated before one atomic write."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from albertplus_cli.cli.common import (
    DATABASE_OPTION,
    PROJECT_OPTION,
    database_url,
    fail,
    plural,
    project_root,
    say,
    warn,
)
from albertplus_cli.cli.main import app
from albertplus_cli.storage import StorageError

IMPORT_HELP = """Import documents in Convex's formats: a snapshot ZIP (every table in it) or, for one --table, a
JSONL file, a JSON array or a CSV file with a header row.

Every document is checked against the schema first; problems are reported as file:line: field: message and
nothing is written unless the whole import is valid. A ZIP keeps _id and _creationTime. Tables that already
have documents are left alone unless you pass --replace (swap the table's contents in one transaction; asks
first unless --yes) or --append.

Examples:

  albertplus import snapshot.zip

  albertplus import courses.jsonl --table courses --append

  albertplus import offerings.csv --table courseOfferings --replace --yes
"""


@app.command("import", help=IMPORT_HELP)
def import_command(
    path: Path = typer.Argument(..., help="A .zip snapshot, or a .jsonl, .json or .csv file of one table."),
    table: str | None = typer.Option(None, "--table", help="The table to import into (required unless ZIP)."),
    replace: bool = typer.Option(False, "--replace", help="Replace the documents of the imported tables."),
    append: bool = typer.Option(False, "--append", help="Add to the imported tables' documents."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before replacing documents."),
    fmt: str | None = typer.Option(None, "--format", help="zip, jsonl, json or csv (default: by extension)."),
    project_dir: Path = PROJECT_OPTION,
    db: str | None = DATABASE_OPTION,
) -> None:
    from albertplus_cli.database import SchemaValidationError
    from albertplus_cli.functions.loader import ProjectLoadError
    from albertplus_cli.project import open_project_database
    from albertplus_cli.transfer import ImportFailed, detect_format, perform_import, read_import, table_counts
    from albertplus_cli.transfer.importer import Mode

    if replace and append:
        raise fail("--replace and --append cannot be used together", 2)
    root = project_root(project_dir)
    try:
        kind = detect_format(path, fmt)
    except ImportFailed as e:
        raise fail(str(e), 2) from None
    if kind != "zip" and not table:
        raise fail(f"--table is required to import a {kind.upper()} file (only a ZIP names its tables)", 2)
    if not path.is_file():
        raise fail(f"{path}: no such file")
    try:
        engine = open_project_database(root, database_url(db, root))
    except (ProjectLoadError, SchemaValidationError) as e:
        raise fail(f"the project failed to load:\n{e}") from None
    except StorageError as e:
        raise fail(str(e)) from None
    try:
        try:
            plan = read_import(path, engine.db.catalog, table=table, fmt=fmt)
        except ImportFailed as e:
            raise fail(f"{e}\nNothing was imported.") from None
        for warning in plan.warnings:
            warn(warning)
        counts = table_counts(engine.db, [t.name for t in plan.tables])
        occupied = {name: n for name, n in counts.items() if n}
        if occupied and replace and not yes:
            listed = ", ".join(f"{name} ({plural(n, 'document')})" for name, n in occupied.items())
            if not sys.stdin.isatty():
                raise fail(f"--replace would delete the documents of {listed}; pass --yes to confirm "
                           "(stdin is not a terminal, so there is no one to ask)", 2)
            if not typer.confirm(f"Replace the documents of {listed}?", default=False):
                raise fail("cancelled; nothing was imported")
        mode: Mode | None = "replace" if replace else "append" if append else None
        try:
            report = perform_import(engine.db, plan, mode)
        except ImportFailed as e:
            raise fail(f"{e}\nNothing was imported.") from None
    finally:
        engine.close()
    for name in report.imported:
        deleted = report.deleted.get(name, 0)
        extra = f" (replacing {deleted})" if deleted else ""
        say(f"  {name}: {plural(report.imported[name], 'document')}{extra}")
    remapped = f"; {plan.remapped_ids} ids re-encoded for this database's table numbers" if plan.remapped_ids else ""
    say(f"Imported {plural(report.documents, 'document')} into {plural(len(report.imported), 'table')} from "
        f"{path.name} in {report.seconds:.2f} s{remapped}.")
