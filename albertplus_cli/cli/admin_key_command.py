"""`albertplus admin-key`: print the project's admin key (created on first use)."""

from __future__ import annotations

from pathlib import Path

import typer

from albertplus_cli.auth import load_or_create_admin_key
from albertplus_cli.cli.common import fail, require_project
from albertplus_cli.cli.main import app

ADMIN_KEY_HELP = """Print the project's admin key, creating PROJECT/.albertplus/admin_key (mode 0600) if needed.

Admin requests carry `Authorization: Convex <admin key>`; `run` and `dashboard` read the key from ALBERTPLUS_ADMIN_KEY.

Examples:

  albertplus admin-key

  export ALBERTPLUS_ADMIN_KEY=$(albertplus admin-key --dir ./myproject)
"""  # noqa: E501


@app.command("admin-key", help=ADMIN_KEY_HELP)
def admin_key_command(
    project_dir: Path = typer.Option(
        Path("."), "--dir", help="The project directory.", exists=True, file_okay=False, dir_okay=True
    ),
) -> None:
    from albertplus_cli.project import state_dir_for

    require_project(project_dir.resolve())
    try:
        key = load_or_create_admin_key(state_dir_for(project_dir))
    except (OSError, ValueError) as exc:
        raise fail(f"cannot load the admin key: {exc}") from None
    typer.echo(key)
