"""`albertplus seed`: load the project's seed/ data (idempotent, relationship-aware), like seedAll."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from albertplus_cli.cli.common import (
    DATABASE_OPTION,
    PROJECT_OPTION,
    database_url,
    fail,
    plural,
    project_root,
    require_project,
    say,
    warn,
)
from albertplus_cli.cli.main import app
from albertplus_cli.storage import StorageError

if TYPE_CHECKING:
    from albertplus_cli.database import Database

SEED_HELP = """Load the project's seed/ data into its database: safe to run again (nothing changes the second time).

Rows are upserted by their natural keys (courses by code, sections by class number, term and year, ...) with
names and codes resolved to ids, in the order of the original seed:seedAll. Works while `albertplus dev` runs:
its live queries update as the data arrives.

Examples:

  albertplus seed

  albertplus seed --user-id user_2abcDEF    # the demo student's schedule and history become yours

  albertplus seed --reset                   # empty every table first (user data too; asks first)

  albertplus seed --reset --yes             # the same without asking (scripts, CI)

  albertplus seed --scale 10000             # plus 10,000 synthetic courses with 4 sections each
"""


@app.command("seed", help=SEED_HELP)
def seed_command(
    project_dir: Path = PROJECT_OPTION,
    reset: bool = typer.Option(False, "--reset", help="Delete every document of every table first (asks on a "
                               "terminal; needs --yes otherwise)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before --reset deletes the documents."),
    user_id: str | None = typer.Option(None, "--user-id", help="Own the demo student's rows (students, "
                                       "userCourses, userCourseOfferings) as this user id instead of user_demo."),
    scale: int = typer.Option(0, "--scale", min=0, help="Add N synthetic courses with ~4 sections each "
                              "(deterministic; for benchmarks)."),
    db: str | None = DATABASE_OPTION,
    quiet: bool = typer.Option(False, "--quiet", help="No progress bars or summary table."),
) -> None:
    from albertplus_cli.database import SchemaValidationError
    from albertplus_cli.functions.loader import ProjectLoadError
    from albertplus_cli.project import open_project_database
    from albertplus_cli.seed.loader import SeedError, seed_database, summary_table

    root = project_root(project_dir)
    require_project(root)
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
        if reset and not yes:
            _confirm_reset(engine.db)
        before = _document_counts(engine.db)
        try:
            report = seed_database(engine, reset=reset, user_id=user_id, scale=scale, console=console,
                                   show_progress=not quiet)
        except KeyboardInterrupt:
            raise fail(_interrupted(before, _document_counts(engine.db), scale), 130) from None
        except SeedError as e:
            raise fail(str(e)) from None
    finally:
        engine.close()
    for warning in report.warnings:
        warn(warning)
    if not quiet:
        console.print(summary_table(report))
    done = "nothing to change" if report.writes == 0 else plural(report.writes, "write")
    cleared = f", {plural(report.cleared, 'document')} cleared first" if report.cleared else ""
    say(f"Seeded in {report.seconds:.2f} s ({done}{cleared}).")


def _document_counts(db: Database) -> dict[str, int]:
    from albertplus_cli.transfer import table_counts

    return table_counts(db, [name for name in db.catalog.by_name if not name.startswith("_")])


def _confirm_reset(db: Database) -> None:
    """`--reset` deletes user data too: ask first on a terminal, refuse without --yes otherwise."""
    occupied = {name: n for name, n in _document_counts(db).items() if n}
    if not occupied:
        return
    total = sum(occupied.values())
    listed = ", ".join(f"{name} ({n})" for name, n in sorted(occupied.items()))
    what = f"--reset deletes all {plural(total, 'document')} of every table, user data included: {listed}"
    if not sys.stdin.isatty():
        raise fail(f"{what}. Pass --yes to confirm (stdin is not a terminal, so there is no one to ask).", 2)
    say(what, err=True)
    if not typer.confirm("Delete them and seed again?", default=False):
        raise fail("cancelled; nothing was changed")


def _interrupted(before: dict[str, int], after: dict[str, int], scale: int) -> str:
    changed = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    changed = {name: n for name, n in changed.items() if n}
    written = ", ".join(f"{name} {n:+d}" for name, n in sorted(changed.items())) or "no documents yet"
    again = "albertplus seed" + (f" --scale {scale}" if scale else "")
    return (f"interrupted. Written so far (each batch is committed): {written}. Run `{again}` again to "
            "complete it: rows already written are matched by their keys, not duplicated.")
