"""What `albertplus dev` prints: a banner, one line per function execution (with its log lines), pushes.

Paths, error messages and log lines come from callers: their control characters are shown escaped
(`albertplus_cli.terminal_text`), never sent to the terminal.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console

from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.server.fast_log import BufferedLines
from albertplus_cli.terminal_text import safe_line

KIND_LETTER = {"query": "Q", "mutation": "M", "action": "A", "unknown": "?"}


# ANSI SGR codes for the per-call line, written as plain text (Rich markup costs ~100 µs a line).
_DIM, _BOLD, _GREEN, _RED, _CYAN, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[32m", "\x1b[31m", "\x1b[36m", "\x1b[0m"


class Terminal:
    def __init__(self, console: Console | None = None, quiet: bool = False) -> None:
        # The real stdout, not `sys.stdout`: functions run with `sys.stdout` swapped for a per-thread proxy that
        # turns prints into the running function's log lines, and execution listeners run on that thread. A
        # query an action runs would otherwise put this terminal's line into the action's `logLines`.
        self.console = console or Console(file=sys.__stdout__ or sys.stdout, highlight=False, soft_wrap=True)
        self.quiet = quiet
        self.colour = self.console.color_system is not None and not self.console.no_color
        self.lines = BufferedLines(self.console.file)
        self._second, self._second_text = -1, ""

    def print(self, text: str) -> None:
        """Rich output (banner, pushes): written after any execution lines still queued, so the order holds."""
        self.lines.flush()
        self.console.print(text)

    def execution(self, outcome: Outcome) -> None:
        """One pre-formatted line per execution (plus its log lines), queued for the flusher thread."""
        if self.quiet:
            return
        now = self._timestamp()
        letter = KIND_LETTER.get(outcome.kind, "?")
        ms = outcome.duration * 1000
        path = user_text(outcome.path)
        detail = ""
        if not outcome.ok and outcome.error_message:
            first = outcome.error_message.split("\n", 2)
            detail = user_text((first[1] if len(first) > 1 else first[0])[:300])
        logs = [user_text(line) for line in outcome.log_lines]
        if self.colour:
            status = f"{_GREEN}ok{_RESET}" if outcome.ok else f"{_RED}error{_RESET}"
            line = f"{_DIM}{now}{_RESET} {_BOLD}{letter}{_RESET} {path} {_DIM}{ms:.1f} ms{_RESET} {status}"
            if detail:
                line += f" {_RED}{detail}{_RESET}"
            logs = [f"    {_CYAN}{log_line}{_RESET}" for log_line in logs]
        else:
            line = f"{now} {letter} {path} {ms:.1f} ms {'ok' if outcome.ok else 'error'}"
            if detail:
                line += f" {detail}"
            logs = [f"    {log_line}" for log_line in logs]
        self.lines.write("\n".join([line, *logs]) if logs else line)

    def _timestamp(self) -> str:
        """HH:MM:SS.mmm local time; the seconds part is formatted once per second."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._second_text = second, time.strftime("%H:%M:%S", time.localtime(second))
        return f"{self._second_text}.{int((now - second) * 1000):03d}"

    def close(self) -> None:
        self.lines.flush()


def user_text(text: str) -> str:
    """The one place user-chosen text (a function path, an error message, a log line) enters a terminal line.

    Anyone who can reach the port chooses a path, and functions choose their log lines: every control character
    (ESC, newlines included, so no forged execution lines) is shown escaped, never interpreted.
    """
    return safe_line(text)
