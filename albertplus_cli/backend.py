"""What the HTTP and sync handlers share: the engine, where calls run (loop or threads), and auth.

It sits below both `server` and `sync` (they never import each other): the HTTP routes and the WebSocket
sessions each hold the same Backend.

Queries and mutations run on the event loop (see `placement.py` for the budget that moves slow functions to
threads); actions, slow queries, key fetches and imports use the worker pool. Mutations submitted during one
loop iteration reach the database as one batch, and their outcomes come back to the loop with one wake-up.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from albertplus_cli.auth import Identity, parse_authorization
from albertplus_cli.engine import Engine
from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.placement import Placement

T = TypeVar("T")
VERSION = "albertplus-0.1.0"


class Backend:
    """An engine served to many connections: queries and small mutation batches on the event loop (a worker
    pool for actions and for functions `Placement` found slow), and callers' credentials resolved against the
    engine's admin key and token verifier."""

    def __init__(self, engine: Engine, instance_name: str = "albertplus-dev") -> None:
        self.engine = engine
        self.instance_name = instance_name
        workers = int(os.environ.get("ALBERTPLUS_WORKERS", "8"))
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="albertplus-query")
        self.placement = Placement(loop_allowed=not engine.db.store.reads_block)
        self._outgoing: list[tuple[str, dict[str, Any], Identity, Callable[[Outcome], None], bool,
                                   tuple[str, int] | None]] = []
        self._arrivals: list[Callable[[], None]] = []
        self._arrivals_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self.fast_path_answers = 0  # query-cache hits the HTTP protocol answered itself (server/http_fast_path.py)

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def identity(self, authorization: str | None, admin_key_param: str | None = None) -> Identity:
        """The caller's identity from an HTTP Authorization header (may block on a JWKS fetch).

        Raises AuthenticationError (with its Convex `code`), which the HTTP routes answer with a 401."""
        return parse_authorization(
            authorization, admin_key=self.engine.admin_key, verifier=self.engine.verifier,
            admin_key_param=admin_key_param,
        )

    async def identity_async(self, authorization: str | None, admin_key_param: str | None = None) -> Identity:
        """`identity` on the loop when it cannot block (no header, an admin key, a JWT verified before and
        cached); a JWT seen for the first time is verified on a worker thread (it may fetch signing keys)."""
        known = self.identity_without_blocking(authorization, admin_key_param)
        if known is None:
            return await self.in_thread(self.identity, authorization, admin_key_param)
        return known

    def identity_without_blocking(self, authorization: str | None, admin_key_param: str | None = None
                                  ) -> Identity | None:
        """`identity` when it needs no I/O; None for a JWT not verified before (it may need a key fetch).
        Raises AuthenticationError as `identity` does."""
        if authorization and authorization[:7].lower().startswith("bearer "):
            claims = self.engine.verifier.verified_before(authorization[7:])
            return None if claims is None else Identity("user", claims)
        return self.identity(authorization, admin_key_param)

    async def run(self, kind: str | None, path: str, args: dict[str, Any], identity: Identity,
                  *, public_only: bool = True) -> Outcome:
        executor = self.engine.executor
        if kind == "mutation":
            return await self.mutation(path, args, identity, public_only=public_only)
        if kind == "query":
            return await self.query(path, args, identity, public_only=public_only)
        if kind == "action":
            return await self.in_thread(lambda: executor.run_action(path, args, identity, public_only=public_only))
        return await self.in_thread(lambda: executor.run_any(path, args, identity, public_only=public_only))

    async def query(self, path: str, args: dict[str, Any], identity: Identity, *,
                    public_only: bool = True) -> Outcome:
        """Run a query on the loop, or on a worker thread while its function is known to be slow."""
        executor = self.engine.executor
        if not self.placement.on_loop(path):
            return await self.in_thread(lambda: executor.run_query(path, args, identity, public_only=public_only))
        started = self.placement.start()
        outcome = executor.run_query(path, args, identity, public_only=public_only)
        self.placement.observe(path, self.placement.elapsed(started))
        return outcome

    async def mutation(self, path: str, args: dict[str, Any], identity: Identity, *, public_only: bool = True,
                       session: tuple[str, int] | None = None) -> Outcome:
        """Await a mutation's outcome; the mutations of one loop iteration go to the database as one batch."""
        loop = self._bind_loop()
        waiter: asyncio.Future[Outcome] = loop.create_future()

        def deliver(outcome: Outcome) -> None:
            if not waiter.done():
                waiter.set_result(outcome)

        def hand_over(outcome: Outcome) -> None:
            if threading.get_ident() == self._loop_thread:
                deliver(outcome)  # committed inline on this loop
            else:
                self._arrive(lambda: deliver(outcome))

        self._outgoing.append((path, args, identity, hand_over, public_only, session))
        if len(self._outgoing) == 1:
            loop.call_soon(self._submit_outgoing)
        return await waiter

    def _bind_loop(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._loop_thread = loop, threading.get_ident()
        return loop

    def _submit_outgoing(self) -> None:
        """Loop: hand every mutation queued this iteration to the database at once; commit them right here
        when the writer thread is idle, else the writer gets them with one queue put."""
        jobs, self._outgoing = self._outgoing, []
        executor = self.engine.executor
        on_loop = [job for job in jobs if self.placement.on_loop(job[0])]
        if len(on_loop) < len(jobs):
            with self.engine.db.batched(inline=False):
                for path, args, identity, done, public_only, session in jobs:
                    if not self.placement.on_loop(path):
                        executor.submit_mutation_with_callback(path, args, identity, done,
                                                               public_only=public_only, session=session)
        if not on_loop:
            return
        started = self.placement.start()
        with self.engine.db.batched(inline=True):
            for path, args, identity, done, public_only, session in on_loop:
                executor.submit_mutation_with_callback(path, args, identity, done,
                                                       public_only=public_only, session=session)
        # The loop's CPU time for the whole batch, shared out: only a batch that ran inline takes loop time.
        per_call = self.placement.elapsed(started) / len(on_loop)
        for path, *_rest in on_loop:
            self.placement.observe(path, per_call)

    def _arrive(self, deliver: Callable[[], None]) -> None:
        """Any thread: queue a delivery for the loop; one wake-up carries every delivery of a batch."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._arrivals_lock:
            self._arrivals.append(deliver)
            first = len(self._arrivals) == 1
        if first:
            loop.call_soon_threadsafe(self._drain_arrivals)

    def _drain_arrivals(self) -> None:
        with self._arrivals_lock:
            arrivals, self._arrivals = self._arrivals, []
        for deliver in arrivals:
            deliver()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
