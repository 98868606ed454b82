"""`albertplus dashboard`: a Textual app on a running `albertplus dev`, through the server's own APIs.

Four tabs (1 Data, 2 Functions, 3 Logs, 4 Schema & health). The app checks the server's health every few
seconds; until the first answer it shows how to start a server, and the views subscribe once it answers. All
network work is async in Textual's event loop (websockets, httpx), so no frame waits on the server.

Keys follow the Convex dashboard where it has one, and a terminal where it does not: 1-4 switch tabs and `t`
jumps to the table list (outside inputs: there every printable key is text), `/` filters the current tab,
Esc leaves an input, Ctrl+C (or q) quits as `npx convex dev` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.reactive import var
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane

from albertplus_cli.dashboard.client import AdminKeyRejected, DashboardClient, ServerUnavailable
from albertplus_cli.dashboard.data_view import DataView
from albertplus_cli.dashboard.formatting import Formatter
from albertplus_cli.dashboard.functions_view import FunctionsView
from albertplus_cli.dashboard.health_view import HealthView
from albertplus_cli.dashboard.logs_view import LogsView
from albertplus_cli.dashboard.screens import HelpScreen
from albertplus_cli.dashboard.view import DashboardView

TABS = ("data", "functions", "logs", "health")


class DashboardApp(App[None]):
    CSS_PATH = "dashboard.tcss"
    TITLE = "albertplus dashboard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("1", "tab('data')", "Data", show=False),
        Binding("2", "tab('functions')", "Functions", show=False),
        Binding("3", "tab('logs')", "Logs", show=False),
        Binding("4", "tab('health')", "Health", show=False),
        Binding("t", "tables", "Tables", show=False),
        Binding("slash", "focus_filter", "Filter"),
        Binding("question_mark", "help", "Keys"),
        Binding("q", "quit", "Quit", show=False),
        Binding("ctrl+c", "quit", "Quit", priority=True),
        Binding("escape", "leave_input", "Leave input", show=False),
    ]

    # What the top bar and the health pane show; their watchers redraw them.
    server_up: var[bool | None] = var(None, init=False)
    sync_status = var("connecting", init=False)
    stats: var[dict[str, Any] | None] = var(None, init=False, always_update=True)

    def __init__(self, url: str, admin_key: str | None, *, mask: bool = False, log_poll: float = 0.5,
                 health_poll: float = 2.0, page_size: int = 50, proof_state_dir: Path | None = None) -> None:
        super().__init__()
        self.url = url.rstrip("/")
        self.admin_key = admin_key
        self.fmt = Formatter(mask)
        self.client = DashboardClient(self.url, admin_key or "", on_status=self._on_sync_status,
                                      proof_state_dir=proof_state_dir)
        self.health_poll = health_poll
        self.log_poll = log_poll
        self.page_size = page_size
        self.ever_connected = False
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Static(id="offline")
        with TabbedContent(id="tabs", initial="data"):
            with TabPane("1 Data", id="data"):
                yield DataView(id="data-view", page_size=self.page_size)
            with TabPane("2 Functions", id="functions"):
                yield FunctionsView(id="functions-view")
            with TabPane("3 Logs", id="logs"):
                yield LogsView(id="logs-view", poll_interval=self.log_poll)
            with TabPane("4 Schema & Health", id="health"):
                yield HealthView(id="health-view")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#tabs").display = False
        self._render_topbar()
        if not self.admin_key:
            self._show_problem(
                "No admin key.\n\nRun the dashboard in your project folder (it reads .albertplus/admin_key), "
                "or pass --admin-key / set ALBERTPLUS_ADMIN_KEY (see `albertplus admin-key`)."
            )
            return
        self._show_problem(f"Connecting to {self.fmt.url(self.url)} …")
        self.set_interval(self.health_poll, self.check_health)
        self.call_later(self.check_health)

    async def on_unmount(self) -> None:
        await self.client.close()

    # -- server state ------------------------------------------------------------------------------

    async def check_health(self) -> None:
        """Poll the server's stats; a check whose answer arrives while the app is closing changes nothing."""
        try:
            await self._check_health()
        except NoMatches:
            return  # compose always makes these widgets: they are only missing while the app shuts down

    async def _check_health(self) -> None:
        try:
            stats = await self.client.stats()
        except ServerUnavailable:
            self._server_down(
                f"No albertplus server is running at {self.fmt.url(self.url)}.\n\n"
                "Start one in your project folder with:\n\n    albertplus dev\n\n"
                "or point the dashboard at another one with --url / ALBERTPLUS_URL. "
                "This screen retries every few seconds."
            )
            return
        except AdminKeyRejected as e:
            self._server_down(f"The server at {self.fmt.url(self.url)} refused the admin key: {e}\n\n"
                              "Use the key of that project: `albertplus admin-key --dir PROJECT`.")
            return
        except Exception as e:  # noqa: BLE001 - any odd answer is shown, never a crash
            self._server_down(f"Unexpected answer from {self.fmt.url(self.url)}: {e}")
            return
        self.problem = None
        if not self.ever_connected:
            self.ever_connected = True
            self.query_one("#offline").display = False
            self.query_one("#tabs").display = True
            self.client.connection()
            for view in self.query(DashboardView):
                if not view.started:
                    view.start()
            self.query_one("#data-view #tables").focus()
        else:
            self.query_one("#offline").display = False
        self.server_up = True
        self.stats = stats

    def _server_down(self, message: str) -> None:
        self.problem = message
        if self.ever_connected:
            # Keep the last data on screen; a banner says it is stale. The sync socket reconnects by itself.
            offline = self.query_one("#offline", Static)
            offline.update(Text("Server unreachable, showing the last data; retrying… (albertplus dev)",
                                style="bold red"))
            offline.display = True
        else:
            self._show_problem(message)
        self.server_up = False

    def watch_server_up(self, up: bool | None) -> None:
        self.query_one(HealthView).stale = up is False
        self._render_topbar()

    def watch_sync_status(self) -> None:
        self._render_topbar()

    def watch_stats(self, stats: dict[str, Any] | None) -> None:
        self.query_one(HealthView).stats = stats
        self._render_topbar()

    def _show_problem(self, message: str) -> None:
        offline = self.query_one("#offline", Static)
        offline.update(Text(message))
        offline.display = True

    def _on_sync_status(self, status: str, detail: str | None) -> None:
        self.sync_status = status
        if status in ("auth", "unproven") and detail:
            self.notify(detail, severity="error")

    def _render_topbar(self) -> None:
        text = Text()
        text.append(" albertplus ", style="bold reverse")
        text.append(f" {self.fmt.url(self.url)} ")
        if self.server_up is None:
            text.append("○ connecting", style="yellow")
        elif not self.server_up:
            text.append("✖ no server", style="bold red")
        elif self.sync_status == "connected":
            text.append("● live", style="bold green")
        else:
            text.append(f"○ {self.sync_status}", style="yellow")
        if self.stats:
            text.append(f"  {self.stats.get('version', '')}", style="dim")
            if self.stats.get("pushFailed"):
                text.append("  ✖ push failed", style="bold red")
        self.query_one("#topbar", Static).update(text, layout=False)  # one line, always

    # -- actions -----------------------------------------------------------------------------------

    def active_view(self) -> DashboardView | None:
        active = self.query_one("#tabs", TabbedContent).active
        if active not in TABS:
            return None
        return self.query_one(f"#{active}-view", DashboardView)

    def action_tab(self, tab: str) -> None:
        if tab in TABS and self.ever_connected:
            self.query_one("#tabs", TabbedContent).active = tab
            view = self.active_view()
            if view is not None:
                focus = {"data": "#grid", "functions": "#fn-tree", "logs": "#logs-table",
                         "health": "#schema-tree"}[tab]
                view.query_one(focus).focus()

    def action_tables(self) -> None:
        """`t`: the Data tab's table list, from any tab."""
        if self.ever_connected:
            self.action_tab("data")
            self.query_one(DataView).focus_tables()

    def action_focus_filter(self) -> None:
        view = self.active_view()
        if view is not None and self.ever_connected:
            view.focus_filter()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_leave_input(self) -> None:
        if isinstance(self.focused, Input):
            view = self.active_view()
            if view is not None:
                self.action_tab(self.query_one("#tabs", TabbedContent).active)
