"""Tab 3, Logs: the live stream of function executions, filtered by function, status and text.

Polls `GET /api/albertplus/logs?after=N` (the server's ring buffer of recent executions) a few times a second
from an async timer, appends only the new matching rows, and follows the end unless you moved the cursor up.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static

from albertplus_cli.dashboard.client import AdminKeyRejected, ServerUnavailable, short_error
from albertplus_cli.dashboard.view import DashboardView
from albertplus_cli.terminal_text import safe_line, safe_text

MAX_ENTRIES = 2000
KIND_LETTER = {"query": "Q", "mutation": "M", "action": "A"}
STATUS_OPTIONS = [("all", "all"), ("success", "success"), ("failure", "failure")]


class LogsView(DashboardView):
    def __init__(self, *, poll_interval: float = 0.5, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.poll_interval = poll_interval
        self.entries: list[dict[str, Any]] = []
        self.cursor = 0
        self.function_filter = ""
        self.status_filter = "all"
        self.text_filter = ""
        self._shown: list[dict[str, Any]] = []
        self._polling = False

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="logs-toolbar", classes="toolbar"):
                yield Input(placeholder="function", id="logs-function", compact=True)
                yield Select(STATUS_OPTIONS, value="all", allow_blank=False, id="logs-status", compact=True)
                yield Input(placeholder="/ text in logs and errors", id="logs-text", compact=True)
            yield DataTable(id="logs-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="logs-detail", classes="detail")

    def on_mount(self) -> None:
        table = self.query_one("#logs-table", DataTable)
        table.add_column("time", key="time", width=12)
        table.add_column("", key="kind", width=1)
        table.add_column("function", key="path", width=24)
        table.add_column("took", key="took", width=8)
        table.add_column("status", key="status", width=7)
        table.add_column("log lines / error", key="detail")
        self.query_one("#logs-detail", Static).update(Text("Select an entry to see all of it.", style="dim"))

    def start(self) -> None:
        super().start()
        self.set_interval(self.poll_interval, self.poll)
        self.call_later(self.poll)

    def focus_filter(self) -> None:
        self.query_one("#logs-text", Input).focus()

    async def poll(self) -> None:
        if self._polling:
            return
        self._polling = True
        try:
            data = await self.client.logs(self.cursor)
        except (ServerUnavailable, AdminKeyRejected, OSError, ValueError):
            return
        finally:
            self._polling = False
        new = data.get("entries", [])
        cursor = int(data.get("cursor", self.cursor))
        if cursor < self.cursor and not new:
            self.cursor = cursor  # the server restarted: its numbering starts again
            return
        self.cursor = cursor
        if new:
            self.add_entries(new)

    def add_entries(self, new: list[dict[str, Any]]) -> None:
        self.entries.extend(new)
        if len(self.entries) > MAX_ENTRIES:
            self.entries = self.entries[-MAX_ENTRIES:]
            self._rebuild()
            return
        table = self.query_one("#logs-table", DataTable)
        at_end = table.row_count == 0 or table.cursor_row >= table.row_count - 1
        for entry in new:
            if self._matches(entry):
                self._add_row(table, entry)
        if at_end and table.row_count:
            table.move_cursor(row=table.row_count - 1)

    def _matches(self, entry: dict[str, Any]) -> bool:
        if self.function_filter and self.function_filter.lower() not in entry["path"].lower():
            return False
        if self.status_filter == "success" and not entry["ok"]:
            return False
        if self.status_filter == "failure" and entry["ok"]:
            return False
        if self.text_filter:
            needle = self.text_filter.lower()
            haystack = " ".join([entry["path"], *entry.get("logLines", []), entry.get("error") or ""]).lower()
            if needle not in haystack:
                return False
        return True

    def _add_row(self, table: DataTable[Any], entry: dict[str, Any]) -> None:
        fmt = self.fmt
        status = Text("ok", style="green") if entry["ok"] else Text("error", style="bold red")
        if entry["ok"]:
            lines = entry.get("logLines") or []
            detail = Text(safe_line(" | ".join(lines)[:200]), style="cyan") if lines else Text("")
        else:
            detail = Text(safe_line(short_error(entry.get("error")).split("\n", 1)[0][:200]), style="red")
        kind = entry.get("kind", "?")
        table.add_row(
            Text(fmt.clock(entry["time"])),
            Text(KIND_LETTER.get(kind, "?"), style="bold"),
            Text(safe_line(entry["path"])),
            Text(fmt.duration(entry.get("durationMs", 0.0))),
            status,
            detail,
            key=str(entry["id"]),
        )
        self._shown.append(entry)

    def _rebuild(self) -> None:
        table = self.query_one("#logs-table", DataTable)
        table.clear()
        self._shown = []
        for entry in self.entries:
            if self._matches(entry):
                self._add_row(table, entry)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)

    @on(Input.Changed, "#logs-function")
    def _function_changed(self, event: Input.Changed) -> None:
        self.function_filter = event.value.strip()
        self._rebuild()

    @on(Input.Changed, "#logs-text")
    def _text_changed(self, event: Input.Changed) -> None:
        self.text_filter = event.value.strip()
        self._rebuild()

    @on(Select.Changed, "#logs-status")
    def _status_changed(self, event: Select.Changed) -> None:
        self.status_filter = str(event.value) if event.value is not Select.NULL else "all"
        self._rebuild()

    @on(DataTable.RowHighlighted, "#logs-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = next((e for e in self._shown if str(e["id"]) == event.row_key.value), None)
        if entry is None:
            return
        fmt = self.fmt
        text = Text()
        text.append(f"{fmt.clock(entry['time'])} {entry['kind']} ", style="dim")
        text.append(safe_line(entry["path"]), style="bold")
        text.append(f" {fmt.duration(entry.get('durationMs', 0.0))}", style="dim")
        for line in entry.get("logLines") or []:
            text.append("\n" + safe_text(line), style="cyan")
        if entry.get("error"):
            text.append("\n" + safe_text(short_error(entry["error"])), style="red")
        self.query_one("#logs-detail", Static).update(text)
