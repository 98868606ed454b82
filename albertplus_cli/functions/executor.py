"""Runs one function: resolve the path, validate args, run the handler in a transaction with a time limit,
capture log lines, validate the result, and report an Outcome with Convex's error texts.

Queries run on the calling thread against a snapshot; mutations are queued to the database's writer thread
(group commit); actions run on the calling thread and call back in through run_query/run_mutation.
"""

from __future__ import annotations

import copy
import logging
import os
import secrets
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, TypeVar

import orjson

from albertplus_cli.auth import Identity
from albertplus_cli.database import Database, DatabaseError, Transaction
from albertplus_cli.database.query_cache import ENTRY_OVERHEAD, CachedResult, QueryCache
from albertplus_cli.functions import deadline as deadlines
from albertplus_cli.functions import deployment_env, determinism
from albertplus_cli.functions.context import ActionCtx, MutationCtx, QueryCtx
from albertplus_cli.functions.errors import ConvexError, FunctionNotFound, FunctionTimeout
from albertplus_cli.functions.loader import Project
from albertplus_cli.functions.log_capture import capture
from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.functions.paths import InvalidPathError, canonical_path
from albertplus_cli.functions.registry import FunctionDefinition
from albertplus_cli.functions.system import SYSTEM_PREFIX, build_system_functions
from albertplus_cli.functions.user_frames import relative_location, user_frames
from albertplus_cli.values import limits
from albertplus_cli.values.json_formats import InvalidValueError, decode, encode, is_canonical
from albertplus_cli.values.types import UNDEFINED
from albertplus_cli.values.validators import ValidationError, Validator

QUERY_TIMEOUT = float(os.environ.get("ALBERTPLUS_QUERY_TIMEOUT", "5"))
MUTATION_TIMEOUT = float(os.environ.get("ALBERTPLUS_MUTATION_TIMEOUT", "5"))
ACTION_TIMEOUT = float(os.environ.get("ALBERTPLUS_ACTION_TIMEOUT", "600"))
QUERY_CACHE_MB = float(os.environ.get("ALBERTPLUS_QUERY_CACHE_MB", "64"))  # 0 turns the query cache off

ExecutionListener = Callable[[Outcome], None]
log = logging.getLogger("albertplus.executor")
FunctionCaller = Callable[[str, str, Mapping[str, Any] | None], Any]  # call(kind, path, args) -> value
T = TypeVar("T")


class UserFacingError(Exception):
    """An error whose message is shown as is (after the request id), without a stack frame."""


def request_id() -> str:
    return secrets.token_hex(8)


def _validate(validator: Validator | None, value: Any, tables: Callable[[str], int | None], label: str) -> None:
    """Check args or a result against the function's validator, reported as Convex names the failure."""
    if validator is not None:
        try:
            validator.check(value, "", tables)
        except ValidationError as e:
            raise UserFacingError(f"{label}: {e}") from None


def _approximate_size(value: Any) -> int:
    """Bytes a result takes, roughly: its JSON length (orjson, in C; non-JSON leaves such as bytes or Int64 by
    their repr). Cheap enough for every cache miss, which an exact encode was not."""
    return len(orjson.dumps(value, default=repr))


def _server_error(text: str) -> str:
    return f"[Request ID: {request_id()}] Server Error\n{text}"


class _QueuedMutation:
    """What the writer-thread steps of one queued mutation share: its log capture, its time limit, and the
    commit ts of a stored result replayed for a re-sent request."""

    __slots__ = ("deadline", "logs", "replayed_ts")

    def __init__(self) -> None:
        self.logs: Any = None
        self.deadline: deadlines.Deadline | None = None
        self.replayed_ts: int | None = None


