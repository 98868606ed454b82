"""`albertplus dev`: load the project, serve the API and site ports with uvicorn, watch and hot-reload."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.engine import Engine
from albertplus_cli.server.app import build_api_app, build_site_app
from albertplus_cli.server.backend import Backend
from albertplus_cli.server.terminal import Terminal
from albertplus_cli.sync.hub import SyncHub

SERVER_FILE = "server.json"


class DevServerError(Exception):
    """A start-up problem with a clear message (port taken, not a project)."""


@dataclass
class DevOptions:
    project_dir: Path
    host: str = "127.0.0.1"
    port: int = 3210
    site_port: int = 3211
    db_path: Path | DatabaseUrl | None = None
    watch: bool = True
    seed: bool = True
    quiet: bool = False


def check_port_free(host: str, port: int, what: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise DevServerError(
                    f"Port {port} ({what}) on {host} is already in use. Is another `albertplus dev` running? "
                    f"Stop it, or pick another port with --{'port' if what == 'API' else 'site-port'}."
                ) from None
            raise DevServerError(f"Cannot listen on {host}:{port} ({what}): {e.strerror}") from None


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to us (two servers share one process)."""

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        pass

    def capture_signals(self) -> Any:  # uvicorn >= 0.29
        return contextlib.nullcontext()


def _uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on",
                          ws_max_size=16 * 1024 * 1024 + 4096, ws_ping_interval=5.0, ws_ping_timeout=120.0,
                          timeout_keep_alive=30, backlog=4096)


def serve(options: DevOptions, terminal: Terminal, seed_hook: Callable[[Engine], None] | None = None,
          after_push: Callable[[Engine], Any] | None = None) -> None:
    """Run until SIGINT/SIGTERM. Raises DevServerError for start-up problems."""
    project_dir = options.project_dir.resolve()
    if not (project_dir / "functions").is_dir():
        raise DevServerError(
            f"{project_dir} is not an albertplus project: there is no functions/ folder"
            + ("" if (project_dir / "schema.py").exists() else " and no schema.py")
            + ". Run `albertplus dev` in your project folder, or pass --dir PROJECT."
        )
    check_port_free(options.host, options.port, "API")
    check_port_free(options.host, options.site_port, "site")
    # Hot reload imports the same files again and again: never trust (or write) cached bytecode.
    sys.dont_write_bytecode = True
    from albertplus_cli.server.reload import BackfillProgress

    progress = BackfillProgress(terminal.console)
    try:
        engine = Engine(project_dir, options.db_path, progress)
    finally:
        progress.close()
    try:
        if options.seed and seed_hook is not None:
            seed_hook(engine)
        if after_push is not None:
            _initial_codegen(engine, terminal, after_push)
        asyncio.run(_serve_async(engine, options, terminal, after_push))
    finally:
        engine.close()


def _initial_codegen(engine: Engine, terminal: Terminal, after_push: Callable[[Engine], Any]) -> None:
    try:
        after_push(engine)
    except Exception as e:  # noqa: BLE001 - types are a convenience; serving goes on without them
        terminal.print(f"[yellow]Codegen failed: {e}[/yellow]")


