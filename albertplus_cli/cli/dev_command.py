"""`albertplus dev`: serve the project with hot reload, like `npx convex dev`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from albertplus_cli.cli.common import DATABASE_OPTION, PROJECT_OPTION, database_url, fail, project_root, say
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

  albertplus dev --run init:createSampleData   # run a function once after the first push

  albertplus dev --once                     # push (schema, types, seed), report, exit 0/1 (CI)

  albertplus dev --until-success --run init:setup --no-tail-logs

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
    run: str | None = typer.Option(None, "--run", metavar="FUNCTION", help="Run this function (as admin, no "
                                   "arguments) once after the first push, e.g. a seed."),
    once: bool = typer.Option(False, "--once", help="Push (load, schema, types, seed, --run), report, exit 0/1."),
    until_success: bool = typer.Option(False, "--until-success", help="Like --once, but on failure wait for "
                                       "the next save and retry until a push succeeds."),
    tail_logs: bool = typer.Option(True, "--tail-logs/--no-tail-logs", help="Print each function call and its "
                                   "log lines (default: on)."),
) -> None:
    from albertplus_cli.cli import dev_modes
    from albertplus_cli.server.dev_server import DevOptions, DevServerError, serve
    from albertplus_cli.server.terminal import Terminal

    if port == site_port:
        raise fail("--port and --site-port must differ", 2)
    if once and until_success:
        raise fail("--once and --until-success exclude each other; give one", 2)
    root = project_root(project_dir)
    quiet = quiet or not tail_logs
    database = database_url(db, root)
    options = DevOptions(root, host, port, site_port, database, watch=not no_watch, seed=not no_seed, quiet=quiet)
    terminal = Terminal(quiet=quiet)
    if once or until_success:
        push = dev_modes.push_until_success if until_success else dev_modes.push_once
        try:
            ok = push(root, database, terminal, function=run, seed_hook=None if no_seed else _seed_hook(terminal),
                      after_push=_codegen_hook(terminal))
        except DevServerError as e:  # another `dev` runs on the project: nothing was touched
            raise fail(str(e)) from None
        raise typer.Exit(0 if ok is not False else 1)
    after_push = _codegen_hook(terminal)
    if run is not None:
        after_push = dev_modes.run_after_first_push(after_push, run, terminal)
    try:
        forced = serve(options, terminal, seed_hook=_seed_hook(terminal), after_push=after_push)
    except KeyboardInterrupt:
        say("Stopped before the server started.", err=True)
        raise typer.Exit(130) from None
    except DevServerError as e:
        raise fail(str(e)) from None
    except ProjectLoadError as e:
        raise fail(f"the project failed to load:\n{e}") from None
    except (SchemaValidationError, StorageError) as e:
        raise fail(str(e)) from None
    if forced:
        # Functions still running on worker threads would keep the process alive; the user asked to stop now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)


def _seed_hook(terminal: Terminal) -> Callable[[Engine], None] | None:
    """Seeding an empty database on start (the seed command provides it once available)."""
    try:
        from albertplus_cli.seed.loader import seed_if_empty
    except ImportError:
        return None
    return lambda engine: seed_if_empty(engine, terminal)


def _codegen_hook(terminal: Terminal) -> Callable[[Engine], object] | None:
    try:
        from albertplus_cli.codegen import write_generated
    except ImportError:
        return None
    return lambda engine: write_generated(engine.project)
