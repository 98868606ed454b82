"""Tab 4, Schema & health: tables, fields, indexes and search indexes (live `_system/frontend/schema`), and the
server's health from `GET /api/albertplus/stats` (URL, version, uptime, connections, subscriptions, pushes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static, Tree

from albertplus_cli.dashboard.client import short_error
from albertplus_cli.dashboard.formatting import object_fields, validator_text
from albertplus_cli.dashboard.sync_connection import QueryResult
from albertplus_cli.dashboard.view import DashboardView


class HealthView(DashboardView):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.schema: dict[str, Any] | None = None
        self.stats: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            tree: Tree[None] = Tree("schema", id="schema-tree")
            tree.show_root = False
            yield tree
            with VerticalScroll(id="health-pane"):
                yield Static(id="health")

    def start(self) -> None:
        super().start()
        self.live("_system/frontend/schema", {}, self._on_schema)

    def focus_filter(self) -> None:
        self.query_one("#schema-tree").focus()

    def _on_schema(self, result: QueryResult) -> None:
        tree = self.query_one("#schema-tree", Tree)
        tree.clear()
        if not result.ok:
            tree.root.add_leaf(Text(short_error(result.error), style="red"))
            return
        self.schema = result.value
        if not result.value.get("hasSchema"):
            tree.root.add_leaf(Text("no schema.py: tables are schemaless", style="yellow"))
        for table in result.value.get("tables", []):
            label = Text(table["name"], style="bold")
            if not table.get("inSchema"):
                label.append(" (not in schema)", style="yellow")
            node = tree.root.add(label, expand=True)
            document_type = table.get("documentType")
            fields = object_fields(document_type)
            if fields:
                for name, (validator, optional) in fields.items():
                    field_label = Text(f"{name}{'?' if optional else ''}: ")
                    field_label.append(validator_text(validator), style="cyan")
                    node.add_leaf(field_label)
            elif document_type is not None:
                node.add_leaf(Text(validator_text(document_type), style="cyan"))
            for index in table.get("indexes", []):
                index_label = Text("index ", style="magenta")
                index_label.append(f"{index['name']} [{', '.join(index['fields'])}]")
                node.add_leaf(index_label)
            for search in table.get("searchIndexes", []):
                search_label = Text("search ", style="yellow")
                search_label.append(f"{search['name']} on {search['searchField']}")
                if search.get("filterFields"):
                    search_label.append(f" filter [{', '.join(search['filterFields'])}]", style="dim")
                node.add_leaf(search_label)

    def show_stats(self, stats: dict[str, Any] | None, error: str | None = None) -> None:
        self.stats = stats
        fmt = self.fmt
        text = Text()
        if error:
            text.append(error + "\n\n", style="red")
        if stats is None:
            self.query_one("#health", Static).update(text)
            return
        rows = [
            ("server", fmt.url(str(stats.get("url", self.client.url)))),
            ("version", str(stats.get("version", "?"))),
            ("uptime", fmt.uptime(float(stats.get("uptimeSeconds", 0)))),
            ("connections", fmt.counter(stats.get("connections", 0))),
            ("subscriptions", fmt.counter(stats.get("subscriptions", 0))),
            ("query runs", fmt.counter(stats.get("subscriptionExecutions", 0))),
            ("reruns", fmt.counter(stats.get("reactiveReruns", 0))),
            ("functions", str(stats.get("functions", "?"))),
        ]
        text.append("Health\n", style="bold")
        for name, value in rows:
            text.append(f"{name:<14}", style="dim")
            text.append(value + "\n")
        pushes = stats.get("pushes") or []
        text.append("\nRecent pushes\n", style="bold")
        if not pushes:
            text.append("none since the server started\n", style="dim")
        for push in reversed(pushes[-5:]):
            when = "--:--:--" if fmt.mask else dt.datetime.fromtimestamp(push.get("at", 0)).strftime("%H:%M:%S")
            if push.get("ok"):
                text.append(f"{when} ✔ ", style="green")
                changes = push.get("changes") or []
                text.append(f"{len(changes)} change{'s' if len(changes) != 1 else ''}"
                            f" in {fmt.duration(push.get('seconds', 0) * 1000)}\n")
                for change in changes[:4]:
                    text.append(f"  {change}\n", style="dim")
            else:
                text.append(f"{when} ✖ ", style="red")
                text.append((push.get("error") or "failed")[:300] + "\n", style="red")
        self.query_one("#health", Static).update(text)
