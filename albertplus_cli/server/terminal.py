"""What `albertplus dev` prints: a banner, one line per function execution (with its log lines), pushes.

Paths, error messages and log lines come from callers: their control characters are shown escaped
(`albertplus_cli.terminal_text`), never sent to the terminal.
"""

from __future__ import annotations

import datetime as dt
import sys

from rich.console import Console
from rich.markup import escape

from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.terminal_text import safe_line, safe_text

KIND_LETTER = {"query": "Q", "mutation": "M", "action": "A", "unknown": "?"}


class Terminal:
    def __init__(self, console: Console | None = None, quiet: bool = False) -> None:
        # The real stdout, not `sys.stdout`: functions run with `sys.stdout` swapped for a per-thread proxy that
        # turns prints into the running function's log lines, and execution listeners run on that thread. A
        # query an action runs would otherwise put this terminal's line into the action's `logLines`.
        self.console = console or Console(file=sys.__stdout__ or sys.stdout, highlight=False, soft_wrap=True)
        self.quiet = quiet

    def print(self, text: str) -> None:
        self.console.print(text)

    def execution(self, outcome: Outcome) -> None:
        if self.quiet:
            return
        now = dt.datetime.now().strftime("%H:%M:%S.%f")[:-3]
        letter = KIND_LETTER.get(outcome.kind, "?")
        ms = outcome.duration * 1000
        status = "[green]ok[/green]" if outcome.ok else "[red]error[/red]"
        path = escape(safe_line(outcome.path))
        line = f"[dim]{now}[/dim] [bold]{letter}[/bold] {path} [dim]{ms:.1f} ms[/dim] {status}"
        if not outcome.ok and outcome.error_message:
            first = outcome.error_message.split("\n", 2)
            detail = first[1] if len(first) > 1 else first[0]
            line += f" [red]{escape(safe_line(detail[:300]))}[/red]"
        self.console.print(line)
        for log_line in outcome.log_lines:
            self.console.print(f"    [cyan]{escape(safe_text(log_line))}[/cyan]")

