"""`albertplus dev`: serve the project with hot reload, like `npx convex dev`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from albertplus_cli.cli.common import DATABASE_OPTION, PROJECT_OPTION, database_url, fail, project_root
from albertplus_cli.cli.main import app
from albertplus_cli.database import SchemaValidationError
from albertplus_cli.functions.loader import ProjectLoadError
from albertplus_cli.storage import StorageError

if TYPE_CHECKING:
    from albertplus_cli.engine import Engine
    from albertplus_cli.server.terminal import Terminal

DEV_HELP = """Serve the project on a local SQLite database, with hot reload and live queries.

Loads schema.py and functions/, serves Convex's HTTP API and sync WebSocket on --port (the Convex URL your
app uses), the HTTP actions of functions/http.py on --site-port, and prints one line per function call.
Saving a file pushes the new code without dropping connections. An empty database of a project that ships
seed data is seeded first (skip with --no-seed).

Examples:

  albertplus dev

  albertplus dev --dir ./myproject --port 4000 --site-port 4001

  albertplus dev --database /tmp/scratch.sqlite3 --no-seed --no-watch

  albertplus dev --database postgresql://postgres@127.0.0.1:5432/app
"""


@app.command("dev", help=DEV_HELP)
def dev_command(
    project_dir: Path = PROJECT_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (default: loopback only)."),
    port: int = typer.Option(3210, "--port", min=1, max=65535, help="Port of the API and sync WebSocket."),
    site_port: int = typer.Option(3211, "--site-port", min=1, max=65535, help="Port of the HTTP actions."),
    db: str | None = DATABASE_OPTION,
    no_watch: bool = typer.Option(False, "--no-watch", help="Do not watch files for changes."),
    no_seed: bool = typer.Option(False, "--no-seed", help="Do not seed an empty database."),
    quiet: bool = typer.Option(False, "--quiet", help="Do not print a line per function call."),
) -> None:
    from albertplus_cli.server.dev_server import DevOptions, DevServerError, serve
    from albertplus_cli.server.terminal import Terminal

    if port == site_port:
        raise fail("--port and --site-port must differ", 2)
    root = project_root(project_dir)
    options = DevOptions(root, host, port, site_port, database_url(db, root), watch=not no_watch, seed=not no_seed,
                         quiet=quiet)
    terminal = Terminal(quiet=quiet)
    try:
        serve(options, terminal, seed_hook=_seed_hook(terminal), after_push=_codegen_hook(terminal))
    except DevServerError as e:
        raise fail(str(e)) from None
    except ProjectLoadError as e:
        raise fail(f"the project failed to load:\n{e}") from None
    except (SchemaValidationError, StorageError) as e:
        raise fail(str(e)) from None


def _seed_hook(terminal: Terminal) -> Callable[[Engine], None] | None:
    """Seeding an empty database on start (the seed command provides it once available)."""
    try:
        from albertplus_cli.seed.loader import seed_if_empty  # type: ignore[import-not-found]
    except ImportError:
        return None
    return lambda engine: seed_if_empty(engine, terminal)  # type: ignore[no-any-return]


def _codegen_hook(terminal: Terminal) -> Callable[[Engine], object] | None:
    try:
        from albertplus_cli.codegen import write_generated  # type: ignore[import-not-found]
    except ImportError:
        return None
    return lambda engine: write_generated(engine.project)  # type: ignore[no-any-return]
