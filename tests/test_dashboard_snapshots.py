"""Snapshot tests (pytest-textual-snapshot) of each dashboard tab at 80x24, on a fixed messages data set, and
of a filter error shown under the filter box.

The app runs with `mask=True`, which prints placeholders for what changes between runs (ids, clock times,
durations, the port, counters). Update the SVGs after an intended change with `--snapshot-update`, and look
at them (tests/__snapshots__/test_dashboard_snapshots/) before committing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Tree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_helpers import call, wait_for  # noqa: E402
from server_process import REPO, DevServer, copy_project  # noqa: E402

from albertplus_cli.dashboard import DashboardApp  # noqa: E402
from albertplus_cli.dashboard.data_view import DataView  # noqa: E402
from albertplus_cli.dashboard.functions_view import FunctionsView  # noqa: E402
from albertplus_cli.dashboard.health_view import HealthView  # noqa: E402
from albertplus_cli.dashboard.logs_view import LogsView  # noqa: E402

MESSAGES = [
    {"author": "ada", "body": "Hello from the dashboard"},
    {"author": "grace", "body": "COBOL is a fine language"},
    {"author": "ada", "body": "The analytical engine weaves algebraic patterns"},
    {"author": "linus", "body": "Talk is cheap, show me the code"},
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    project = copy_project(REPO / "tests" / "projects" / "messages", tmp_path_factory.mktemp("snap") / "messages")
    with DevServer(project) as dev:
        for message in MESSAGES:
            assert call(dev.url, dev.admin_key, "messages:send", message)["status"] == "success"
        refused = call(dev.url, dev.admin_key, "messages:send", {"author": "nobody", "body": ""})
        assert refused["status"] == "error"
        first = call(dev.url, dev.admin_key, "_system/frontend/tableData",
                     {"table": "messages", "paginationOpts": {"numItems": 1, "cursor": None}})
        call(dev.url, dev.admin_key, "messages:like", {"id": first["value"]["page"][0]["_id"]})
        yield dev


def app_for(server: DevServer) -> DashboardApp:
    return DashboardApp(server.url, server.admin_key, mask=True, log_poll=0.1, health_poll=60)


def test_data_tab(server: DevServer, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        view = pilot.app.query_one(DataView)
        await wait_for(pilot, lambda: len(view.page) == 4 and view.schema, what="the messages page")
        pilot.app.query_one("#grid", DataTable).focus()
        await pilot.pause(0.2)

    assert snap_compare(app_for(server), terminal_size=(80, 24), run_before=run_before)


def test_functions_tab(server: DevServer, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.press("2")
        view = app.query_one(FunctionsView)
        await wait_for(pilot, lambda: "messages:list" in view.functions, what="the functions")
        tree = app.query_one("#fn-tree", Tree)
        leaf = next(leaf for module in tree.root.children for leaf in module.children
                    if leaf.data and leaf.data.get("path") == "messages:list")
        tree.move_cursor(leaf)
        await pilot.press("enter")
        app.query_one("#arg-author", Input).value = "grace"
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.result, what="the query result")
        tree.focus()
        await pilot.pause(0.2)

    assert snap_compare(app_for(server), terminal_size=(80, 24), run_before=run_before)


def test_logs_tab(server: DevServer, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.press("3")
        view = app.query_one(LogsView)
        app.query_one("#logs-function", Input).value = "messages:send"
        await wait_for(pilot, lambda: len([e for e in view.entries if e["path"] == "messages:send"]) >= 5,
                       what="the fixture's mutations in the logs")
        app.query_one("#logs-table", DataTable).focus()
        await pilot.pause(0.2)

    assert snap_compare(app_for(server), terminal_size=(80, 24), run_before=run_before)


def test_schema_and_health_tab(server: DevServer, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.press("4")
        view = app.query_one(HealthView)
        await wait_for(pilot, lambda: view.schema and view.stats, what="schema and stats")
        await pilot.pause(0.2)

    assert snap_compare(app_for(server), terminal_size=(80, 24), run_before=run_before)


def test_data_tab_filter_error(server: DevServer, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        view = pilot.app.query_one(DataView)
        await wait_for(pilot, lambda: len(view.page) == 4 and view.schema, what="the messages page")
        await pilot.press("slash", *"likes >> 1", "enter")
        await wait_for(pilot, lambda: view.filter_error, what="the filter error")
        await pilot.pause(0.2)

    assert snap_compare(app_for(server), terminal_size=(80, 24), run_before=run_before)
