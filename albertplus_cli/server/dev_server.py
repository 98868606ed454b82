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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from rich.console import Group
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from albertplus_cli.backend import Backend
from albertplus_cli.codegen import ensure_bootstrap
from albertplus_cli.database import SchemaValidationError
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.engine import Engine
from albertplus_cli.functions.loader import ProjectLoadError
from albertplus_cli.private_files import ensure_private_dir
from albertplus_cli.project import NotAProjectError, locate_project
from albertplus_cli.server import event_loop
from albertplus_cli.server.app import build_api_app, build_site_app
from albertplus_cli.server.cached_queries import CachedQueries, cached_queries_for
from albertplus_cli.server.dev_lock import DevAlreadyRunning, DevLock
from albertplus_cli.server.http_fast_path import http_protocol
from albertplus_cli.server.instance_proof import new_instance_secret, prove_route
from albertplus_cli.server.reload import BackfillProgress, PushHistory, push_changes
from albertplus_cli.server.server_info import ServerInfo, read_server_info, remove_server_info, write_server_info
from albertplus_cli.server.terminal import Terminal, user_text
from albertplus_cli.sync.hub import SyncHub

# `dev` trusts the project's dev signing key so sign-in works offline; whoever can read the key can sign in as
# any user, Clerk's included (same `sub` space), so the developer is told once, at start-up.
DEV_KEY_TRUST_NOTICE = (
    "Trusts tokens signed by the local dev key (.albertplus/dev_signing_key.pem, `albertplus token`): "
    "whoever can read it can sign in as any user."
)


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


