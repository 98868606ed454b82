"""The database: one SQLite file, a single writer thread with group commit, snapshot reads, commit fan-out.

SQLite allows one writer, so mutations run one at a time on the writer thread (serializable without
retries). The writer drains every queued mutation into one SQLite transaction, each in its own savepoint,
and commits once: a failing mutation rolls back its savepoint only, and every result is acknowledged after
the single COMMIT is durable. Queries read WAL snapshots on their own threads' connections.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
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
from albertplus_cli.schema import SchemaDefinition
from albertplus_cli.storage import SqliteStore

T = TypeVar("T")
log = logging.getLogger("albertplus.database")
MAX_BATCH = 64
COMMIT_LOG_RETENTION_NS = 10 * 60 * 1_000_000_000  # subscribers read the log; ten minutes is plenty
PRUNE_EVERY_COMMITS = 2000


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

    def __init__(self, path: Path, schema: SchemaDefinition | None = None) -> None:
        self.path = Path(path)
        self.store = SqliteStore(self.path)
        self._writer_conn = self.store.connect()
        self._queue: queue.SimpleQueue[_Job | list[_Job] | _SchemaJob | None] = queue.SimpleQueue()
        # Held while a batch or a schema push uses the writer connection: by the writer thread, or by a caller
        # that commits a batch on its own thread (`batched(inline=True)`) while the writer is idle.
        self._batch_lock = threading.Lock()
        self._collecting = threading.local()
        self._listeners: list[Callable[[Commit], None]] = []
        self._lock = threading.Lock()
        self._pinned = threading.local()
        self._peek_conn = self.store.connect()
        self._peek_lock = threading.Lock()
        ts, _ = SqliteStore.last_commit(self._writer_conn)
        self.latest_ts = ts
        self.catalog = Catalog.load(self._writer_conn, schema)
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
        conn = self.store.reader()
        conn.execute("BEGIN")
        self._pinned.conn = conn
        try:
            yield
        finally:
            self._pinned.conn = None
            conn.execute("COMMIT")

    def snapshot_ts(self) -> int:
        """The ts of this thread's current read snapshot (inside `snapshot()`)."""
        conn = getattr(self._pinned, "conn", None) or self.store.reader()
        return SqliteStore.last_commit(conn)[0]

    def read_latest_ts(self) -> int:
        """The newest committed ts in the file, including other processes' commits (cheap: one PK lookup)."""
        with self._peek_lock:
            ts = SqliteStore.last_commit(self._peek_conn)[0]
        return ts

    def read(
        self, fn: Callable[[Transaction], T], deadline: Callable[[], None] | None = None,
        journal: str | None = None,
    ) -> tuple[T, Transaction]:
        """Run `fn` in a read-only snapshot on this thread's connection."""
        pinned = getattr(self._pinned, "conn", None)
        conn = pinned or self.store.reader()
        if pinned is None:
            conn.execute("BEGIN")
        try:
            ts, _ = SqliteStore.last_commit(conn)
            catalog = self.catalog
            tx = Transaction(conn, catalog, writable=False, snapshot_ts=ts, deadline=deadline)
            tx.journal_in = journal
            return fn(tx), tx
        finally:
            if pinned is None:
                conn.execute("COMMIT")

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
            self._writer_conn.close()

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
        conn = self._writer_conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                catalog, change = apply_schema(conn, job.schema, job.progress)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self.catalog = catalog
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
        conn = self._writer_conn
        try:
            outcomes, commits, last_ts, catalog_changed = self._stage_batch(conn, batch)
        except BaseException as e:  # noqa: BLE001 - nothing of the batch was committed: each mutation fails
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("rolling back a failed batch failed too")
            for job in batch:
                try:
                    job.done(None, e)
                except Exception:  # noqa: BLE001 - a caller's callback must not break the writer
                    log.exception("a mutation's completion callback failed")
            return
        if catalog_changed:
            self.catalog = Catalog.load(conn, self.catalog.schema)
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
        self, conn: sqlite3.Connection, batch: list[_Job]
    ) -> tuple[list[tuple[_Job, WriteResult[Any] | None, BaseException | None]], list[Commit], int, bool]:
        """BEGIN, each mutation in its savepoint, COMMIT; raises (and the caller fails the batch) when SQLite
        fails or has rolled the transaction back.

        A batch of one needs no savepoint (two SQLite calls saved): if its mutation fails, the whole
        transaction rolls back, which holds nothing else."""
        outcomes: list[tuple[_Job, WriteResult[Any] | None, BaseException | None]] = []
        commits: list[Commit] = []
        catalog_changed = False
        alone = len(batch) == 1
        conn.execute("BEGIN IMMEDIATE")
        last_ts, creation_time = SqliteStore.last_commit(conn)
        catalog = self.catalog
        for job in batch:
            deadline = job.deadline_factory() if job.deadline_factory else None
            tx = Transaction(conn, catalog, writable=True, snapshot_ts=last_ts, creation_time=creation_time,
                             deadline=deadline)
            if not alone:
                conn.execute("SAVEPOINT mutation")
            try:
                value = job.fn(tx)
                ts = last_ts
                if tx.writes:
                    ts = max(time.time_ns(), last_ts + 1, int(tx.max_creation_time * 1_000_000) + 1)
                    creation_time = max(creation_time, tx.max_creation_time)
                    SqliteStore.append_commit(conn, ts, creation_time, encode_writes(tx.writes))
                    commits.append(Commit(ts, tx.writes))
                    last_ts = ts
                for hook in tx.commit_hooks:
                    hook(ts)
                if not alone:
                    conn.execute("RELEASE mutation")
                if tx.catalog_changed:
                    catalog = tx.catalog
                    catalog_changed = True
                outcomes.append((job, WriteResult(value, ts, tx), None))
            except BaseException as e:  # noqa: BLE001 - a failing mutation only loses its own savepoint
                if not conn.in_transaction:
                    raise  # SQLite rolled back the whole transaction, the earlier mutations' work with it
                if alone:
                    conn.execute("ROLLBACK")
                    return [(job, None, e)], [], self.latest_ts, False
                conn.execute("ROLLBACK TO mutation")
                conn.execute("RELEASE mutation")
                outcomes.append((job, None, e))
        self._commits_since_prune += len(commits)
        if self._commits_since_prune >= PRUNE_EVERY_COMMITS:
            self._commits_since_prune = 0
            SqliteStore.prune_commits(conn, last_ts - COMMIT_LOG_RETENTION_NS)
        conn.execute("COMMIT")
        return outcomes, commits, last_ts, catalog_changed

    # -- commits from other processes ----------------------------------------------------------------

    def log_pruned_through(self) -> int:
        """Commits at or before this ts may be gone from the log (a reader behind it must re-run everything)."""
        return SqliteStore.pruned_through(self.store.reader())

    def commits_after(self, ts: int) -> list[Commit]:
        """Commits with a ts above `ts`, read from the log (including other processes' commits)."""
        conn = self.store.reader()
        rows = SqliteStore.commits_after(conn, ts)
        return [Commit(row_ts, decode_writes(blob)) for row_ts, blob in rows]

    def refresh_after_external(self, ts: int) -> None:
        with self._lock:
            self.latest_ts = max(self.latest_ts, ts)

    def reload_catalog(self) -> None:
        conn = self.store.reader()
        self.catalog = Catalog.load(conn, self.catalog.schema)
