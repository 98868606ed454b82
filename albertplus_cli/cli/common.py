"""Options and output helpers shared by the commands: the project folder, literal output, one-line errors.

Every command prints data and messages through `say`, `warn` and `fail`: text is printed literally (never
read as Rich markup, so `[/bold]` or `[link=...]` in a value prints as typed) with control characters
escaped (an ESC from user data shows as `\\x1b`), and a failure is one `error: ...` line with exit 1.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.terminal_text import safe_text

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)

PROJECT_OPTION = typer.Option(Path("."), "--dir", help="The project folder (holds schema.py and functions/).",
                              file_okay=False, dir_okay=True)

# Kept as typed: newline and tab lay text out; every other C0/C1 control character and DEL is escaped.

DATABASE_OPTION = typer.Option(
    None, "--database", "--db", metavar="URL",
    help="postgresql://user@host:port/db, sqlite:///path or a file path "
         "(default: ALBERTPLUS_DATABASE_URL, else PROJECT/.albertplus/data.sqlite3).",
)


def printable(text: object) -> str:
    """`text` with terminal control characters shown as escapes (`\\x1b`), so data never drives the terminal."""
    return safe_text(str(text))


def literal(text: object, style: str | None = None) -> Text:
    """A Rich Text of `text` printed as is: no markup, control characters escaped."""
    return Text(printable(text), style=style or "")


def say(message: object, *, err: bool = False, style: str | None = None) -> None:
    """Print a message or a value literally, on stdout (or stderr with `err=True`)."""
    (err_console if err else out_console).print(literal(message, style))


def warn(message: object) -> None:
    """`warning: message` on stderr."""
    err_console.print(Text.assemble(("warning: ", "yellow"), literal(message)))


def fail(message: object, code: int = 1, *, as_json: bool = False) -> typer.Exit:
    """Print `error: message` on stderr (or `{"error": message}` on stdout for `--json`) and return the Exit to
    raise: exit 1 when the work failed, 2 for bad usage."""
    if as_json:
        sys.stdout.write(json.dumps({"error": printable(message), "exitCode": code}) + "\n")
        sys.stdout.flush()
    else:
        err_console.print(Text.assemble(("error: ", "bold red"), literal(message)))
    return typer.Exit(code)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 document`, `2 documents`."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def project_root(path: Path) -> Path:
    root = path.resolve()
    if not root.is_dir():
        raise fail(f"{path} is not a folder", 2)
    return root


def require_project(root: Path) -> None:
    """Refuse a folder that is not an albertplus project (rather than creating .albertplus/ in it)."""
    from albertplus_cli.project import NotAProjectError, locate_project

    try:
        locate_project(root)
    except NotAProjectError as e:
        raise fail(str(e)) from None


def database_url(flag: str | None, root: Path) -> DatabaseUrl:
    """The database a command uses (flag, else ALBERTPLUS_DATABASE_URL, else the project's file); exit 2 on a bad
    URL."""
    from albertplus_cli.database_url import DatabaseUrlError, resolve_database_url
    from albertplus_cli.project import ProjectLayout

    try:
        return resolve_database_url(flag, ProjectLayout(root).database_file)
    except DatabaseUrlError as e:
        raise fail(str(e), 2) from None


def running_server_url(project_dir: Path) -> str | None:
    """The URL of the server to send `admin_key_for(project_dir)` to, or None to work on the database.

    Raises typer.Exit (after printing why) when a server is named or running but cannot be used safely.
    """
    from albertplus_cli.cli.server_target import ServerTargetError, find_target

    try:
        return find_target(project_dir, None).url
    except ServerTargetError as e:
        raise fail(str(e)) from None


def admin_key_for(project_dir: Path) -> str:
    from albertplus_cli.auth import load_or_create_admin_key
    from albertplus_cli.project import state_dir_for

    return os.environ.get("ALBERTPLUS_ADMIN_KEY") or load_or_create_admin_key(state_dir_for(project_dir))
