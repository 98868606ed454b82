"""The database: one SQLite file, a single writer thread with group commit, snapshot reads, commit fan-out.

SQLite allows one writer, so mutations run one at a time on the writer thread (serializable without
retries). The writer drains every queued mutation into one SQLite transaction, each in its own savepoint,
and commits once: a failing mutation rolls back its savepoint only, and every result is acknowledged after
the single COMMIT is durable. Queries read WAL snapshots on their own threads' connections.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from albertplus_cli.database.catalog import Catalog
from albertplus_cli.database.schema_push import Progress, SchemaChange, apply_schema
from albertplus_cli.database.transaction import Transaction
from albertplus_cli.database.write_log import decode_writes, encode_writes
from albertplus_cli.database.write_set import WriteSet
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.schema import SchemaDefinition
from albertplus_cli.storage import ReadSession, Storage, StorageError, WriteSession, open_storage

T = TypeVar("T")
log = logging.getLogger("albertplus.database")
MAX_BATCH = 64
COMMIT_LOG_RETENTION_NS = 10 * 60 * 1_000_000_000  # subscribers read the log; ten minutes is plenty
PRUNE_EVERY_COMMITS = 2000
#: Bumped by every catalog change (schema push, new table). Another process's writer reloads its catalog when it
#: sees a new value at the start of a write transaction, its readers within CATALOG_CHECK_SECONDS.
CATALOG_VERSION_KEY = "catalog_version"
CATALOG_CHECK_SECONDS = 0.5


@dataclass
class Commit:
    ts: int
    writes: WriteSet


@dataclass
class WriteResult(Generic[T]):
    value: T
    ts: int  # the commit ts, or the snapshot ts for a mutation that wrote nothing
    tx: Transaction


class _RolledBack(Exception):
    """Carries a rehearsal's result out of its transaction, whose savepoint the writer then rolls back."""

    def __init__(self, value: Any) -> None:
        super().__init__("rolled back")
        self.value = value


@dataclass
class _Job:
    fn: Callable[[Transaction], Any]
    done: Callable[[WriteResult[Any] | None, BaseException | None], None]
    deadline_factory: Callable[[], Callable[[], None] | None] | None


class _SchemaJob:
    def __init__(self, schema: SchemaDefinition | None, progress: Progress | None) -> None:
        self.schema = schema
        self.progress = progress
        self.future: Future[SchemaChange] = Future()