def _uvicorn_config(app: Any, host: str, port: int, cached: CachedQueries | None = None) -> uvicorn.Config:
    """httptools with a 431 past MAX_HEADER_BYTES; with `cached`, query-cache hits answered in the protocol."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on",
                          http=http_protocol(cached),
                          loop="none", proxy_headers=False,
                          ws_max_size=16 * 1024 * 1024 + 4096, ws_ping_interval=5.0, ws_ping_timeout=120.0,
                          timeout_keep_alive=30, backlog=4096)


def serve(options: DevOptions, terminal: Terminal, seed_hook: Callable[[Engine], None] | None = None,
          after_push: Callable[[Engine], Any] | None = None) -> bool:
    """Run until SIGINT/SIGTERM; True when a second Ctrl+C forced the stop (the caller exits at once, without
    joining the worker threads still running functions). Raises DevServerError for start-up problems."""
    try:
        layout = locate_project(options.project_dir)
    except NotAProjectError as e:
        raise DevServerError(str(e)) from None
    project_dir, state_dir = layout.root, layout.state_dir
    ensure_private_dir(state_dir)
    lock = acquire_dev_lock(state_dir)
    try:
        check_port_free(options.host, options.port, "API")
        check_port_free(options.host, options.site_port, "site")
        # Hot reload imports the same files again and again: never trust (or write) cached bytecode.
        sys.dont_write_bytecode = True
        engine = _start_engine(project_dir, options, terminal)
        try:
            if options.seed and seed_hook is not None:
                seed_hook(engine)
            if after_push is not None:
                _initial_codegen(engine, terminal, after_push)
            return event_loop.run(_serve_async(engine, options, terminal, after_push)) or _wait_for_workers(terminal)
        finally:
            if not forced_exit.is_set():
                engine.close()
    finally:
        terminal.close()
        lock.release()


# Set by a second Ctrl+C: stop without waiting for requests (and their worker threads) to finish.
forced_exit = threading.Event()


def _wait_for_workers(terminal: Terminal) -> bool:
    """Functions the clients started (an action over the WebSocket, say) may still run on worker threads once
    the server stopped: say so and wait for them before the database closes. True when a Ctrl+C asked to stop
    without waiting."""
    time.sleep(0.1)  # idle workers exit at once after the pool's shutdown
    busy = [t for t in threading.enumerate() if t.name.startswith("albertplus-query") and t.is_alive()]
    if not busy:
        return False
    terminal.print(f"[yellow]Waiting for {len(busy)} running function{'s' if len(busy) != 1 else ''} to finish. "
                   "Press Ctrl+C again to stop now.[/yellow]")
    try:
        for thread in busy:
            thread.join()
    except KeyboardInterrupt:
        forced_exit.set()
        return True
    return False


def acquire_dev_lock(state_dir: Path) -> DevLock:
    """Take the project's one-dev lock (`dev`, `dev --once`, `dev --until-success` all do, before the database is
    opened); DevServerError naming the running `dev` when another holds it."""
    try:
        return DevLock.acquire(state_dir)
    except DevAlreadyRunning as e:
        info = read_server_info(state_dir)
        where = f"at {info.url}" if info is not None and (e.pid is None or info.pid == e.pid) else "(starting)"
        pid = f", pid {e.pid}" if e.pid else ""
        raise DevServerError(
            f"albertplus dev is already running for this project {where}{pid}. One `dev` per project: stop it "
            "first, or use it (`albertplus run`, `albertplus dashboard`)."
        ) from None


def _start_engine(project_dir: Path, options: DevOptions, terminal: Terminal) -> Engine:
    """Load the project; while it fails to load (a syntax error, an exception at import time, stored data the
    schema rejects), print why and wait for the next save, as a running server does. Without watching the
    error is final."""
    from albertplus_cli.server.reload import render_load_error

    while True:
        progress = BackfillProgress(terminal.console)
        try:
            return Engine(project_dir, options.db_path, progress, before_load=ensure_bootstrap)
        except (ProjectLoadError, SchemaValidationError) as e:
            if not options.watch:
                raise
            progress.close()
            detail = render_load_error(e, project_dir) if isinstance(e, ProjectLoadError) else Padding(
                Text(str(e), style="red"), (0, 0, 0, 2))
            terminal.console.print(Group(
                Text("✖ The project failed to load; fix it and save: albertplus dev starts once it loads "
                     "(Ctrl+C to stop).", style="bold red"),
                detail,
            ))
            wait_for_source_change(project_dir)
            terminal.print("[dim]Change detected; loading the project again...[/dim]")
        finally:
            progress.close()


def _source_snapshot(project_dir: Path) -> dict[str, tuple[int, int, int]]:
    files = [project_dir / "schema.py", *(project_dir / "functions").rglob("*.py")]
    snapshot: dict[str, tuple[int, int, int]] = {}
    for path in files:
        if "_generated" in path.parts or "__pycache__" in path.parts:
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        snapshot[str(path)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return snapshot


def wait_for_source_change(project_dir: Path, interval: float = 0.25) -> None:
    """Block until schema.py or a file under functions/ is saved (created, changed, renamed over or deleted)."""
    before = _source_snapshot(project_dir)
    while _source_snapshot(project_dir) == before:
        time.sleep(interval)


def _initial_codegen(engine: Engine, terminal: Terminal, after_push: Callable[[Engine], Any]) -> None:
    try:
        after_push(engine)
    except Exception as e:  # noqa: BLE001 - types are a convenience; serving goes on without them
        terminal.print(f"[yellow]Codegen failed: {escape(str(e))}[/yellow]")


def client_url(host: str, port: int) -> str:
    """The URL a client on this machine uses: a wildcard listen address is not one (http://0.0.0.0 fails in
    browsers), so it becomes the loopback address of the same family."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _InFlight:
    """ASGI wrapper that knows the HTTP requests being answered, to say what a stopping server waits for.

    It keeps a reference to each request's first body chunk and reads the function path out of it only when
    asked (at Ctrl+C), so requests pay nothing for it.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: dict[int, tuple[str, bytes]] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = id(scope)
        label = f"{scope.get('method', '')} {scope.get('path', '')}"
        self.requests[key] = (label, b"")

        async def peek() -> Any:
            message = await receive()
            if key in self.requests and not self.requests[key][1]:
                self.requests[key] = (label, message.get("body") or b"")
            return message

        try:
            await self.app(scope, peek, send)
        finally:
            self.requests.pop(key, None)

    @staticmethod
    def describe(requests: list[tuple[str, bytes]]) -> str:
        """`2 running requests (slow:wait, GET /api/...)`: the function path when the body names one."""
        names = sorted({_function_path(body) or label for label, body in requests})
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        count = len(requests)
        return f"{count} running request{'s' if count != 1 else ''} ({shown})"


def _function_path(body: bytes) -> str | None:
    if not body or len(body) > 65536 or body.lstrip()[:1] != b"{":
        return None
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        path = json.loads(body).get("path")
        if isinstance(path, str):
            return user_text(path)
    return None


async def _serve_async(engine: Engine, options: DevOptions, terminal: Terminal,
                       after_push: Callable[[Engine], Any] | None) -> bool:
    """Serve until stopped; True when a second Ctrl+C forced the stop."""
    backend = Backend(engine)
    hub = SyncHub(backend)
    engine.executor.listeners.append(terminal.execution)
    pushes = PushHistory()
    runtime: dict[str, str] = {}
    secret = new_instance_secret()

    def push_stats() -> dict[str, Any]:
        return {"pushes": pushes.to_json(), "pushFailed": pushes.last_failed, **runtime}

    api = _InFlight(build_api_app(backend, hub, push_stats, extra_routes=[prove_route(secret)]))
    site = _InFlight(build_site_app(backend, terminal.print))
    api_server = _QuietServer(_uvicorn_config(api, options.host, options.port, cached_queries_for(backend)))
    site_server = _QuietServer(_uvicorn_config(site, options.host, options.site_port))
    loop = asyncio.get_running_loop()
    stopping = False

    def stop() -> None:
        nonlocal stopping
        if stopping:
            forced_exit.set()
            api_server.force_exit = site_server.force_exit = True
            terminal.print("[yellow]Stopping now, without waiting.[/yellow]")
            return
        stopping = True
        api_server.should_exit = site_server.should_exit = True
        running = [*api.requests.values(), *site.requests.values()]
        if running:
            terminal.print(f"[yellow]Stopping: waiting for {escape(_InFlight.describe(running))} to finish. "
                           "Press Ctrl+C again to stop now.[/yellow]")
        else:
            terminal.print("[dim]Stopping...[/dim]")

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
    runtime.update(event_loop.runtime_info(api_server))
    event_loop.freeze_startup_objects()
    url = client_url(options.host, options.port)
    site_url = client_url(options.host, options.site_port)
    write_server_info(engine.state_dir, ServerInfo(url, site_url, os.getpid(), secret))
    watcher: asyncio.Task[None] | None = None
    if options.watch:
        # Arm the file watcher before saying so: a save right after "Watching" must not be missed.
        armed = asyncio.Event()
        watcher = asyncio.create_task(_watch(engine, backend, hub, terminal, pushes, after_push, armed))
        try:
            await asyncio.wait_for(armed.wait(), timeout=10)
        except TimeoutError:
            terminal.print("[yellow]The file watcher is slow to start; changes may be missed for a moment.[/yellow]")
    wildcard = (f"  Listening on all interfaces ({escape(options.host)}); other machines use this machine's "
                f"address with port {options.port}.\n" if options.host in ("0.0.0.0", "::", "") else "")
    terminal.print(
        f"[bold green]albertplus dev[/bold green] is serving [bold]{escape(engine.project_dir.name)}[/bold] "
        f"({len(engine.project.functions)} functions)\n"
        f"  API (Convex URL):  [bold]{escape(url)}[/bold]\n"
        f"  Site (HTTP actions): {escape(site_url)}\n"
        + wildcard
        + f"  Database: {escape(engine.db.store.description)}\n"
        f"  Admin key: `albertplus admin-key`   Dev login token: `albertplus token --subject user_demo`\n"
        f"  {DEV_KEY_TRUST_NOTICE}\n"
        + ("  Watching schema.py and functions/ for changes.\n" if options.watch else "")
        + "  Press Ctrl+C to stop."
    )
    try:
        await asyncio.gather(*tasks)
    finally:
        if watcher is not None:
            watcher.cancel()
        remove_server_info(engine.state_dir)
        if not forced_exit.is_set():
            backend.close()
    return forced_exit.is_set()


def _watched_source(project_dir: Path) -> Callable[[Any, str], bool]:
    """schema.py at the project root, and Python sources under functions/ (auth.config.py included); not
    generated code, caches, local state or editors' temp files."""
    schema = str(project_dir / "schema.py")
    functions = project_dir / "functions"

    def accept(change: Any, path: str) -> bool:
        if path == schema:
            return True
        parts = Path(path).parts
        if "_generated" in parts or "__pycache__" in parts or not path.startswith(str(functions) + os.sep):
            return False
        name = parts[-1] if parts else ""
        return name.endswith(".py") and not name.startswith((".", "#"))

    return accept


