"""What every tab's view shares: the client, the formatter, subscriptions that die with the view."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from textual.widget import Widget

from albertplus_cli.dashboard.client import DashboardClient
from albertplus_cli.dashboard.formatting import Formatter
from albertplus_cli.dashboard.sync_connection import QueryResult, Subscription

if TYPE_CHECKING:
    from albertplus_cli.dashboard.app import DashboardApp


class DashboardView(Widget):
    """A tab's content. `start()` runs once the server answers; results arrive on the UI's message queue."""

    started = False

    @property
    def dashboard(self) -> DashboardApp:
        return cast("DashboardApp", self.app)

    @property
    def client(self) -> DashboardClient:
        return self.dashboard.client

    @property
    def fmt(self) -> Formatter:
        return self.dashboard.fmt

    def start(self) -> None:
        """Called when the server is first reached: subscribe to what this view shows."""
        self.started = True

    def focus_filter(self) -> None:
        """`/`: focus this view's filter input."""

    def live(self, path: str, args: Mapping[str, Any] | None, handler: Callable[[QueryResult], Any],
             acting_as: Mapping[str, Any] | None = None) -> Subscription:
        """Subscribe; each pushed result is handled on this widget's message queue (never inside the socket)."""

        def deliver(result: QueryResult) -> None:
            if self.is_attached:
                self.call_later(handler, result)

        return self.client.subscribe(path, args, deliver, acting_as)
