"""`albertplus dashboard`: a live terminal dashboard (Textual) for a running `albertplus dev`.

It talks to the server only through its APIs with the admin key: admin-only `_system/frontend/*` queries over
the sync WebSocket (so everything shown is live), `/api/function` for writes and runs, `/api/albertplus/stats`
for health and `/api/albertplus/logs` for the log stream.
"""

from albertplus_cli.dashboard.app import DashboardApp
from albertplus_cli.dashboard.client import DashboardClient, resolve_target

__all__ = ["DashboardApp", "DashboardClient", "resolve_target"]
