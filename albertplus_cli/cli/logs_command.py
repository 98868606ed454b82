"""`albertplus logs`: stream a running server's function executions and log lines, as `npx convex logs`."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

import httpx
import typer

from albertplus_cli.cli.common import PROJECT_OPTION, err_console, fail, project_root
from albertplus_cli.cli.main import app
from albertplus_cli.cli.server_target import URL_OPTION, Server, require_server
from albertplus_cli.terminal_text import safe_line

LOGS_HELP = """Stream the running server's function executions and their log lines until Ctrl+C.

As `npx convex logs`: every log line a function printed (`print()`, `logging`) is shown, and one red line for
each execution that failed; --success adds a line for each successful execution too. --history N first shows
the N most recent executions the server kept (it keeps the last 2,000). --json prints every execution as one
JSON object per line instead (Convex's log entry: identifier, udfType, timestamp, executionTime, logLines,
error), for scripts.

Lines look like:

  2026-12-06 14:03:07.120 [CONVEX M(tasks:add)] [LOG] adding task: Buy milk
  2026-12-06 14:03:07.420 [CONVEX Q(tasks:list)] Function executed in 2 ms      (with --success)

Examples:

  albertplus logs

  albertplus logs --history 50 --success

  albertplus logs --json | jq 'select(.error != null)'
"""

POLL_SECONDS = 0.3


@app.command("logs", help=LOGS_HELP)
def logs_command(
    history: int = typer.Option(0, "--history", min=0, help="First show the N most recent executions."),
    success: bool = typer.Option(False, "--success", help="Also print a line for every successful execution."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per execution, per line."),
    project_dir: Path = PROJECT_OPTION,
    url: str | None = URL_OPTION,
) -> None:
    server = require_server(project_root(project_dir), url, "logs")
    try:
        _stream(server, history, success, as_json)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def _poll(server: Server, client: httpx.Client, cursor: int) -> tuple[list[dict[str, Any]], int]:
    response = client.get(f"{server.url}/api/stream_function_logs", params={"cursor": cursor},
                          headers=server.headers())
    if response.status_code == 401:
        raise fail(f"the server at {server.url} refused the admin key (pass the right one with ALBERTPLUS_ADMIN_KEY)")
    response.raise_for_status()
    data = response.json()
    return list(data.get("entries") or []), int(data.get("newCursor", cursor))


def _stream(server: Server, history: int, success: bool, as_json: bool) -> None:
    printer = _Printer(success, as_json, color=sys.stdout.isatty())
    with httpx.Client(timeout=httpx.Timeout(10.0, connect=2.0)) as client:
        # Catch up with what the server kept (it answers a page at a time), keeping the newest `history`.
        recent: deque[dict[str, Any]] = deque(maxlen=history)
        cursor = 0
        try:
            while True:
                entries, after = _poll(server, client, cursor)
                recent.extend(entries)
                if not entries or after == cursor:
                    break
                cursor = after
        except httpx.HTTPError as e:
            raise fail(f"could not read the logs of {server.url}: {e}", as_json=as_json) from None
        if not as_json:
            err_console.print(f"[yellow]Watching logs of {server.url}...[/yellow]", markup=True)
        for entry in recent:
            printer.show(entry)
        lost = False
        while True:
            time.sleep(POLL_SECONDS)
            try:
                entries, cursor = _poll(server, client, cursor)
            except httpx.HTTPError:
                if not lost:
                    err_console.print(f"[yellow]Lost the server at {server.url}; retrying...[/yellow]", markup=True)
                    lost = True
                time.sleep(1.0)
                continue
            if lost:
                err_console.print("[yellow]Reconnected.[/yellow]", markup=True)
                lost = False
            for entry in entries:
                printer.show(entry)


class _Printer:
    def __init__(self, success: bool, as_json: bool, color: bool) -> None:
        self.success = success
        self.as_json = as_json
        self.color = color

    def _out(self, text: str, fg: str | None = None) -> None:
        typer.echo(typer.style(text, fg=fg) if self.color and fg else text)

    def show(self, entry: dict[str, Any]) -> None:
        if self.as_json:
            typer.echo(json.dumps(entry, ensure_ascii=False))
            return
        prefix = _prefix(entry)
        for line in entry.get("logLines") or []:
            self._out(f"{prefix} {safe_line(str(line))}", "cyan" if not str(line).startswith("[ERROR]") else "red")
        error = entry.get("error")
        if error:
            self._out(f"{prefix} {safe_line(_short(str(error)))}", "red")
        elif self.success:
            ms = float(entry.get("executionTime") or 0) * 1000
            self._out(f"{prefix} Function executed in {max(1, round(ms))} ms", "green")


def _prefix(entry: dict[str, Any]) -> str:
    stamp = dt.datetime.fromtimestamp(float(entry.get("timestamp") or 0)).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    letter = str(entry.get("udfType") or "?")[:1].upper()
    return f"{stamp} [CONVEX {letter}({safe_line(str(entry.get('identifier', '')))})]"


def _short(error: str) -> str:
    """The error without its `[Request ID: …] Server Error` header; frames stay, on one line each."""
    if error.startswith("[Request ID:") and "\n" in error:
        error = error.split("\n", 1)[1]
    if error.startswith("Server Error\n"):
        error = error[len("Server Error\n"):]
    return error.replace("\n", " | ")