class Executor:
    """Runs the functions of the current project version (`project()` is read per call, so a hot reload
    takes effect on the next call): queries on the caller's thread in a snapshot, mutations on the
    database's writer thread, actions on the caller's thread calling back in. Every call ends as an Outcome,
    which is also handed to the `listeners` (the terminal, the execution log)."""

    def __init__(self, db: Database, project: Callable[[], Project]) -> None:
        self.db = db
        self._project = project
        self.listeners: list[ExecutionListener] = []
        self._system: dict[str, FunctionDefinition] | None = None
        self.query_cache = QueryCache(db, int(QUERY_CACHE_MB * 1024 * 1024))

    # -- resolution and validation -----------------------------------------------------------------

    def resolve(self, path: str, kind: str | None, *, public_only: bool) -> tuple[str, FunctionDefinition]:
        try:
            canonical = canonical_path(path)
        except InvalidPathError as e:
            raise UserFacingError(str(e)) from None
        fn = self._project().functions.get(canonical)
        if fn is None and not public_only and canonical.startswith(SYSTEM_PREFIX):
            # Built-in admin-only functions (the dashboard's `_system/frontend/*`), never reachable publicly.
            if self._system is None:
                self._system = build_system_functions(self._project)
            fn = self._system.get(canonical)
        if fn is None or (public_only and fn.visibility != "public"):
            what = "public function" if public_only else "function"
            raise FunctionNotFound(f"Could not find {what} for '{canonical}'. Did you forget to run "
                                   "`albertplus dev` or save the file?")
        if kind is not None and fn.kind != kind:
            raise UserFacingError(
                f"Trying to execute {canonical} as {kind.capitalize()}, but it is defined as {fn.udf_type}."
            )
        return canonical, fn

    @staticmethod
    def check_args(fn: FunctionDefinition, args: Any, tables: Callable[[str], int | None]) -> dict[str, Any]:
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise UserFacingError("ArgumentValidationError: Function arguments must be an object, got "
                                  f"{type(args).__name__}")
        try:
            limits.check_shape(args, limits.MAX_VALUE_NESTING, "Arguments")
        except limits.LimitError as e:
            raise UserFacingError(f"ArgumentValidationError: {e}") from None
        _validate(fn.args, args, tables, "ArgumentValidationError")
        return args

    @staticmethod
    def check_result(fn: FunctionDefinition, value: Any, tables: Callable[[str], int | None]) -> Any:
        if not is_canonical(value):
            try:
                value = decode(encode(value))  # normalizes tuples, drops UNDEFINED fields, rejects non-values
            except (InvalidValueError, TypeError) as e:
                raise UserFacingError(f"Function returned an invalid Convex value: {e}") from None
        _validate(fn.returns, value, tables, "ReturnsValidationError")
        return value

    # -- error reporting ---------------------------------------------------------------------------

    def _fail(self, outcome: Outcome, exc: BaseException, limit: deadlines.Deadline | None = None) -> None:
        """Record why the function failed: Convex's error text and data, and the error itself (an action that
        called this function raises it again)."""
        outcome.error_message, outcome.error_data = self._describe(exc, limit)
        if isinstance(exc, FunctionTimeout) and not str(exc):
            exc = FunctionTimeout(limit.message() if limit is not None else "Function execution timed out")
        outcome.error = exc

    def _describe(self, exc: BaseException, limit: deadlines.Deadline | None = None) -> tuple[str, Any]:
        if isinstance(exc, ConvexError):
            data = exc.data
            shown = data if isinstance(data, str) else orjson.dumps(encode(data, "json")).decode()
            try:
                encoded = decode(encode(data))
            except (InvalidValueError, TypeError):
                encoded = str(data)
            return _server_error(f"Uncaught ConvexError: {shown}"), encoded
        if isinstance(exc, (FunctionNotFound, UserFacingError)):
            return _server_error(str(exc)), UNDEFINED
        if isinstance(exc, FunctionTimeout):
            # The watchdog raises the bare class (it cannot carry a message), so the text comes from the limit.
            text = str(exc) or (limit.message() if limit is not None else "Function execution timed out")
            return _server_error(f"Uncaught Error: {text}"), UNDEFINED
        name = "Error" if isinstance(exc, DatabaseError) else type(exc).__name__
        return _server_error(f"Uncaught {name}: {exc}{self._frames(exc)}"), UNDEFINED

    def _frames(self, exc: BaseException) -> str:
        """The innermost frames of the user's own code (never albertplus internals), as Convex shows a stack."""
        root = self._project().directory
        frames = list(reversed(user_frames(exc.__traceback__, root)))[:5]
        return "".join(f"\n    at {frame.name} ({relative_location(frame, root)})" for frame in frames)

    def _finish(self, outcome: Outcome) -> Outcome:
        if outcome.path.startswith(SYSTEM_PREFIX):
            return outcome  # the dashboard's own system calls stay out of the terminal and the logs, as in Convex
        for listener in self.listeners:
            try:
                listener(outcome)
            except Exception:  # noqa: BLE001 - listeners are observers: one failing must not fail the call
                log.exception("execution listener %r failed on %s", listener, outcome.path)
        return outcome

    # -- nested calls inside one transaction -------------------------------------------------------

    def _nested_runner(self, tx: Transaction, identity: Identity, writable: bool) -> Callable[..., Any]:
        def run_nested(kind: str, path: str, args: Mapping[str, Any] | None) -> Any:
            if kind == "mutation" and not writable:
                raise UserFacingError("A query cannot run a mutation")
            if kind == "action":
                raise UserFacingError("Queries and mutations cannot run actions")
            _canonical, fn = self.resolve(path, kind, public_only=False)
            checked = self.check_args(fn, dict(args or {}), tx.catalog.table_number)
            ctx = MutationCtx(tx, identity, run_nested) if writable else QueryCtx(tx, identity, run_nested)
            return self.check_result(fn, fn.handler(ctx, checked), tx.catalog.table_number)

        return run_nested

    # -- queries -----------------------------------------------------------------------------------

    def run_query(self, path: str, args: Any, identity: Identity, *, journal: str | None = None,
                  public_only: bool = True) -> Outcome:
        start = time.perf_counter()
        outcome = Outcome(path, "query", ok=False)
        # A cached result runs no function: no log capture, deadline or read snapshot. Anything that fails here
        # (an unknown path, a database error) fails again below, where it becomes the error outcome.
        cache_key: tuple[Any, ...] | None = None
        owners: tuple[object, ...] = ()
        fn: FunctionDefinition | None = None
        try:
            outcome.path, fn = self.resolve(path, "query", public_only=public_only)
            cache_key = self._cache_key(outcome.path, fn, args, identity, journal)
            if cache_key is not None:
                owners = (fn, self.db.catalog)
                hit, ts = self.query_cache.lookup(cache_key, owners)
                if hit is not None:
                    return self._cached_outcome(outcome, hit, ts, start)
        except Exception:  # noqa: BLE001 - reported by the run below
            cache_key, owners = None, ()
        limit: deadlines.Deadline | None = None
        with capture() as logs:
            try:
                if fn is None:  # the same definition the cache key was made for, when there is one
                    outcome.path, fn = self.resolve(path, "query", public_only=public_only)
                limit = deadlines.start(QUERY_TIMEOUT, f"Query {outcome.path}")
                seen = determinism.watch()
                try:
                    def body(tx: Transaction) -> Any:
                        checked = self.check_args(fn, args, tx.catalog.table_number)
                        ctx = QueryCtx(tx, identity, self._nested_runner(tx, identity, False))
                        with deployment_env.transaction_scope(tx), seen:
                            value = fn.handler(ctx, checked)
                        return self.check_result(fn, value, tx.catalog.table_number)

                    value, tx = self.db.read(body, deadline=limit, journal=journal)
                finally:
                    deadlines.release(limit)
                outcome.ok, outcome.value, outcome.ts = True, value, tx.snapshot_ts
                outcome.reads = tx.reads
                outcome.journal = tx.journal_out
                if seen.used:
                    cache_key = None  # read the clock or used randomness: never reused
            except BaseException as e:  # noqa: BLE001 - every failure becomes an error outcome
                if isinstance(e, (KeyboardInterrupt, SystemExit)):
                    raise
                self._fail(outcome, e, limit)
                outcome.ts = self.db.latest_ts
        outcome.log_lines = logs.flush()
        if cache_key is not None and outcome.ok:
            self._remember(cache_key, owners, outcome)
        outcome.duration = time.perf_counter() - start
        return self._finish(outcome)

    def cached_query(self, path: str, encoded_args: bytes, identity: Identity, *, public_only: bool = True,
                     snapshot_ts: int | None = None) -> Outcome | None:
        """The query's cached result as a finished outcome (listeners told, as for any call), or None: not
        cacheable, not cached, or any error — the caller then calls `run_query`, which reports it and counts
        the miss (so a miss is not counted here). `encoded_args` is `args_key(args)`; `snapshot_ts`, when given,
        is a newest-commit ts read after the request arrived (see `server/cached_queries.py`)."""
        start = time.perf_counter()
        try:
            canonical, fn = self.resolve(path, "query", public_only=public_only)
            cache_key = self._key(canonical, fn, encoded_args, identity, None)
            if cache_key is None:
                return None
            hit, ts = self.query_cache.lookup(cache_key, (fn, self.db.catalog), count_miss=False,
                                              snapshot_ts=snapshot_ts)
        except Exception:  # noqa: BLE001 - reported by the run_query that follows
            return None
        if hit is None:
            return None
        return self._cached_outcome(Outcome(canonical, "query", ok=False), hit, ts, start)

    @staticmethod
    def args_key(args: Any) -> bytes | None:
        """The args as the query cache keys them (canonical JSON), or None when they are not a Convex value."""
        try:
            return orjson.dumps(encode(args), option=orjson.OPT_SORT_KEYS)
        except (InvalidValueError, TypeError, orjson.JSONEncodeError):
            return None  # the run reports the error

    def _cache_key(self, path: str, fn: FunctionDefinition, args: Any, identity: Identity,
                   journal: str | None) -> tuple[Any, ...] | None:
        """The query cache's key for this call, or None when the result must not be reused."""
        encoded_args = self.args_key(args)
        return None if encoded_args is None else self._key(path, fn, encoded_args, identity, journal)

    def _key(self, path: str, fn: FunctionDefinition, encoded_args: bytes, identity: Identity,
             journal: str | None) -> tuple[Any, ...] | None:
        if not self.query_cache.enabled or determinism.may_read_clock(fn.handler):
            return None
        return (path, encoded_args, identity.cache_key(), journal)

    def _remember(self, key: tuple[Any, ...], owners: tuple[object, ...], outcome: Outcome) -> None:
        if outcome.reads is None:
            return
        frozen = outcome.read_set
        assert frozen is not None
        try:
            size = _approximate_size(outcome.value)
        except (TypeError, orjson.JSONEncodeError):
            return
        # The read set's intervals, the log lines and the key, roughly.
        size += 120 * outcome.reads.interval_count() + sum(len(line) for line in outcome.log_lines)
        size += len(key[0]) + len(key[1]) + ENTRY_OVERHEAD
        entry = CachedResult(
            value=outcome.value, log_lines=tuple(outcome.log_lines), journal=outcome.journal,
            frozen=frozen, ts=outcome.ts, owners=owners, size=size,
        )
        self.query_cache.store(key, entry)
        outcome.encoded = entry.encoded

    def _cached_outcome(self, outcome: Outcome, hit: CachedResult, ts: int, start: float) -> Outcome:
        outcome.ok, outcome.value, outcome.ts = True, hit.value, ts
        outcome.journal, outcome.log_lines = hit.journal, list(hit.log_lines)
        outcome._frozen, outcome.encoded = hit.frozen, hit.encoded
        outcome.duration = time.perf_counter() - start
        return self._finish(outcome)

    # -- mutations ---------------------------------------------------------------------------------

    def submit_mutation(self, path: str, args: Any, identity: Identity, *, public_only: bool = True,
                        session: tuple[str, int] | None = None) -> Future[Outcome]:
        """Queue a mutation; the future resolves after its commit is durable (or with an error outcome)."""
        result: Future[Outcome] = Future()
        self.submit_mutation_with_callback(path, args, identity, result.set_result, public_only=public_only,
                                           session=session)
        return result

    def submit_mutation_with_callback(
        self, path: str, args: Any, identity: Identity, on_done: Callable[[Outcome], None], *,
        public_only: bool = True, session: tuple[str, int] | None = None,
    ) -> None:
        """Queue a mutation; `on_done(outcome)` runs on the writer thread once the commit is durable.

        `session` = (dedupe key, requestId) de-duplicates a mutation re-sent after a reconnect: the first
        successful result is stored in the same transaction and replayed instead of running again. The sync
        layer's key (`sync/mutation_dedupe.py`) binds the session id to the caller, the function and the args."""
        start = time.perf_counter()
        outcome = Outcome(path, "mutation", ok=False)
        try:
            outcome.path, fn = self.resolve(path, "mutation", public_only=public_only)
        except (UserFacingError, FunctionNotFound) as e:
            self._fail(outcome, e)
            outcome.ts = self.db.latest_ts
            outcome.duration = time.perf_counter() - start
            on_done(self._finish(outcome))
            return
        run = _QueuedMutation()

        def body(tx: Transaction) -> Any:
            try:
                with capture() as logs:
                    run.logs = logs
                    if session is not None:
                        stored = tx.session.get_session_request(*session)
                        if stored is not None:
                            run.replayed_ts = stored[0]
                            return decode(orjson.loads(stored[1]))
                    checked = self.check_args(fn, args, tx.catalog.table_number)
                    ctx = MutationCtx(tx, identity, self._nested_runner(tx, identity, True))
                    with deployment_env.transaction_scope(tx):
                        value = fn.handler(ctx, checked)
                    value = self.check_result(fn, value, tx.catalog.table_number)
                    if session is not None:
                        result = orjson.dumps(encode(value))
                        # Stored once the commit ts is known (still inside this mutation's savepoint), so a
                        # replay after a reconnect answers with the original commit ts, as Convex does.
                        tx.commit_hooks.append(
                            lambda ts: tx.write_session().put_session_request(*session, ts, result))
                    return value
            finally:
                # Release before the writer moves on: a late watchdog must never hit the next mutation.
                if run.deadline is not None:
                    deadlines.release(run.deadline)  # idempotent; kept for the timeout message

        def deadline_factory() -> Callable[[], None]:
            run.deadline = deadlines.start(MUTATION_TIMEOUT, f"Mutation {outcome.path}")
            return run.deadline

        def done(write: Any, error: BaseException | None) -> None:
            if error is None:
                outcome.ok, outcome.value = True, write.value
                outcome.ts = write.ts if run.replayed_ts is None else run.replayed_ts
                outcome.written = write.tx.written
            else:
                self._fail(outcome, error, run.deadline)
                outcome.ts = self.db.latest_ts
            outcome.log_lines = run.logs.flush() if run.logs is not None else []
            outcome.duration = time.perf_counter() - start
            on_done(self._finish(outcome))

        self.db.submit_with_callback(body, done, deadline_factory)

    def run_mutation(self, path: str, args: Any, identity: Identity, *, public_only: bool = True) -> Outcome:
        return self.submit_mutation(path, args, identity, public_only=public_only).result()

    # -- actions -----------------------------------------------------------------------------------

    def run_action(self, path: str, args: Any, identity: Identity, *, public_only: bool = True) -> Outcome:
        start = time.perf_counter()
        outcome = Outcome(path, "action", ok=False)
        limit: deadlines.Deadline | None = None
        with capture() as logs:
            try:
                outcome.path, fn = self.resolve(path, "action", public_only=public_only)
                checked = self.check_args(fn, args, self.db.catalog.table_number)
                ctx = ActionCtx(identity, self._action_runner(identity))
                limit = deadlines.start(ACTION_TIMEOUT, f"Action {outcome.path}")
                try:
                    with deployment_env.database_scope(self.db):
                        value = fn.handler(ctx, checked)
                finally:
                    deadlines.release(limit)
                outcome.value = self.check_result(fn, value, self.db.catalog.table_number)
                outcome.ok = True
            except BaseException as e:  # noqa: BLE001
                if isinstance(e, (KeyboardInterrupt, SystemExit)):
                    raise
                self._fail(outcome, e, limit)
            outcome.ts = self.db.latest_ts
        outcome.log_lines = logs.flush()
        outcome.duration = time.perf_counter() - start
        return self._finish(outcome)

    def _action_runner(self, identity: Identity) -> Callable[[str, str, Mapping[str, Any] | None], Any]:
        def run(kind: str, path: str, args: Mapping[str, Any] | None) -> Any:
            call = {"query": self.run_query, "mutation": self.run_mutation, "action": self.run_action}[kind]
            inner = call(path, dict(args or {}), identity, public_only=False)
            if not inner.ok:
                if inner.has_error_data:
                    raise ConvexError(inner.error_data)
                if isinstance(inner.error, Exception):
                    raise inner.error  # the callee's own error: the action may catch it
                # A time limit is a BaseException inside the function that ran out of time; to its caller
                # it is an error like any other.
                raise UserFacingError(f"Uncaught Error: {inner.error}")
            # A query's value may be the query cache's own copy: the action gets one it can change freely.
            return copy.deepcopy(inner.value) if kind == "query" else inner.value

        return run

    # -- several calls in one transaction ----------------------------------------------------------

    def run_in_transaction(self, body: Callable[[FunctionCaller], T], identity: Identity, *,
                           rollback: bool = False) -> tuple[T, list[str]]:
        """Run `body` in ONE mutation transaction and return its result with the log lines of the calls.

        `body(call)` calls the project's functions as `identity` with `call(kind, path, args)` (kind "query"
        or "mutation"; internal functions too), each validated as any call is, all seeing each other's
        writes. The transaction commits when `body` returns, under `rollback` it is undone instead (a dry run
        that still answers), and it writes nothing when `body` raises: its errors propagate as raised
        (ConvexError, UserFacingError, FunctionNotFound, DatabaseError). For commands that change app data
        with the app's own functions (`import-audit`).
        """
        logs: list[str] = []
        limit: deadlines.Deadline | None = None  # started by the writer just before `run`, on its own thread

        def deadline_factory() -> Callable[[], None]:
            nonlocal limit
            limit = deadlines.start(MUTATION_TIMEOUT, "Mutation transaction")
            return limit

        def run(tx: Transaction) -> T:
            try:
                with capture() as collector:
                    try:
                        return body(self._nested_runner(tx, identity, True))
                    finally:
                        logs.extend(collector.flush())
            finally:
                if limit is not None:  # before the writer moves on: a late watchdog must not hit the next job
                    deadlines.release(limit)

        if rollback:
            return self.db.rehearse(run, deadline_factory), logs
        return self.db.submit(run, deadline_factory).result().value, logs

    # -- any kind ----------------------------------------------------------------------------------

    def run_any(self, path: str, args: Any, identity: Identity, *, public_only: bool = False) -> Outcome:
        """Run whatever kind the path is (admin `/api/function`, `albertplus run`)."""
        try:
            _canonical, fn = self.resolve(path, None, public_only=public_only)
        except (UserFacingError, FunctionNotFound) as e:
            outcome = Outcome(path, "unknown", ok=False, ts=self.db.latest_ts)
            self._fail(outcome, e)
            return self._finish(outcome)
        if fn.kind == "query":
            return self.run_query(path, args, identity, public_only=public_only)
        if fn.kind == "mutation":
            return self.run_mutation(path, args, identity, public_only=public_only)
        return self.run_action(path, args, identity, public_only=public_only)
