"""`albertplus serve`: the production server — no watching, no codegen, no dev secrets printed; N worker processes.

Each worker is a whole engine (its own connections, writer and sync hub) on the shared database; the commit
log tells every worker about every other worker's (and machine's) writes. With `--workers N` the workers bind
the same ports with SO_REUSEPORT, so the kernel spreads connections across them; a supervisor forwards
SIGINT/SIGTERM and restarts a worker that dies.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from albertplus_cli.backend import Backend
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.engine import Engine
from albertplus_cli.project import NotAProjectError, locate_project
from albertplus_cli.server import event_loop
from albertplus_cli.server.access_log import AccessLog
from albertplus_cli.server.app import build_api_app, build_site_app
from albertplus_cli.server.cached_queries import cached_queries_for
from albertplus_cli.server.dev_server import DevServerError, _QuietServer, _uvicorn_config, check_port_free
from albertplus_cli.sync.hub import SyncHub

RESTART_DELAY = 1.0  # seconds before a crashed worker is started again
FAST_FAILURE = 5.0  # a worker that exits within this many seconds of its start failed to start: give up


@dataclass
class ServeOptions:
    project_dir: Path
    database: DatabaseUrl
    host: str = "127.0.0.1"
    port: int = 3210
    site_port: int = 3211
    workers: int = 1
    trust_dev_key: bool = False
    log_format: str = "text"


def serve_production(options: ServeOptions) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit status. Raises DevServerError for start-up problems."""
    try:
        locate_project(options.project_dir)
    except NotAProjectError as e:
        raise DevServerError(str(e)) from None
    check_port_free(options.host, options.port, "API")
    check_port_free(options.host, options.site_port, "site")
    if options.workers <= 1:
        run_worker(options, reuse_port=False)
        return 0
    return _supervise(options)


def _listen(host: str, port: int, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise DevServerError(f"Cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(4096)
    sock.set_inheritable(False)
    return sock


def run_worker(options: ServeOptions, *, reuse_port: bool) -> None:
    """One serving process: bind, open the engine on the database, serve until a signal."""
    api_sock = _listen(options.host, options.port, reuse_port)
    site_sock = _listen(options.host, options.site_port, reuse_port)
    engine = Engine(options.project_dir.resolve(), options.database, trust_dev_key=options.trust_dev_key)
    try:
        event_loop.run(_serve_async(engine, options, api_sock, site_sock))
    finally:
        engine.close()
        api_sock.close()
        site_sock.close()


async def _serve_async(engine: Engine, options: ServeOptions, api_sock: socket.socket,
                       site_sock: socket.socket) -> None:
    backend = Backend(engine)
    hub = SyncHub(backend)
    api = AccessLog(build_api_app(backend, hub), options.log_format, "api")
    site = AccessLog(build_site_app(backend, _log_line), options.log_format, "site")
    api_server = _QuietServer(_uvicorn_config(api, options.host, options.port,
                                              cached_queries_for(backend, api.record)))
    site_server = _QuietServer(_uvicorn_config(site, options.host, options.site_port))
    loop = asyncio.get_running_loop()

    def stop() -> None:
        api_server.should_exit = True
        site_server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    tasks = [asyncio.create_task(api_server.serve(sockets=[api_sock])),
             asyncio.create_task(site_server.serve(sockets=[site_sock]))]
    while not (api_server.started and site_server.started):
        if any(t.done() for t in tasks):
            raise DevServerError("The server failed to start (see the messages above)")
        await asyncio.sleep(0.02)
    event_loop.freeze_startup_objects()
    _log_line(f"albertplus serve: worker {os.getpid()} serving {engine.project_dir.name} on "
              f"http://{options.host}:{options.port} (HTTP actions on port {options.site_port}), "
              f"database: {engine.db.store.description}"
              + ("; trusting the dev signing key" if options.trust_dev_key else ""))
    try:
        await asyncio.gather(*tasks)
    finally:
        api.flush()
        site.flush()
        backend.close()


def _log_line(text: str) -> None:
    out = sys.__stdout__ or sys.stdout
    try:
        out.write(text + "\n")
        out.flush()
    except (OSError, ValueError):
        pass


def _supervise(options: ServeOptions) -> int:
    """Fork `options.workers` workers (before any thread exists), restart crashed ones, stop them on a signal."""
    stopping = False
    workers: dict[int, float] = {}  # pid -> start time

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                run_worker(options, reuse_port=True)
            except BaseException as e:  # noqa: BLE001 - a worker reports and exits; the supervisor decides
                _log_line(f"albertplus serve: worker {os.getpid()} failed: {e}")
                code = 1
            finally:
                os._exit(code)
        workers[pid] = time.monotonic()

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(workers):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    for _ in range(options.workers):
        spawn()
    status = 0
    while workers:
        try:
            pid, wait_status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        started = workers.pop(pid, None)
        if started is None or stopping:
            continue
        code = os.waitstatus_to_exitcode(wait_status)
        if code == 1 and time.monotonic() - started < FAST_FAILURE:
            status = 1  # it could not start (database unreachable, bad schema): starting it again will not help
            forward(signal.SIGTERM, None)
            continue
        _log_line(f"albertplus serve: worker {pid} exited ({code}); starting another")
        time.sleep(RESTART_DELAY)
        if not stopping:
            spawn()
    return status
