"""The dashboard's header says "push failed" while the last schema push of the running `albertplus dev` failed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from convex.http_client import ConvexHttpClient
from dashboard_helpers import wait_for
from server_process import REPO, DevServer, copy_project
from textual.widgets import Static

from albertplus_cli.dashboard import DashboardApp

pytestmark = pytest.mark.anyio
MESSAGES = REPO / "tests" / "projects" / "messages"
SCHEMA = (MESSAGES / "schema.py").read_text()
BODY_AS_NUMBER = SCHEMA.replace('"body": v.string(),', '"body": v.number(),')


def _wait_for_output_count(server: DevServer, text: str, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while server.output().count(text) < count:
        assert time.monotonic() < deadline, server.output()[-3000:]
        time.sleep(0.05)


async def test_header_shows_push_failed_until_a_push_succeeds(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    with DevServer(project, watch=True, quiet=True) as server:
        server.wait_for_output("Watching")
        ConvexHttpClient(server.url).mutation("messages:send", {"author": "a", "body": "text"})
        app = DashboardApp(server.url, server.admin_key, health_poll=0.2)
        async with app.run_test(size=(120, 30)) as pilot:
            def header() -> str:
                return str(app.query_one("#topbar", Static).visual)

            await wait_for(pilot, lambda: "live" in header(), timeout=30, what="a live connection")
            assert "push failed" not in header()
            (project / "schema.py").write_text(BODY_AS_NUMBER)
            _wait_for_output_count(server, "✖ Schema push failed", 1)
            await wait_for(pilot, lambda: "push failed" in header(), timeout=30, what="the push-failed mark")
            (project / "schema.py").write_text(SCHEMA)
            _wait_for_output_count(server, "✔ Pushed in", 1)
            await wait_for(pilot, lambda: "push failed" not in header(), timeout=30, what="the mark to go")
