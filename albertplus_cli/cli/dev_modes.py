"""`albertplus dev --run FUNCTION`, `--once` and `--until-success`, as `npx convex dev` has them.

- `--run FUNCTION` runs the function once (as admin, no arguments) right after the first successful push,
  before the server takes requests: a seed, say. Its log lines and result are printed; when it fails, `dev`
  says so and keeps serving (with `--once` / `--until-success` the failure is the command's failure).
- `--once` loads the project, pushes the schema to the database, writes the generated types, seeds an empty
  database (unless --no-seed), runs `--run`, reports, and exits: 0 when all of it worked, else 1.
- `--until-success` does the same, but on a failure waits for the next save of schema.py or functions/ and
  tries again, until one attempt succeeds; then it exits 0. Ctrl+C ends it with 130.

Both hold the one-`dev`-per-project lock as plain `dev` does, from before the database is opened to the end: a
push under a running `dev` would migrate its schema, seed and write types behind its back.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import typer
from rich.markup import escape

if TYPE_CHECKING:
    from types import TracebackType

    from albertplus_cli.database_url import DatabaseUrl
    from albertplus_cli.engine import Engine
    from albertplus_cli.server.dev_lock import DevLock
    from albertplus_cli.server.terminal import Terminal

RESULT_PREVIEW = 500


class ProjectDevLock:
    """The project's dev lock for a push: `take()` before each attempt, released on leaving the `with` block.

    `take()` raises DevServerError (the message plain `dev` gives) while another `dev` holds the lock. A folder
    that is not a project (no functions/) has no state folder to lock: the push reports it as a load failure,
    as before, and `--until-success` takes the lock on the first attempt after functions/ appears.
    """

    def __init__(self, project_dir: Path) -> None:
        self._project_dir = project_dir
        self._lock: DevLock | None = None

    def take(self) -> None:
        from albertplus_cli.private_files import ensure_private_dir
        from albertplus_cli.project import NotAProjectError, locate_project
        from albertplus_cli.server.dev_server import acquire_dev_lock

        if self._lock is not None:
            return
        try:
            layout = locate_project(self._project_dir)
        except NotAProjectError:
            return
        ensure_private_dir(layout.state_dir)
        self._lock = acquire_dev_lock(layout.state_dir)

    def __enter__(self) -> ProjectDevLock:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def run_function(engine: Engine, function: str, terminal: Terminal) -> bool:
    """Run `function` as admin with no arguments and print how it went; True when it succeeded."""
    from albertplus_cli.auth import ADMIN
    from albertplus_cli.values.json_formats import encode

    outcome = engine.executor.run_any(function, {}, ADMIN, public_only=False)
    for line in outcome.log_lines:
        terminal.print(f"    [cyan]{escape(line)}[/cyan]")
    if not outcome.ok:
        message = (outcome.error_message or "error").split("\n", 1)[-1]
        terminal.print(f"[bold red]✖ --run {escape(function)} failed:[/bold red] [red]{escape(message)}[/red]")
        return False
    shown = orjson.dumps(encode(outcome.value, "json")).decode()
    if len(shown) > RESULT_PREVIEW:
        shown = shown[:RESULT_PREVIEW] + "…"
    terminal.print(f"[green]✔ Ran {escape(function)}[/green] in {outcome.duration * 1000:.0f} ms: {escape(shown)}")
    return True


def run_after_first_push(after_push: Callable[[Engine], Any] | None, function: str,
                         terminal: Terminal) -> Callable[[Engine], Any]:
    """An `after_push` hook for `serve` that also runs `function` after the first push only."""
    state = {"ran": False}

    def hook(engine: Engine) -> Any:
        if not state["ran"]:
            state["ran"] = True
            run_function(engine, function, terminal)
        return after_push(engine) if after_push is not None else None

    return hook


def push_once(project_dir: Path, db_path: Path | DatabaseUrl | None, terminal: Terminal, *,
              function: str | None,
              seed_hook: Callable[[Engine], None] | None, after_push: Callable[[Engine], Any] | None) -> bool:
    """Load, push, write types, seed, run `function`; print what happened. True when every step worked.

    Raises DevServerError, having touched nothing, while a `dev` runs on the project."""
    with ProjectDevLock(project_dir) as lock:
        lock.take()
        return _push(project_dir, db_path, terminal, function=function, seed_hook=seed_hook, after_push=after_push)


def _push(project_dir: Path, db_path: Path | DatabaseUrl | None, terminal: Terminal, *,
          function: str | None,
          seed_hook: Callable[[Engine], None] | None, after_push: Callable[[Engine], Any] | None) -> bool:
    """One push attempt, under the dev lock (see push_once)."""
    from albertplus_cli.database import SchemaValidationError
    from albertplus_cli.engine import Engine
    from albertplus_cli.functions.loader import ProjectLoadError
    from albertplus_cli.server.reload import BackfillProgress, render_load_error

    sys.dont_write_bytecode = True
    progress = BackfillProgress(terminal.console)
    try:
        engine = Engine(project_dir, db_path, progress)
    except ProjectLoadError as e:
        progress.close()
        terminal.print("[bold red]✖ Push failed:[/bold red] the project failed to load")
        terminal.console.print(render_load_error(e, project_dir))
        return False
    except SchemaValidationError as e:
        progress.close()
        terminal.print(f"[bold red]✖ Schema push failed;[/bold red] nothing changed.\n  [red]{escape(str(e))}[/red]")
        return False
    progress.close()
    try:
        terminal.print(f"[green]✔ Pushed[/green] {len(engine.project.functions)} functions to "
                       f"{engine.db.store.description}")
        if after_push is not None:
            try:
                after_push(engine)
            except Exception as e:  # noqa: BLE001 - types are a convenience; the push itself worked
                terminal.print(f"[yellow]Codegen failed: {escape(str(e))}[/yellow]")
        if seed_hook is not None:
            seed_hook(engine)
        return function is None or run_function(engine, function, terminal)
    finally:
        engine.close()


def push_until_success(project_dir: Path, db_path: Path | DatabaseUrl | None, terminal: Terminal, *,
                       function: str | None,
                       seed_hook: Callable[[Engine], None] | None,
                       after_push: Callable[[Engine], Any] | None) -> None:
    """Retry `push_once` after every save until it succeeds, holding the dev lock throughout (DevServerError
    while another `dev` holds it); Ctrl+C exits with 130."""
    from albertplus_cli.server.dev_server import wait_for_source_change

    try:
        with ProjectDevLock(project_dir) as lock:
            while True:
                lock.take()
                if _push(project_dir, db_path, terminal, function=function, seed_hook=seed_hook,
                         after_push=after_push):
                    return
                terminal.print("[dim]Waiting for a change to schema.py or functions/ to try again "
                               "(Ctrl+C stops)...[/dim]")
                wait_for_source_change(project_dir)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