class Database:
    """Owns the store, the catalog, the writer thread and the commit listeners."""

    def __init__(self, location: Path | str | DatabaseUrl | Storage, schema: SchemaDefinition | None = None) -> None:
        """`location`: a SQLite file (Path), a database URL, or an opened Storage (which the database then owns)."""
        self.store: Storage = (
            open_storage(location) if isinstance(location, (Path, str, DatabaseUrl)) else location
        )
        self._writer: WriteSession = self.store.writer()
        self._queue: queue.SimpleQueue[_Job | list[_Job] | _SchemaJob | None] = queue.SimpleQueue()
        # Held while a batch or a schema push uses the writer session: by the writer thread, or by a caller
        # that commits a batch on its own thread (`batched(inline=True)`) while the writer is idle.
        self._batch_lock = threading.Lock()
        self._collecting = threading.local()
        self._listeners: list[Callable[[Commit], None]] = []
        self._lock = threading.Lock()
        self._pinned = threading.local()
        ts, _ = self._writer.last_commit()
        self.latest_ts = ts
        self.catalog = Catalog.load(self._writer, schema)
        self._catalog_version = self._writer.get_meta(CATALOG_VERSION_KEY)
        self._catalog_checked = time.monotonic()
        self._thread = threading.Thread(target=self._run_writer, name="albertplus-writer", daemon=True)
        self._closed = False
        self._commits_since_prune = 0
        self._thread.start()
        # `schema=None` means "not given here" (the Engine pushes the project's schema right after, with
        # progress), not "no indexes": pushing None would drop every user index, so each process opening the
        # file (`albertplus run`, seed, a restart) would rebuild them under new index ids, and a running
        # server's catalog would point at dropped indexes and miss those processes' writes in the commit log.
        if schema is not None:
            self.push_schema(schema)

    # -- listeners ---------------------------------------------------------------------------------

    def add_commit_listener(self, callback: Callable[[Commit], None]) -> None:
        """Called on the writer thread after each durable commit that wrote something."""
        self._listeners.append(callback)

    # -- reads -------------------------------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Pin one read snapshot for this thread: every `read` inside sees the same data and ts."""
        session = self.store.reader()
        session.begin()
        self._pinned.session = session
        try:
            yield
        finally:
            self._pinned.session = None
            session.end()

    def snapshot_ts(self) -> int:
        """The ts of this thread's current read snapshot (inside `snapshot()`), else of the newest commit."""
        session = getattr(self._pinned, "session", None) or self.store.reader()
        return session.last_commit()[0]

    def read_latest_ts(self) -> int:
        """The newest committed ts in the file, including other processes' commits (cheap: one PK lookup)."""
        return self.store.peek_latest_ts()

    def read(
        self, fn: Callable[[Transaction], T], deadline: Callable[[], None] | None = None,
        journal: str | None = None,
    ) -> tuple[T, Transaction]:
        """Run `fn` in a read-only snapshot on this thread's connection."""
        pinned = getattr(self._pinned, "session", None)
        session = pinned or self.store.reader()
        if pinned is None:
            session.begin()
        try:
            ts, _ = session.last_commit()
            self._check_catalog(session)
            catalog = self.catalog
            tx = Transaction(session, catalog, writable=False, snapshot_ts=ts, deadline=deadline)
            tx.journal_in = journal
            return fn(tx), tx
        finally:
            if pinned is None:
                session.end()

    # -- writes ------------------------------------------------------------------------------------

    def submit(
        self, fn: Callable[[Transaction], T],
        deadline_factory: Callable[[], Callable[[], None] | None] | None = None,
    ) -> Future[WriteResult[T]]:
        """Queue a mutation for the writer; the future resolves after its commit is durable."""
        future: Future[WriteResult[T]] = Future()

        def done(result: WriteResult[Any] | None, error: BaseException | None) -> None:
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)  # type: ignore[arg-type]

        self.submit_with_callback(fn, done, deadline_factory)
        return future

    def submit_with_callback(
        self, fn: Callable[[Transaction], Any],
        done: Callable[[WriteResult[Any] | None, BaseException | None], None],
        deadline_factory: Callable[[], Callable[[], None] | None] | None = None,
    ) -> None:
        """Queue a mutation; `done(result, error)` is called on the writer thread after the commit is durable.

        The hot path for servers: no Future objects (each costs a Condition) between the writer and the loop."""
        if self._closed:
            raise RuntimeError("database is closed")
        collected: list[_Job] | None = getattr(self._collecting, "jobs", None)
        if collected is not None:
            collected.append(_Job(fn, done, deadline_factory))
            return
        self._queue.put(_Job(fn, done, deadline_factory))

    @contextmanager
    def batched(self, inline: bool = False) -> Iterator[None]:
        """Collect this thread's `submit_with_callback` calls and hand them over as one batch at the end.

        One hand-off per batch instead of one per mutation. With `inline`, the batch commits right here on the
        calling thread when the writer thread is idle (no thread switch and no GIL contention on the way);
        otherwise the writer thread gets it with a single queue put."""
        jobs: list[_Job] = []
        self._collecting.jobs = jobs
        try:
            yield
        finally:
            self._collecting.jobs = None
        if not jobs:
            return
        if inline and self._queue.empty() and self._batch_lock.acquire(blocking=False):
            try:
                for start in range(0, len(jobs), MAX_BATCH):
                    self._run_batch(jobs[start:start + MAX_BATCH])
            finally:
                self._batch_lock.release()
            return
        self._queue.put(jobs)

    def write(self, fn: Callable[[Transaction], T]) -> WriteResult[T]:
        return self.submit(fn).result()

    def rehearse(
        self, fn: Callable[[Transaction], T],
        deadline_factory: Callable[[], Callable[[], None] | None] | None = None,
    ) -> T:
        """Run `fn` as a mutation on the writer thread, then roll it back: what it would do, nothing written.

        `fn` sees what a mutation sees (the latest data, its own writes, schema checks and limits); its
        savepoint is then rolled back as a failing mutation's is, so nothing is committed, nothing reaches the
        commit log and no subscriber re-runs. Errors raised by `fn` propagate unchanged.
        """
        def run(tx: Transaction) -> T:
            raise _RolledBack(fn(tx))

        try:
            self.submit(run, deadline_factory).result()
        except _RolledBack as rolled_back:
            return rolled_back.value
        raise AssertionError("a rehearsal always rolls back")  # pragma: no cover - run() never returns

    def push_schema(self, schema: SchemaDefinition | None, progress: Progress | None = None) -> SchemaChange:
        """Apply a schema on the writer thread; raises SchemaValidationError and changes nothing on failure."""
        job = _SchemaJob(schema, progress)
        self._queue.put(job)
        return job.future.result()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._writer.close()
            self.store.close()

    # -- the writer thread -------------------------------------------------------------------------

    def _run_writer(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._batch_lock:
                stop = self._drain(job)
            if stop:
                return

    def _drain(self, job: _Job | list[_Job] | _SchemaJob) -> bool:
        """Run `job` and whatever else is queued (up to MAX_BATCH mutations per batch); True on close."""
        if isinstance(job, _SchemaJob):
            self._apply_schema(job)
            return False
        batch = list(job) if isinstance(job, list) else [job]
        while len(batch) < MAX_BATCH:
            try:
                nxt = self._queue.get_nowait()
            except queue.Empty:
                break
            if nxt is None or isinstance(nxt, _SchemaJob):
                self._run_batch(batch)
                if nxt is None:
                    return True
                self._apply_schema(nxt)
                return False
            batch.extend(nxt) if isinstance(nxt, list) else batch.append(nxt)
        for start in range(0, len(batch), MAX_BATCH):
            self._run_batch(batch[start:start + MAX_BATCH])
        return False

    def _apply_schema(self, job: _SchemaJob) -> None:
        session = self._writer
        try:
            session.begin_write()
            try:
                catalog, change = apply_schema(session, job.schema, job.progress)
                version = self._bump_catalog_version(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            self.catalog, self._catalog_version = catalog, version
            job.future.set_result(change)
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            job.future.set_exception(e)

    def _run_batch(self, batch: list[_Job]) -> None:
        """Run a batch in one SQLite transaction and acknowledge every mutation after its COMMIT.

        If SQLite itself fails under the batch (a full disk, an I/O error), it may roll back the whole
        transaction, taking the batch's earlier, already released savepoints with it. Then every mutation of
        the batch fails (none is acknowledged, none is stored) and the writer goes on with the next batch:
        the writer thread must outlive any failure, or every later mutation would wait forever.
        """
        session = self._writer
        try:
            outcomes, commits, last_ts, catalog_changed = self._stage_batch(session, batch)
        except BaseException as e:  # noqa: BLE001 - nothing of the batch was committed: each mutation fails
            try:
                session.rollback()  # ends the write transaction whatever state the backend left it in
            except StorageError:
                log.exception("rolling back a failed batch failed too")
            for job in batch:
                try:
                    job.done(None, e)
                except Exception:  # noqa: BLE001 - a caller's callback must not break the writer
                    log.exception("a mutation's completion callback failed")
            return
        if catalog_changed:
            self.catalog = Catalog.load(session, self.catalog.schema)
        with self._lock:
            self.latest_ts = max(self.latest_ts, last_ts)
        for commit in commits:
            for listener in self._listeners:
                try:
                    listener(commit)
                except Exception:  # noqa: BLE001 - a listener must not break the writer
                    log.exception("commit listener %r failed", listener)
        for job, result, error in outcomes:
            try:
                job.done(result, error)
            except Exception:  # noqa: BLE001 - a caller's callback must not break the writer
                log.exception("a mutation's completion callback failed")

    def _stage_batch(
        self, session: WriteSession, batch: list[_Job]
    ) -> tuple[list[tuple[_Job, WriteResult[Any] | None, BaseException | None]], list[Commit], int, bool]:
        """BEGIN, each mutation in its savepoint, COMMIT; raises (and the caller fails the batch) when SQLite
        fails or has rolled the transaction back.

        A batch of one needs no savepoint (two SQLite calls saved): if its mutation fails, the whole
        transaction rolls back, which holds nothing else."""
        outcomes: list[tuple[_Job, WriteResult[Any] | None, BaseException | None]] = []
        commits: list[Commit] = []
        catalog_changed = False
        alone = len(batch) == 1
        session.begin_write()
        last_ts, creation_time = session.last_commit()
        version = session.get_meta(CATALOG_VERSION_KEY)
        if version != self._catalog_version:  # another process changed the catalog: write with the new one
            self.catalog, self._catalog_version = Catalog.load(session, self.catalog.schema), version
        catalog = self.catalog
        for job in batch:
            deadline = job.deadline_factory() if job.deadline_factory else None
            tx = Transaction(session, catalog, writable=True, snapshot_ts=last_ts, creation_time=creation_time,
                             deadline=deadline)
            if not alone:
                session.savepoint()
            try:
                value = job.fn(tx)
                ts = last_ts
                if tx.writes:
                    ts = max(time.time_ns(), last_ts + 1, int(tx.max_creation_time * 1_000_000) + 1)
                    creation_time = max(creation_time, tx.max_creation_time)
                    session.append_commit(ts, creation_time, encode_writes(tx.writes))
                    commits.append(Commit(ts, tx.writes))
                    last_ts = ts
                for hook in tx.commit_hooks:
                    hook(ts)
                if not alone:
                    session.release()
                if tx.catalog_changed:
                    catalog = tx.catalog
                    catalog_changed = True
                outcomes.append((job, WriteResult(value, ts, tx), None))
            except BaseException as e:  # noqa: BLE001 - a failing mutation only loses its own savepoint
                if not session.in_transaction:
                    raise  # the backend rolled back the whole transaction, the earlier mutations' work with it
                if alone:
                    session.rollback()
                    return [(job, None, e)], [], self.latest_ts, False
                session.rollback_to()
                outcomes.append((job, None, e))
        self._commits_since_prune += len(commits)
        if self._commits_since_prune >= PRUNE_EVERY_COMMITS:
            self._commits_since_prune = 0
            session.prune_commits(last_ts - COMMIT_LOG_RETENTION_NS)
        if catalog_changed:
            version = self._bump_catalog_version(session)
        session.commit()
        self._catalog_version = version
        return outcomes, commits, last_ts, catalog_changed

    # -- catalog changes by other processes --------------------------------------------------------------

    @staticmethod
    def _bump_catalog_version(session: WriteSession) -> str:
        version = str(int(session.get_meta(CATALOG_VERSION_KEY) or 0) + 1)
        session.set_meta(CATALOG_VERSION_KEY, version)
        return version

    def _check_catalog(self, session: ReadSession) -> None:
        """At most every CATALOG_CHECK_SECONDS: reload the catalog if another process changed it."""
        now = time.monotonic()
        if now - self._catalog_checked < CATALOG_CHECK_SECONDS:
            return
        self._catalog_checked = now
        version = session.get_meta(CATALOG_VERSION_KEY)
        if int(version or 0) > int(self._catalog_version or 0):  # never back to an older snapshot's catalog
            self.catalog, self._catalog_version = Catalog.load(session, self.catalog.schema), version

    # -- commits from other processes ----------------------------------------------------------------

    def log_pruned_through(self) -> int:
        """Commits at or before this ts may be gone from the log (a reader behind it must re-run everything)."""
        return self.store.reader().pruned_through()

    def commits_after(self, ts: int) -> list[Commit]:
        """Commits with a ts above `ts`, read from the log (including other processes' commits)."""
        rows = self.store.reader().commits_after(ts)
        return [Commit(row_ts, decode_writes(blob)) for row_ts, blob in rows]

    def wait_for_external_commit(self, timeout: float) -> bool:
        """Block until any process may have committed (PostgreSQL NOTIFY), or `timeout` s; see Storage."""
        return self.store.wait_for_commit(timeout)

    def refresh_after_external(self, ts: int) -> None:
        with self._lock:
            self.latest_ts = max(self.latest_ts, ts)

    def reload_catalog(self) -> None:
        self.catalog = Catalog.load(self.store.reader(), self.catalog.schema)
