"""`albertplus export`: a snapshot ZIP in Convex's layout."""

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
    require_project,
    say,
)
from albertplus_cli.cli.main import app
from albertplus_cli.storage import StorageError

EXPORT_HELP = """Write every table to a snapshot ZIP in Convex's layout (<table>/documents.jsonl, ...).

Documents keep their _id and _creationTime; all tables are read from one consistent snapshot, so the ZIP is
a single point in time even while `albertplus dev` keeps writing. `albertplus import` and `npx convex import`
read it back. Given a folder, the file is named snapshot_<timestamp>.zip. The documents are exported as
stored, even when schema.py is broken or rejects them. An existing file is only overwritten with --force (or
after asking, on a terminal); a missing folder is not created.

Examples:

  albertplus export backup.zip

  albertplus export ./backups/ --dir ./myproject

  albertplus export backup.zip --force      # replace yesterday's backup.zip
"""


@app.command("export", help=EXPORT_HELP)
def export_command(
    path: Path = typer.Argument(..., metavar="PATH.zip", help="The ZIP to write (or a folder to write it in)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file without asking."),
    project_dir: Path = PROJECT_OPTION,
    db: str | None = DATABASE_OPTION,
) -> None:
    from albertplus_cli.project import open_project_database
    from albertplus_cli.transfer import export_snapshot

    root = project_root(project_dir)
    require_project(root)
    if not path.is_dir():
        if path.suffix.lower() != ".zip":
            raise fail(f"{path}: the snapshot is a ZIP; name it .zip", 2)
        if not path.parent.is_dir():
            raise fail(f"{path.parent} does not exist; create the folder first (export does not create folders)")
        if path.exists() and not force:
            if not sys.stdin.isatty():
                raise fail(f"{path} already exists; pass --force to overwrite it (stdin is not a terminal, so "
                           "there is no one to ask)")
            if not typer.confirm(f"{path} already exists. Overwrite it?", default=False):
                raise fail("cancelled; nothing was written")
    # The stored documents are exported as they are, without loading schema.py: a backup must work exactly
    # when the schema is broken or rejects the stored data.
    database = database_url(db, root)
    if db is not None and database.sqlite_path is not None and not database.sqlite_path.is_file():
        raise fail(f"{database.sqlite_path}: no such database file")
    try:
        engine = open_project_database(root, database, push_schema=False)
    except StorageError as e:
        raise fail(str(e)) from None
    try:
        report = export_snapshot(engine.db, path)
    except OSError as e:
        raise fail(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        engine.close()
    say(f"Exported {plural(report.documents, 'document')} from {plural(len(report.counts), 'table')} to "
        f"{report.path}")
    tables = ", ".join(f"{name} {n}" for name, n in sorted(report.counts.items()))
    if tables:
        say(tables, style="dim")
