"""The event loop every server process runs on: uvloop (with uvicorn's httptools parser), and what it reports.

`dev` (and `serve`) start their own loop to run two uvicorn servers in one process, so uvicorn's own loop
choice never applies: `run` is the one place that picks uvloop. `runtime_info` is what the admin stats answer
shows, read from the running loop and the uvicorn server itself, so a test can check what is really in use.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvicorn

T = TypeVar("T")
HTTP_IMPLEMENTATION = "httptools"


def _loop_factory() -> Any:
    try:
        import uvloop
    except ImportError:  # a platform without uvloop (Windows): the stock loop still serves correctly
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a fresh uvloop event loop (the stock loop where uvloop is missing)."""
    factory = _loop_factory()
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(main)
    finally:
        if threading.current_thread() is threading.main_thread():
            # A closed uvloop leaves its own SIGINT handler behind: Ctrl+C must raise KeyboardInterrupt again
            # (dev's "press Ctrl+C again to stop now" waits on exactly that).
            signal.signal(signal.SIGINT, signal.default_int_handler)


def freeze_startup_objects() -> None:
    """Move every object alive after start-up (modules, the loaded project, the catalog) out of the collector's
    reach: later collections then scan only request garbage. Measured serving 20,000 queries on the loaded
    engine: the longest collection pause fell from 125 ms to 25 ms (tracked objects 45,600 → 4,800)."""
    gc.collect()
    gc.freeze()


def runtime_info(server: uvicorn.Server) -> dict[str, str]:
    """The running loop's class and the HTTP protocol class uvicorn really uses, e.g. for `/api/albertplus/stats`."""
    loop = asyncio.get_running_loop()
    config = server.config
    protocol = getattr(config, "http_protocol_class", None)
    # Our protocol class only adds the header cap to uvicorn's: report the uvicorn implementation under it.
    protocol = next((c for c in getattr(protocol, "__mro__", ()) if c.__module__.startswith("uvicorn.")), protocol)
    return {
        "eventLoop": f"{type(loop).__module__}.{type(loop).__qualname__}",
        "httpProtocol": f"{protocol.__module__}.{protocol.__qualname__}" if protocol is not None else "unknown",
    }
