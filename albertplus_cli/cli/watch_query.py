"""`albertplus run QUERY --watch`: a live subscription over the sync protocol that prints every new result.

The first result is printed as `run` prints one; each later change of the result prints it again (an
identical re-run prints nothing). When the first result is an error (an unknown function, bad arguments, a
mutation instead of a query) the command ends with exit 1; a later error is printed and watching goes on,
since the data or the code may change back. Ctrl+C ends it quietly with exit 130.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import orjson
import typer

from albertplus_cli.cli.common import err_console, fail
from albertplus_cli.cli.server_target import Server, require_server, short_error
from albertplus_cli.values.json_formats import encode


def watch(root: Path, function: str, args: dict[str, Any], acting_as: dict[str, Any] | None,
          url: str | None = None) -> None:
    from albertplus_cli.project import state_dir_for

    server = require_server(root, url, "run --watch")
    # The project's own key (not ALBERTPLUS_ADMIN_KEY) is re-proved on every reconnection (see SyncConnection).
    proof_state_dir = None if os.environ.get("ALBERTPLUS_ADMIN_KEY") else state_dir_for(root)
    try:
        code = asyncio.run(_watch(server, function, args, acting_as, proof_state_dir))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    if code:
        raise typer.Exit(code)


async def _watch(server: Server, function: str, args: dict[str, Any], acting_as: dict[str, Any] | None,
                 proof_state_dir: Path | None) -> int:
    from albertplus_cli.dashboard.sync_connection import QueryResult, SyncConnection

    results: asyncio.Queue[QueryResult | tuple[str, str | None]] = asyncio.Queue()
    connection = SyncConnection(server.url, server.admin_key, acting_as,
                                on_status=lambda status, detail: results.put_nowait((status, detail)),
                                proof_state_dir=proof_state_dir)
    connection.subscribe(function, args, results.put_nowait)
    connection.start()
    first = True
    last: bytes | None = None
    lost = False
    try:
        while True:
            item = await results.get()
            if isinstance(item, tuple):
                status, detail = item
                if status == "auth":
                    raise fail(detail or "the server refused the admin key")
                if status == "disconnected" and not lost:
                    err_console.print(f"[yellow]Lost the server at {server.url}; reconnecting...[/yellow]",
                                      markup=True)
                    lost = True
                elif status == "unproven":
                    err_console.print(f"[yellow]{detail}; retrying...[/yellow]", markup=True, highlight=False)
                    lost = True
                elif status == "connected" and lost:
                    err_console.print("[yellow]Reconnected.[/yellow]", markup=True)
                    lost = False
                continue
            for line in item.log_lines:
                err_console.print(line, markup=False, highlight=False)
            if not item.ok:
                message = short_error(item.error)
                if item.error_data is not None:
                    message += f" (error data: {orjson.dumps(encode(item.error_data, 'json')).decode()})"
                if first:
                    raise fail(message)
                err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
                last = None
                continue
            first = False
            shown = orjson.dumps(encode(item.value, "json"), option=orjson.OPT_INDENT_2)
            if shown != last:
                typer.echo(shown.decode())
                last = shown
    finally:
        await connection.close()
