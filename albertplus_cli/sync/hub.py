"""The subscription hub: shared query executions, and the loop that keeps them fresh.

Identical subscriptions (same function, args, identity, journal) share one SharedQuery. One worker
iteration at a time takes a read snapshot at ts, reads the commit log since the last processed ts (so
commits from other processes count too), re-runs exactly the queries whose read sets those commits touched,
runs newly added queries, all inside that one snapshot — so every result is valid at ts — and then lets
each session send one Transition at ts.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from albertplus_cli.auth import Identity
from albertplus_cli.backend import Backend
from albertplus_cli.database import Commit
from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.sync.invalidation import CombinedWrites
from albertplus_cli.values.json_formats import encode

if TYPE_CHECKING:
    from albertplus_cli.sync.session import Session

log = logging.getLogger("albertplus.sync")
POLL_INTERVAL = 0.1  # seconds between looks at the commit log for other processes' writes


def outcome_hash(outcome: Outcome) -> bytes:
    if outcome.ok:
        payload: Any = ["ok", encode(outcome.value), outcome.log_lines, outcome.journal]
    else:
        payload = ["err", outcome.error_message, encode(outcome.error_data) if outcome.has_error_data else None,
                   outcome.log_lines]
    return hashlib.blake2b(orjson.dumps(payload), digest_size=16).digest()


def _strip_request_id(message: str | None) -> str | None:
    """Error texts carry a fresh request id each run; compare them without it."""
    if message and message.startswith("[Request ID: "):
        return message.split("] ", 1)[-1]
    return message


@dataclass(eq=False)
class SharedQuery:
    """One subscribed query execution shared by every session that subscribed with the same key; freed when
    the last one releases it."""

    key: tuple[str, bytes, str, str | None]
    path: str
    args: dict[str, Any]
    identity: Identity
    journal: str | None
    outcome: Outcome | None = None
    result_hash: bytes = b""
    refs: int = 0


@dataclass
class HubStats:
    executions: int = 0  # query runs for subscriptions (first runs and re-runs)
    reruns: int = 0  # re-runs caused by commits
    iterations: int = 0
    commits_seen: int = 0


class SyncHub:
    """Keeps every subscription of one server fresh: the shared queries, the live sessions, and the loop that
    re-runs exactly the queries a commit touched (from this process or, via the commit log, any other) and
    then lets each session send its Transition."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.db = backend.engine.db
        self.queries: dict[tuple[str, bytes, str, str | None], SharedQuery] = {}
        self.sessions: set[Session] = set()
        self.processed_ts = self.db.latest_ts
        self.stats = HubStats()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._rerun_all = False
        self._wake_scheduled = False
        self._listening = False

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.db.add_commit_listener(self._on_local_commit)
        self._task = asyncio.create_task(self._run(), name="albertplus-sync-hub")
        if self.db.store.notifies_commits:
            self._listening = True
            threading.Thread(target=self._listen_for_commits, name="albertplus-commit-listener", daemon=True).start()

    async def stop(self) -> None:
        self._listening = False
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def _on_local_commit(self, _commit: Commit) -> None:
        """Writer thread: a commit landed; wake the hub (the log itself is read in the iteration).

        One wake-up per burst: a group commit of 64 mutations schedules a single call on the loop."""
        if self._wake_scheduled or self._loop is None or self._loop.is_closed():
            return
        self._wake_scheduled = True
        self._loop.call_soon_threadsafe(self.wake)

    def _listen_for_commits(self) -> None:
        """Thread: another process's commit (PostgreSQL NOTIFY) wakes the hub at once, not at the next poll."""
        while self._listening:
            if not self.db.wait_for_external_commit(1.0) or self._wake_scheduled:
                continue
            loop = self._loop
            if loop is None or loop.is_closed():
                return
            self._wake_scheduled = True
            try:
                loop.call_soon_threadsafe(self.wake)
            except RuntimeError:  # the loop closed meanwhile
                return

    def wake(self) -> None:
        self._wake_scheduled = False
        if self._wake is not None:
            self._wake.set()

    def rerun_everything(self) -> None:
        """After a code push: every live subscription re-runs on the new code."""
        self._rerun_all = True
        self.wake()

    # -- shared queries ----------------------------------------------------------------------------

    def acquire(self, path: str, args: dict[str, Any], identity: Identity, journal: str | None) -> SharedQuery:
        key = (path, orjson.dumps(encode(args), option=orjson.OPT_SORT_KEYS), identity.cache_key(), journal)
        query = self.queries.get(key)
        if query is None:
            query = SharedQuery(key, path, args, identity, journal)
            self.queries[key] = query
            self.wake()
        query.refs += 1
        return query

    def release(self, query: SharedQuery) -> None:
        query.refs -= 1
        if query.refs <= 0:
            self.queries.pop(query.key, None)

    # -- the loop ----------------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=POLL_INTERVAL)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self._iterate()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the hub must survive anything; log and go on
                log.exception("sync iteration failed")
                await asyncio.sleep(0.05)

    async def _iterate(self) -> None:
        if not self.queries and not self.sessions:
            # Nobody listens: skip the log read (a write-heavy HTTP load wakes this loop per commit burst).
            self.processed_ts = max(self.processed_ts, self.db.latest_ts)
            return
        pending = [q for q in self.queries.values() if q.outcome is None]
        latest = max(self.db.latest_ts, self.db.read_latest_ts())
        if not pending and not self._rerun_all and latest <= self.processed_ts:
            return
        if not self.queries:
            # No subscriptions: nothing to re-run, but sessions waiting for a Transition past a commit get it.
            self.processed_ts = latest
            self.db.refresh_after_external(latest)
            for session in list(self.sessions):
                session.after_iteration()
            return
        rerun_all, self._rerun_all = self._rerun_all, False
        live = list(self.queries.values())
        ts, results, commits = await self.backend.in_thread(self._compute, live, pending, rerun_all)
        if ts < self.processed_ts:
            return
        for query, outcome in results.items():
            query.outcome, query.result_hash = outcome, outcome_hash(_without_request_id(outcome))
        self.processed_ts = ts
        self.stats.iterations += 1
        self.stats.commits_seen += commits
        for session in list(self.sessions):
            session.after_iteration()

    def _compute(
        self, live: list[SharedQuery], pending: list[SharedQuery], rerun_all: bool
    ) -> tuple[int, dict[SharedQuery, Outcome], int]:
        """Worker thread: one snapshot, the commits since processed_ts, the re-runs, the new queries."""
        executor = self.backend.engine.executor
        results: dict[SharedQuery, Outcome] = {}
        with self.db.snapshot():
            ts = self.db.snapshot_ts()
            commits: list[Commit] = []
            if self.db.log_pruned_through() > self.processed_ts:
                rerun_all = True  # the log no longer reaches back to our last ts: re-run everything
            cursor = self.processed_ts
            while cursor < ts:
                batch = self.db.commits_after(cursor)
                if not batch:
                    break
                commits.extend(c for c in batch if c.ts <= ts)
                cursor = batch[-1].ts
            combined = CombinedWrites.of(commits)
            if combined.creates_table:
                self.db.reload_catalog()
            to_run = set(pending)
            for query in live:
                if query.outcome is None or rerun_all:
                    to_run.add(query)
                elif combined and query.outcome.read_set is not None and combined.touches(query.outcome.read_set):
                    to_run.add(query)
                    self.stats.reruns += 1
            for query in to_run:
                journal = query.outcome.journal if query.outcome is not None else query.journal
                outcome = executor.run_query(query.path, query.args, query.identity, journal=journal,
                                             public_only=not query.identity.is_admin)
                self.stats.executions += 1
                results[query] = outcome
        if commits:
            self.db.refresh_after_external(commits[-1].ts)
        return ts, results, len(commits)


def _without_request_id(outcome: Outcome) -> Outcome:
    if outcome.ok:
        return outcome
    return Outcome(outcome.path, outcome.kind, False, error_message=_strip_request_id(outcome.error_message),
                   error_data=outcome.error_data, log_lines=outcome.log_lines, journal=outcome.journal)
