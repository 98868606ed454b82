"""What the HTTP and sync handlers share: the engine, worker threads, and auth of incoming credentials.

It sits below both `server` and `sync` (they never import each other): the HTTP routes and the WebSocket
sessions each hold the same Backend.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from albertplus_cli.auth import Identity, parse_authorization
from albertplus_cli.engine import Engine
from albertplus_cli.functions.outcome import Outcome

T = TypeVar("T")
VERSION = "albertplus-0.1.0"


class Backend:
    """An engine served to many connections: a pool of query threads beside the event loop, mutations handed
    to the engine's writer thread and awaited without blocking the loop, and callers' credentials resolved
    against the engine's admin key and token verifier."""

    def __init__(self, engine: Engine, instance_name: str = "albertplus-dev") -> None:
        self.engine = engine
        self.instance_name = instance_name
        workers = int(os.environ.get("ALBERTPLUS_WORKERS", "8"))
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="albertplus-query")

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def identity(self, authorization: str | None, admin_key_param: str | None = None) -> Identity:
        """The caller's identity from an HTTP Authorization header (may block on a JWKS fetch).

        Raises AuthenticationError (with its Convex `code`), which the HTTP routes answer with a 401."""
        return parse_authorization(
            authorization, admin_key=self.engine.admin_key, verifier=self.engine.verifier,
            admin_key_param=admin_key_param,
        )

    async def run(self, kind: str | None, path: str, args: dict[str, Any], identity: Identity,
                  *, public_only: bool = True) -> Outcome:
        executor = self.engine.executor
        if kind == "mutation":
            return await self.mutation(path, args, identity, public_only=public_only)
        if kind == "query":
            return await self.in_thread(lambda: executor.run_query(path, args, identity, public_only=public_only))
        if kind == "action":
            return await self.in_thread(lambda: executor.run_action(path, args, identity, public_only=public_only))
        return await self.in_thread(lambda: executor.run_any(path, args, identity, public_only=public_only))

    async def mutation(self, path: str, args: dict[str, Any], identity: Identity, *, public_only: bool = True,
                       session: tuple[str, int] | None = None) -> Outcome:
        """Await a mutation's outcome; the writer thread hands it straight to this loop (no Future chain)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Outcome] = loop.create_future()

        def deliver(outcome: Outcome) -> None:
            if not waiter.done():
                waiter.set_result(outcome)

        def hand_over(outcome: Outcome) -> None:
            loop.call_soon_threadsafe(deliver, outcome)

        self.engine.executor.submit_mutation_with_callback(
            path, args, identity, hand_over, public_only=public_only, session=session,
        )
        return await waiter

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
