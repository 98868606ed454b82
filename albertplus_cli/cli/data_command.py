"""`albertplus data [TABLE]`: the tables with their document counts, or one table's documents (`npx convex data`)."""

from __future__ import annotations

import base64
import json
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from albertplus_cli.cli.common import PROJECT_OPTION, err_console, fail, project_root
from albertplus_cli.cli.main import app
from albertplus_cli.cli.server_target import URL_OPTION, Server, find_server, short_error
from albertplus_cli.terminal_text import safe_line
from albertplus_cli.values.json_formats import InvalidValueError, decode, encode
from albertplus_cli.values.types import Int64

if TYPE_CHECKING:
    from albertplus_cli.database import Database

DATA_HELP = """List the tables with their document counts, or print one table's documents.

Reads through the running `albertplus dev` of the project when there is one (--url names another server),
else the project's database directly. Documents come newest first unless --order asc; values are shown as
Convex shows them (strings quoted, int64 as 5n, bytes as Bytes("…")). --format json or jsonl prints the
documents in Convex's JSON format instead of a table.

Examples:

  albertplus data

  albertplus data courses --limit 5

  albertplus data userCourses --order asc --format jsonl > userCourses.jsonl
"""

PAGE = 1000
MAX_LIMIT = 10_000


class Order(StrEnum):
    asc = "asc"
    desc = "desc"


class Format(StrEnum):
    pretty = "pretty"
    json = "json"
    jsonl = "jsonl"


@app.command("data", help=DATA_HELP)
def data_command(
    table: str | None = typer.Argument(None, metavar="[TABLE]", help="The table whose documents to print."),
    limit: int = typer.Option(100, "--limit", min=1, max=MAX_LIMIT, help="How many documents to print."),
    order: Order = typer.Option(Order.desc, "--order", help="By creation time: desc (newest first) or asc."),
    fmt: Format = typer.Option(Format.pretty, "--format", help="pretty (a table), json (an array) or jsonl."),
    project_dir: Path = PROJECT_OPTION,
    url: str | None = URL_OPTION,
) -> None:
    root = project_root(project_dir)
    server = find_server(root, url)
    if table is None:
        tables = _remote_tables(server) if server is not None else _local_tables(root)
        _print_tables(tables)
        return
    documents = (_remote_documents(server, table, limit + 1, order.value) if server is not None
                 else _local_documents(root, table, limit + 1, order.value))
    _print_documents(documents, limit, order.value, fmt.value)


# -- reading ---------------------------------------------------------------------------------------------


def _remote_tables(server: Server) -> list[tuple[str, int]]:
    rows = server.system_query("_system/frontend/tables", {})
    return [(row["name"], int(row["count"])) for row in rows]


def _remote_documents(server: Server, table: str, wanted: int, order: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor: str | None = None
    while len(out) < wanted:
        data = server.post("/api/function", {
            "path": "_system/frontend/tableData",
            "args": {"table": table, "order": order,
                     "paginationOpts": {"numItems": min(PAGE, wanted - len(out)), "cursor": cursor}},
            "format": "convex_encoded_json",
        })
        if data.get("status") != "success":
            raise fail(short_error(data.get("errorMessage")))
        try:
            page = decode(data["value"])
        except (InvalidValueError, KeyError) as e:
            raise fail(f"the server sent an undecodable page: {e}") from None
        out.extend(page["page"])
        if page["isDone"]:
            break
        cursor = page["continueCursor"]
    return out[:wanted]


def _open_database(root: Path) -> Database | None:
    """The project's database, opened without loading the project's code (broken code must not hide data)."""
    from albertplus_cli.database import Database
    from albertplus_cli.project import NotAProjectError, locate_project

    try:
        path = locate_project(root).database_file
    except NotAProjectError as e:
        raise fail(str(e)) from None
    if not path.exists():
        return None
    return Database(path)


def _local_tables(root: Path) -> list[tuple[str, int]]:
    db = _open_database(root)
    if db is None:
        return []
    try:
        def count(tx: Any) -> list[tuple[str, int]]:
            return [(name, tx.session.count_documents(info.number))
                    for name, info in sorted(tx.catalog.by_name.items()) if not name.startswith("_")]

        return db.read(count)[0]
    finally:
        db.close()


def _local_documents(root: Path, table: str, wanted: int, order: str) -> list[dict[str, Any]]:
    from albertplus_cli.database import DatabaseReader

    db = _open_database(root)
    if db is None or db.catalog.table(table) is None:
        if db is not None:
            db.close()
        raise fail(f"table '{table}' does not exist; `albertplus data` lists the tables")
    try:
        return db.read(lambda tx: DatabaseReader(tx).query(table).order(order).take(wanted))[0]
    except Exception as e:  # noqa: BLE001 - a read limit or a damaged file: one line, not a traceback
        raise fail(f"could not read table '{table}': {e}") from None
    finally:
        db.close()


# -- printing --------------------------------------------------------------------------------------------


def _print_tables(tables: list[tuple[str, int]]) -> None:
    if not tables:
        err_console.print("There are no tables in the database.")
        return
    width = max(len(name) for name, _ in tables)
    for name, count in sorted(tables):
        typer.echo(f"{name.ljust(width)}  {count:>8,} document{'' if count == 1 else 's'}")


def _print_documents(documents: list[dict[str, Any]], limit: int, order: str, fmt: str) -> None:
    shown = documents[:limit]
    if fmt == "json":
        typer.echo(json.dumps([encode(d, "json") for d in shown], indent=2, ensure_ascii=False))
        return
    if fmt == "jsonl":
        for d in shown:
            typer.echo(json.dumps(encode(d, "json"), ensure_ascii=False))
        return
    if not shown:
        err_console.print("There are no documents in this table.")
        return
    _print_table([{k: stringify(v) for k, v in d.items()} for d in shown])
    if len(documents) > limit:
        which = "most recently" if order == "desc" else "oldest"
        err_console.print(f"[yellow]Showing the {limit} {which} created document{'' if limit == 1 else 's'}. "
                          "Use the --limit option to see more.[/yellow]", markup=True)


def _print_table(rows: list[dict[str, str]]) -> None:
    fields = list(dict.fromkeys(["_id", "_creationTime", *sorted({k for row in rows for k in row})]))
    widths = [max(len(f), *(len(row.get(f, "")) for row in rows)) for f in fields]
    limit = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    truncated = False

    def emit(line: str) -> None:
        nonlocal truncated
        if limit is not None and len(line) > limit:
            truncated = True
            line = line[:max(limit - 1, 1)] + "…"
        typer.echo(line)

    emit(" | ".join(f.ljust(w) for f, w in zip(fields, widths, strict=True)))
    emit("-|-".join("-" * w for w in widths))
    for row in rows:
        emit(" | ".join(row.get(f, "").ljust(w) for f, w in zip(fields, widths, strict=True)))
    if truncated:
        err_console.print("[yellow]Lines were cut to fit the terminal; pipe the output to see them whole, e.g. "
                          "`albertplus data TABLE | less -S`.[/yellow]", markup=True)


def stringify(value: Any) -> str:
    """A value as Convex's CLI prints it in a table cell."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Int64):
        return f"{value.value}n"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return safe_line(json.dumps(value, ensure_ascii=False))
    if isinstance(value, (bytes, bytearray)):
        return f'Bytes("{base64.b64encode(bytes(value)).decode()}")'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stringify(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)}: {stringify(v)}" for k, v in value.items()) + " }"
    return safe_line(repr(value))

