"""One hot-reload push: load the new code beside the running version, push the schema, swap, re-run.

A broken save (syntax error, import error, a schema the data no longer matches) leaves the last good version
serving and prints the error with its file:line and source line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.markup import escape

from albertplus_cli.database import SchemaValidationError
from albertplus_cli.engine import Engine
from albertplus_cli.functions.loader import ProjectLoadError
from albertplus_cli.server.backend import Backend
from albertplus_cli.server.terminal import Terminal
from albertplus_cli.sync.hub import SyncHub


async def push_changes(engine: Engine, backend: Backend, hub: SyncHub, terminal: Terminal,
                       pushes: list[dict[str, Any]], files: list[str],
                       after_push: Callable[[Engine], None] | None) -> bool:
    terminal.print(f"[dim]Change detected in {', '.join(files)}; pushing...[/dim]")
    started = time.time()
    try:
        result = await backend.in_thread(engine.reload)
    except ProjectLoadError as e:
        terminal.print(f"[bold red]✖ Push failed[/bold red]; the previous version keeps serving.\n"
                       f"  [red]{escape(str(e))}[/red]")
        pushes.append({"at": started, "ok": False, "error": str(e)})
        return False
    except SchemaValidationError as e:
        terminal.print(f"[bold red]✖ Schema push failed[/bold red]; nothing changed and the previous version keeps "
                       f"serving.\n  [red]{escape(str(e))}[/red]")
        pushes.append({"at": started, "ok": False, "error": str(e)})
        return False
    except Exception as e:  # noqa: BLE001 - any other failure must not take the server down
        terminal.print(f"[bold red]✖ Push failed[/bold red]: {escape(repr(e))}")
        pushes.append({"at": started, "ok": False, "error": repr(e)})
        return False
    hub.rerun_everything()
    if after_push is not None:
        try:
            await backend.in_thread(after_push, engine)
        except Exception as e:  # noqa: BLE001
            terminal.print(f"[yellow]Codegen failed: {escape(str(e))}[/yellow]")
    lines = result.summary_lines()
    summary = "\n".join(f"  {escape(line)}" for line in lines) if lines else "  (no function changes)"
    terminal.print(f"[green]✔ Pushed in {result.seconds * 1000:.0f} ms[/green]\n{summary}")
    pushes.append({"at": started, "ok": True, "seconds": result.seconds, "changes": lines})
    return True
