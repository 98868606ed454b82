"""One hot-reload push: load the new code beside the running version, push the schema, swap, re-run.

A broken save (syntax error, import error, an exception at import time, a function defined twice, an invalid
validator, a schema the stored data no longer matches) leaves the last good version serving and prints the
error with its file:line and the source around it. A good push prints what changed (`+ mod:fn`, `~ mod:fn`,
`- mod:fn`, indexes), how long it took, and re-runs every live subscription on the new code.
"""

from __future__ import annotations

import linecache
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.text import Text

from albertplus_cli.backend import Backend
from albertplus_cli.database import SchemaValidationError
from albertplus_cli.engine import Engine
from albertplus_cli.functions.loader import ProjectLoadError
from albertplus_cli.functions.user_frames import user_frames
from albertplus_cli.server.terminal import Terminal
from albertplus_cli.sync.hub import SyncHub

# Backfills and validations of fewer documents finish before a bar would be worth drawing.
PROGRESS_MIN_DOCUMENTS = int(os.environ.get("ALBERTPLUS_PROGRESS_MIN_DOCUMENTS", "20000"))
CONTEXT_LINES = 2
PUSHES_KEPT = 10


@dataclass
class PushRecord:
    """One push: when it started, and what it changed or why it failed."""

    at: float
    ok: bool
    seconds: float = 0.0
    changes: list[str] = field(default_factory=list)
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        if self.ok:
            return {"at": self.at, "ok": True, "seconds": self.seconds, "changes": self.changes}
        return {"at": self.at, "ok": False, "error": self.error}


class PushHistory:
    """The latest pushes of this `albertplus dev`, shown by the admin stats route."""

    def __init__(self, keep: int = PUSHES_KEPT) -> None:
        self._records: deque[PushRecord] = deque(maxlen=keep)

    def record(self, push: PushRecord) -> None:
        self._records.append(push)

    def to_json(self) -> list[dict[str, Any]]:
        return [push.to_json() for push in self._records]

    @property
    def last_failed(self) -> bool:
        """The latest push failed: the old version still serves (the dashboard's header says so)."""
        return bool(self._records) and not self._records[-1].ok


class BackfillProgress:
    """The `progress(description, done, total)` callback of a schema push, drawn as rich progress bars.

    Called on the database writer thread; the bars appear only for large tables.
    """

    def __init__(self, console: Console, min_total: int | None = None) -> None:
        self.console = console
        self.min_total = PROGRESS_MIN_DOCUMENTS if min_total is None else min_total
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, description: str, done: int, total: int) -> None:
        if total < self.min_total:
            return
        with self._lock:
            if self._progress is None:
                self._progress = Progress(
                    TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=self.console,
                )
                self._progress.start()
            task = self._tasks.get(description)
            if task is None:
                task = self._tasks[description] = self._progress.add_task(description, total=total)
            self._progress.update(task, completed=done, total=total)

    def close(self) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
            self._progress = None
            self._tasks.clear()


def render_load_error(error: ProjectLoadError, project_dir: Path) -> RenderableType:
    """The error line, the project frames that led to it, and the source around the failing line."""
    parts: list[RenderableType] = [Text(str(error).split("\n", 1)[0], style="red")]
    cause = error.__cause__
    if cause is not None and not isinstance(cause, SyntaxError) and cause.__traceback__ is not None:
        frames = user_frames(cause.__traceback__, project_dir)  # never albertplus's own frames
        if len(frames) > 1:
            stack = Text("Traceback (project frames, most recent call last):\n", style="dim")
            for frame in frames:
                stack.append(f'  File "{_relative(frame.filename, project_dir)}", line {frame.lineno}, '
                             f"in {frame.name}\n", style="dim")
            parts.append(stack)
    if error.file and error.line:
        path = project_dir / error.file
        code = _code_frame(path, error.line)
        if code is not None:
            parts.append(code)
        elif error.source_line:
            parts.append(Text(f"    {error.source_line.strip()}"))
    return Padding(Group(*parts), (0, 0, 0, 2), expand=False)


def _code_frame(path: Path, line: int) -> RenderableType | None:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = linecache.getline(str(path), line)
        return Text(f"    {text.rstrip()}") if text else None
    lines = source.splitlines()
    if not 1 <= line <= max(len(lines), 1):
        return None
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    width = max((len(text) for text in lines[first - 1:last]), default=1) or 1
    return Syntax(source, "python", line_numbers=True, line_range=(first, last), highlight_lines={line},
                  theme="ansi_dark", background_color="default", code_width=width)


def _relative(filename: str, project_dir: Path) -> str:
    try:
        return str(Path(filename).resolve().relative_to(project_dir.resolve()))
    except (ValueError, OSError):
        return filename


async def push_changes(engine: Engine, backend: Backend, hub: SyncHub, terminal: Terminal,
                       pushes: PushHistory, files: list[str],
                       after_push: Callable[[Engine], Any] | None) -> bool:
    terminal.print(f"[dim]Change detected in {escape(', '.join(files))}; pushing...[/dim]")
    started = time.time()
    progress = BackfillProgress(terminal.console)
    try:
        result = await backend.in_thread(engine.reload, progress)
    except ProjectLoadError as e:
        progress.close()
        terminal.console.print(Group(  # one write: the header never appears without its detail
            Text.from_markup("[bold red]✖ Push failed[/bold red]; the previous version keeps serving."),
            render_load_error(e, engine.project_dir),
        ))
        pushes.record(PushRecord(started, False, error=str(e)))
        return False
    except SchemaValidationError as e:
        progress.close()
        terminal.print("[bold red]✖ Schema push failed[/bold red]; nothing changed and the previous version keeps "
                       f"serving.\n  [red]{escape(str(e)).replace(chr(10), chr(10) + '  ')}[/red]")
        pushes.record(PushRecord(started, False, error=str(e)))
        return False
    except Exception as e:  # noqa: BLE001 - any other failure must not take the server down
        progress.close()
        terminal.print(f"[bold red]✖ Push failed[/bold red]; the previous version keeps serving: {escape(repr(e))}")
        pushes.record(PushRecord(started, False, error=repr(e)))
        return False
    progress.close()
    hub.rerun_everything()
    lines = result.summary_lines()
    summary = "\n".join(f"  {escape(line)}" for line in lines) if lines else "  (no function changes)"
    detail = f"load {result.load_seconds * 1000:.0f} ms, schema {result.schema_seconds * 1000:.0f} ms"
    terminal.print(f"[green]✔ Pushed in {result.seconds * 1000:.0f} ms[/green] [dim]({detail})[/dim]\n{summary}")
    pushes.record(PushRecord(started, True, seconds=result.seconds, changes=lines))
    if after_push is not None:
        codegen_start = time.perf_counter()
        try:
            report = await backend.in_thread(after_push, engine)
        except Exception as e:  # noqa: BLE001 - a codegen problem must not undo a good push
            terminal.print(f"[yellow]Codegen failed: {escape(str(e))}[/yellow]")
        else:
            written = getattr(report, "written", None)
            if written:
                ms = (time.perf_counter() - codegen_start) * 1000
                terminal.print(f"  [dim]types: wrote {escape(', '.join(written))} in {ms:.0f} ms[/dim]")
    return True
