"""`albertplus seed`: load the project's seed/ data (idempotent, relationship-aware), like seedAll."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from albertplus_cli.cli.common import DATABASE_OPTION, PROJECT_OPTION, database_url, fail, project_root
from albertplus_cli.cli.main import app
from albertplus_cli.storage import StorageError

SEED_HELP = """Load the project's seed/ data into its database: safe to run again (nothing changes the second time).

Rows are upserted by their natural keys (courses by code, sections by class number, term and year, ...) with
names and codes resolved to ids, in the order of the original seed:seedAll. Works while `albertplus dev` runs:
its live queries update as the data arrives.

Examples:

  albertplus seed

  albertplus seed --user-id user_2abcDEF    # the demo student's schedule and history become yours

  albertplus seed --reset                   # empty every table first

  albertplus seed --scale 10000             # plus 10,000 synthetic courses with 4 sections each
"""


@app.command("seed", help=SEED_HELP)
def seed_command(
    project_dir: Path = PROJECT_OPTION,
    reset: bool = typer.Option(False, "--reset", help="Delete every document of every table first."),
    user_id: str | None = typer.Option(None, "--user-id", help="Own the demo student's rows (students, "
                                       "userCourses, userCourseOfferings) as this user id instead of user_demo."),
    scale: int = typer.Option(0, "--scale", min=0, help="Add N synthetic courses with ~4 sections each "
                              "(deterministic; for benchmarks)."),
    db: str | None = DATABASE_OPTION,
    quiet: bool = typer.Option(False, "--quiet", help="No progress bars or summary table."),
) -> None:
    from albertplus_cli.database import SchemaValidationError
    from albertplus_cli.functions.loader import ProjectLoadError
    from albertplus_cli.seed.loader import SeedError, seed_database, summary_table
    from albertplus_cli.transfer.project import open_project_database

    root = project_root(project_dir)
    if not (root / "seed").is_dir():
        raise fail(f"{root} has no seed/ folder: there is nothing to seed")
    console = Console(highlight=False)
    try:
        engine = open_project_database(root, database_url(db, root))
    except (ProjectLoadError, SchemaValidationError) as e:
        raise fail(f"the project failed to load:\n{e}") from None
    except StorageError as e:
        raise fail(str(e)) from None
    try:
        report = seed_database(engine, reset=reset, user_id=user_id, scale=scale, console=console,
                               show_progress=not quiet)
    except SeedError as e:
        raise fail(str(e)) from None
    finally:
        engine.close()
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    if not quiet:
        console.print(summary_table(report))
    done = "nothing to change" if report.writes == 0 else f"{report.writes} writes"
    cleared = f", {report.cleared} documents cleared first" if report.cleared else ""
    console.print(f"Seeded in {report.seconds:.2f} s ({done}{cleared}).")