# watchfiles groups the events of one save: it yields once no new event came for STEP ms (at most DEBOUNCE ms).
DEBOUNCE_MS = 100
STEP_MS = 25


async def _watch(engine: Engine, backend: Backend, hub: SyncHub, terminal: Terminal,
                 pushes: PushHistory, after_push: Callable[[Engine], Any] | None,
                 armed: asyncio.Event | None = None) -> None:
    """Push on every save. The project folder itself is watched (not schema.py's inode): editors save by
    writing a new file and renaming it over the old one, after which a watch on the old file sees nothing.
    The folder is watched without recursion (it may hold .venv, node_modules...), functions/ with it."""
    from watchfiles import awatch

    project_dir = engine.project_dir
    accept = _watched_source(project_dir)
    sources = [
        awatch(project_dir, watch_filter=accept, debounce=DEBOUNCE_MS, step=STEP_MS, recursive=False),
        awatch(project_dir / "functions", watch_filter=accept, debounce=DEBOUNCE_MS, step=STEP_MS, recursive=True),
    ]
    # The first step of each generator registers its inotify watches (synchronously, before its first await);
    # events that arrive while a push runs are kept for the next batch.
    pending: dict[asyncio.Future[Any], Any] = {asyncio.ensure_future(s.__anext__()): s for s in sources}
    await asyncio.sleep(0)
    if armed is not None:
        armed.set()
    try:
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            changes: set[tuple[Any, str]] = set()
            for future in done:
                source = pending.pop(future)
                try:
                    changes |= future.result()
                except StopAsyncIteration:
                    continue
                pending[asyncio.ensure_future(source.__anext__())] = source
            if changes:
                files = sorted({_display(project_dir, p) for _c, p in changes})
                await push_changes(engine, backend, hub, terminal, pushes, files, after_push)
    finally:
        for future in pending:
            future.cancel()
            with contextlib.suppress(BaseException):
                await future
        for source in sources:
            with contextlib.suppress(Exception):
                await source.aclose()


def _display(project_dir: Path, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(project_dir).as_posix()
    except ValueError:
        return Path(path).name
