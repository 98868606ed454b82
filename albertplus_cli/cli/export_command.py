"""`albertplus export`: a snapshot ZIP in Convex's layout."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from albertplus_cli.cli.common import DATABASE_OPTION, PROJECT_OPTION, database_url, fail, project_root
from albertplus_cli.cli.main import app
from albertplus_cli.storage import StorageError

EXPORT_HELP = """Write every table to a snapshot ZIP in Convex's layout (<table>/documents.jsonl, ...).

Documents keep their _id and _creationTime; all tables are read from one consistent snapshot, so the ZIP is
a single point in time even while `albertplus dev` keeps writing. `albertplus import` and `npx convex import`
read it back. Given a folder, the file is named snapshot_<timestamp>.zip.

Examples:

  albertplus export backup.zip

  albertplus export ./backups/ --dir ./myproject
"""


@app.command("export", help=EXPORT_HELP)
def export_command(
    path: Path = typer.Argument(..., metavar="PATH.zip", help="The ZIP to write (or a folder to write it in)."),
    project_dir: Path = PROJECT_OPTION,
    db: str | None = DATABASE_OPTION,
) -> None:
    from albertplus_cli.database import SchemaValidationError
    from albertplus_cli.functions.loader import ProjectLoadError
    from albertplus_cli.transfer import export_snapshot
    from albertplus_cli.transfer.project import open_project_database

    root = project_root(project_dir)
    if not path.is_dir() and path.suffix.lower() != ".zip":
        raise fail(f"{path}: the snapshot is a ZIP; name it .zip", 2)
    try:
        engine = open_project_database(root, database_url(db, root))
    except (ProjectLoadError, SchemaValidationError) as e:
        raise fail(f"the project failed to load:\n{e}") from None
    except StorageError as e:
        raise fail(str(e)) from None
    try:
        report = export_snapshot(engine.db, path)
    except OSError as e:
        raise fail(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        engine.close()
    console = Console(highlight=False)
    tables = ", ".join(f"{name} {n}" for name, n in sorted(report.counts.items()))
    console.print(f"Exported {report.documents} documents from {len(report.counts)} tables to "
                  f"{escape(str(report.path))}")
    if tables:
        console.print(f"[dim]{escape(tables)}[/dim]")
