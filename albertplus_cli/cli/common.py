"""Options and helpers shared by the commands: the project folder, finding a running server, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import typer
from rich.console import Console

from albertplus_cli.database_url import DatabaseUrl

err_console = Console(stderr=True, highlight=False)

PROJECT_OPTION = typer.Option(Path("."), "--dir", help="The project folder (holds schema.py and functions/).",
                              file_okay=False, dir_okay=True)


DATABASE_OPTION = typer.Option(
    None, "--database", "--db", metavar="URL",
    help="postgresql://user@host:port/db, sqlite:///path or a file path "
         "(default: ALBERTPLUS_DATABASE_URL, else PROJECT/.albertplus/data.sqlite3).",
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` to stderr and return the Exit to raise (exit 1: the work failed)."""
    err_console.print(f"[bold red]error:[/bold red] {message}", markup=True)
    return typer.Exit(code)


def project_root(path: Path) -> Path:
    root = path.resolve()
    if not root.is_dir():
        raise fail(f"{path} is not a folder", 2)
    return root


def database_url(flag: str | None, root: Path) -> DatabaseUrl:
    """The database a command uses (flag, else ALBERTPLUS_DATABASE_URL, else the project's file); exit 2 on a bad
    URL."""
    from albertplus_cli.auth import state_dir_for
    from albertplus_cli.database_url import DatabaseUrlError, resolve_database_url
    from albertplus_cli.engine import DB_FILE_NAME

    try:
        return resolve_database_url(flag, state_dir_for(root) / DB_FILE_NAME)
    except DatabaseUrlError as e:
        raise fail(str(e), 2) from None


def running_server_url(project_dir: Path) -> str | None:
    """The URL of a running `albertplus dev` for this project (ALBERTPLUS_URL or .albertplus/server.json),
    if it answers."""
    candidates = []
    if os.environ.get("ALBERTPLUS_URL"):
        candidates.append(os.environ["ALBERTPLUS_URL"].rstrip("/"))
    server_file = project_dir / ".albertplus" / "server.json"
    if server_file.exists():
        try:
            candidates.append(str(json.loads(server_file.read_text())["url"]).rstrip("/"))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    for url in candidates:
        try:
            if httpx.get(f"{url}/instance_name", timeout=1.0).status_code == 200:
                return url
        except httpx.HTTPError:
            continue
    return None


def admin_key_for(project_dir: Path) -> str:
    from albertplus_cli.auth import load_or_create_admin_key, state_dir_for

    return os.environ.get("ALBERTPLUS_ADMIN_KEY") or load_or_create_admin_key(state_dir_for(project_dir))