async def _serve_async(engine: Engine, options: DevOptions, terminal: Terminal,
                       after_push: Callable[[Engine], Any] | None) -> None:
    backend = Backend(engine)
    hub = SyncHub(backend)
    engine.executor.listeners.append(terminal.execution)
    pushes: list[dict[str, Any]] = []
    api = build_api_app(backend, hub, lambda: {"pushes": pushes[-10:]})
    site = build_site_app(backend, terminal.print)
    api_server = _QuietServer(_uvicorn_config(api, options.host, options.port))
    site_server = _QuietServer(_uvicorn_config(site, options.host, options.site_port))
    loop = asyncio.get_running_loop()

    def stop() -> None:
        api_server.should_exit = True
        site_server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    tasks = [asyncio.create_task(api_server.serve()), asyncio.create_task(site_server.serve())]
    while not (api_server.started and site_server.started):
        if any(t.done() for t in tasks):
            for t in tasks:
                if t.done() and t.exception():
                    raise DevServerError(f"The server failed to start: {t.exception()}")
            raise DevServerError("The server failed to start (see the messages above)")
        await asyncio.sleep(0.02)
    url = f"http://{options.host}:{options.port}"
    site_url = f"http://{options.host}:{options.site_port}"
    server_file = engine.state_dir / SERVER_FILE
    server_file.write_text(json.dumps({"url": url, "siteUrl": site_url, "pid": os.getpid()}))
    watcher: asyncio.Task[None] | None = None
    if options.watch:
        # Arm the file watcher before saying so: a save right after "Watching" must not be missed.
        armed = asyncio.Event()
        watcher = asyncio.create_task(_watch(engine, backend, hub, terminal, pushes, after_push, armed))
        try:
            await asyncio.wait_for(armed.wait(), timeout=10)
        except TimeoutError:
            terminal.print("[yellow]The file watcher is slow to start; changes may be missed for a moment.[/yellow]")
    terminal.print(
        f"[bold green]albertplus dev[/bold green] is serving [bold]{engine.project_dir.name}[/bold] "
        f"({len(engine.project.functions)} functions)\n"
        f"  API (Convex URL):  [bold]{url}[/bold]\n"
        f"  Site (HTTP actions): {site_url}\n"
        f"  Database: {engine.db.store.description}\n"
        f"  Admin key: `albertplus admin-key`   Dev login token: `albertplus token --subject user_demo`\n"
        + ("  Watching schema.py and functions/ for changes.\n" if options.watch else "")
        + "  Press Ctrl+C to stop."
    )
    try:
        await asyncio.gather(*tasks)
    finally:
        if watcher is not None:
            watcher.cancel()
        backend.close()
        try:
            server_file.unlink()
        except OSError:
            pass


def _watched(change: Any, path: str) -> bool:
    """Python sources of the project; not generated code, caches, local state or editors' temp files."""
    parts = Path(path).parts
    if "_generated" in parts or ".albertplus" in parts or "__pycache__" in parts:
        return False
    name = parts[-1] if parts else ""
    return name.endswith(".py") and not name.startswith((".", "#"))


# watchfiles groups the events of one save: it yields once no new event came for STEP ms (at most DEBOUNCE ms).
DEBOUNCE_MS = 100
STEP_MS = 25


async def _watch(engine: Engine, backend: Backend, hub: SyncHub, terminal: Terminal,
                 pushes: list[dict[str, Any]], after_push: Callable[[Engine], Any] | None,
                 armed: asyncio.Event | None = None) -> None:
    from watchfiles import awatch

    from albertplus_cli.server.reload import push_changes

    targets = [str(engine.project_dir / "functions")]
    if (engine.project_dir / "schema.py").exists():
        targets.append(str(engine.project_dir / "schema.py"))
    batches = awatch(*targets, watch_filter=_watched, debounce=DEBOUNCE_MS, step=STEP_MS, recursive=True)
    # The first step of the generator registers the inotify watches (synchronously, before its first await);
    # events that arrive while a push runs are kept for the next batch.
    pending = asyncio.ensure_future(batches.__anext__())
    await asyncio.sleep(0)
    if armed is not None:
        armed.set()
    try:
        while True:
            changes = await pending
            files = sorted({_display(engine.project_dir, p) for _c, p in changes})
            await push_changes(engine, backend, hub, terminal, pushes, files, after_push)
            pending = asyncio.ensure_future(batches.__anext__())
    except StopAsyncIteration:
        return
    finally:
        pending.cancel()
        with contextlib.suppress(BaseException):
            await pending
        with contextlib.suppress(Exception):
            await batches.aclose()


def _display(project_dir: Path, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(project_dir).as_posix()
    except ValueError:
        return Path(path).name
