"""`albertplus dashboard`: open the terminal dashboard on a running `albertplus dev`."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from albertplus_cli.cli.common import PROJECT_OPTION, project_root
from albertplus_cli.cli.main import app

DASHBOARD_HELP = """Open the live terminal dashboard on a running server: data, functions, logs, schema and health.

The server is --url, else ALBERTPLUS_URL, else the `albertplus dev` running for the project (--dir), else http://127.0.0.1:3210. The admin key is --admin-key, else ALBERTPLUS_ADMIN_KEY, else the project's .albertplus/admin_key; the project's own key is only sent to a server that proves it is the project's running `albertplus dev`.

Keys: 1-4 tabs, / filter, ? all keys, q quit. With no server running it says how to start one, and connects when it is up.

Examples:

  albertplus dev &   # in the project folder, then:
  albertplus dashboard

  albertplus dashboard --url http://127.0.0.1:3210 --admin-key "$(albertplus admin-key --dir ./myproject)"
"""  # noqa: E501


@app.command("dashboard", help=DASHBOARD_HELP)
def dashboard_command(
    url: str | None = typer.Option(None, "--url", help="The server's URL (default: ALBERTPLUS_URL or the "
                                   "project's running server)."),
    admin_key: str | None = typer.Option(None, "--admin-key", help="The admin key (default: "
                                         "ALBERTPLUS_ADMIN_KEY or PROJECT/.albertplus/admin_key)."),
    project_dir: Path = PROJECT_OPTION,
) -> None:
    from albertplus_cli.dashboard import DashboardApp, resolve_target
    from albertplus_cli.project import state_dir_for

    root = project_root(project_dir)
    target_url, key = resolve_target(url, admin_key, root)
    # The project's own key goes only to a server that proves it is the project's `albertplus dev`; a key the
    # user gave (--admin-key, ALBERTPLUS_ADMIN_KEY) goes where the user pointed it.
    explicit_key = bool(admin_key or os.environ.get("ALBERTPLUS_ADMIN_KEY"))
    DashboardApp(target_url, key, proof_state_dir=None if explicit_key else state_dir_for(root)).run()
