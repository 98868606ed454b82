"""Tab 4, Schema & health: tables, fields, indexes and search indexes (live `_system/frontend/schema`), and the
server's health from `GET /api/albertplus/stats` (URL, version, uptime, connections, subscriptions, pushes).

A union table (AlbertPlus's `requirements`, `prerequisites`) shows the fields every branch shares once, then
each branch with what it adds (its `type: "..."` literal first). What is shown lives in reactive attributes
(`schema`, `stats`, `stale`); their watchers redraw the tree and the health text.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.widgets import Static
from textual.widgets.tree import TreeNode

from albertplus_cli.dashboard.client import short_error
from albertplus_cli.dashboard.formatting import object_fields, union_branches, validator_text
from albertplus_cli.dashboard.sync_connection import QueryResult
from albertplus_cli.dashboard.view import DashboardView
from albertplus_cli.dashboard.widgets import EllipsisTree


def field_label(name: str, validator: Any, optional: bool) -> Text:
    label = Text(f"{name}{'?' if optional else ''}: ")
    label.append(validator_text(validator), style="cyan")
    return label


def add_fields(node: TreeNode[None], fields: dict[str, tuple[Any, bool]]) -> None:
    for name, (validator, optional) in fields.items():
        node.add_leaf(field_label(name, validator, optional))


class HealthView(DashboardView):
    schema: var[dict[str, Any] | None] = var(None, init=False)
    stats: var[dict[str, Any] | None] = var(None, init=False, always_update=True)
    stale = var(False, init=False)

    def compose(self) -> ComposeResult:
        with Horizontal():
            tree: EllipsisTree[None] = EllipsisTree("schema", id="schema-tree")
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
        if not result.ok:
            tree = self.query_one("#schema-tree", EllipsisTree)
            tree.clear()
            tree.root.add_leaf(Text(short_error(result.error), style="red"))
            return
        self.schema = result.value

    def watch_schema(self, schema: dict[str, Any] | None) -> None:
        tree = self.query_one("#schema-tree", EllipsisTree)
        tree.clear()
        if schema is None:
            return
        if not schema.get("hasSchema"):
            tree.root.add_leaf(Text("no schema.py: tables are schemaless", style="yellow"))
        for table in schema.get("tables", []):
            label = Text(table["name"], style="bold")
            if not table.get("inSchema"):
                label.append(" (not in schema)", style="yellow")
            node = tree.root.add(label, expand=True)
            self._add_document_type(node, table.get("documentType"))
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

    @staticmethod
    def _add_document_type(node: TreeNode[None], document_type: Any) -> None:
        split = union_branches(document_type)
        if split is not None:
            shared, branches = split
            add_fields(node, shared)
            for number, branch in enumerate(branches, 1):
                title = Text(f"branch {number} of {len(branches)}", style="dim")
                first = next(iter(branch.items()), None)
                if first is not None:
                    title.append("  ")
                    title.append_text(field_label(first[0], *first[1]))
                rest = dict(list(branch.items())[1:])
                if rest:
                    add_fields(node.add(title, expand=True), rest)
                else:
                    node.add_leaf(title)
            return
        fields = object_fields(document_type)
        if fields:
            add_fields(node, fields)
        elif document_type is not None:
            node.add_leaf(Text(validator_text(document_type), style="cyan"))

    def watch_stats(self) -> None:
        self._render_health()

    def watch_stale(self) -> None:
        self._render_health()

    def _render_health(self) -> None:
        stats = self.stats
        fmt = self.fmt
        text = Text()
        if self.stale:
            text.append("unreachable\n\n", style="red")
        if stats is None:
            self.query_one("#health", Static).update(text)
            return
        rows = [
            ("server", fmt.url(self.client.url)),
            ("version", str(stats.get("version", "?"))),
            ("uptime", fmt.uptime(float(stats.get("uptimeSeconds", 0)))),
            ("connections", fmt.counter(stats.get("connections", 0))),
            ("subscriptions", fmt.counter(stats.get("subscriptions", 0))),
            ("query runs", fmt.counter(stats.get("subscriptionExecutions", 0))),
            ("reruns", fmt.counter(stats.get("reactiveReruns", 0))),
            ("functions", str(stats.get("functions", "?"))),
        ]
        cache = stats.get("queryCache")
        if isinstance(cache, dict):
            rows.append(("query cache", f"{fmt.counter(cache.get('hits', 0))} hits · "
                                        f"{fmt.counter(cache.get('misses', 0))} misses"))
        text.append("Health\n", style="bold")
        for name, value in rows:
            text.append(f"{name:<14}", style="dim")
            text.append(value + "\n")
        pushes = stats.get("pushes") or []
        text.append("\nRecent pushes\n", style="bold")
        if not pushes:
            text.append("none since the server started\n", style="dim")
        for push in reversed(pushes[-5:]):
            at = float(push.get("at", 0))
            when = "--:--:--" if fmt.mask else dt.datetime.fromtimestamp(at).strftime("%H:%M:%S")
            ago = fmt.uptime(max(0.0, time.time() - at))
            if push.get("ok"):
                changes = push.get("changes") or []
                text.append(f"✔ {when}", style="green")
                text.append(f" · {ago} ago\n", style="dim")
                text.append(f"  {len(changes)} change{'s' if len(changes) != 1 else ''}, "
                            f"applied in {fmt.duration(float(push.get('seconds', 0)) * 1000)}\n")
                for change in changes[:4]:
                    text.append(f"  {change}\n", style="dim")
            else:
                text.append(f"✖ {when}", style="red")
                text.append(f" · {ago} ago\n", style="dim")
                text.append("  " + (push.get("error") or "failed")[:300] + "\n", style="red")
        self.query_one("#health", Static).update(text)
