"""Deployment environment variables: stored in the database, seen by functions through `os.environ`.

`albertplus env set NAME VALUE` writes the variables to the database (one meta row holding a JSON object), so
every process on that database — `dev`, `serve` workers, `run` — sees the same values, and a change needs no
restart. Functions read them the ordinary way, `os.environ["X"]`, `os.environ.get("X")` or `os.getenv("X")`.

How `os.environ` sees them. `install()` replaces `os.environ` once by `DeploymentEnviron`, a subclass of
`os._Environ` sharing the original's storage (so the process environment, `putenv` on writes and
`isinstance` checks are unchanged). Its lookups first consult a context variable that the executor sets for
the duration of each function call (`scope(...)`); outside a call the context variable is unset and
`os.environ` is exactly the process environment. A call's scope holds a *loader*, not the values: the
variables are read only when the function first touches `os.environ` (most calls never do, and pay nothing),
then cached for the rest of the call.

Why this is safe under concurrency. Each function call runs on one thread (a query on a worker thread, a
mutation on the writer thread, an action on a worker thread) and sets the context variable in that thread's
own context, resetting it when the call ends; concurrent calls on other threads never see it, and a nested
call (an action's `run_query`) installs its own scope and restores the outer one. Queries and mutations load
the variables inside their transaction, which records a read of the environment: `env set` writes a commit
that re-runs exactly the live queries that read the environment, in this process or any other on the file.

Precedence: a deployment variable wins over a process variable of the same name (you set it on purpose);
names only in the process environment stay visible. Module-level code that reads `os.environ` at import time
sees the process environment only: read variables inside the function. So does a thread the function starts
itself (a new thread starts with an empty context); pass it the values it needs. Writes to `os.environ` inside a
function change the process environment, as in plain Python; use `albertplus env set` for deployment values.

Limits follow Convex's documented ones: a name has letters, digits and underscores, starts with a letter and
has at most 40 characters; a value is at most 8 KiB of UTF-8; a deployment has at most 100 variables.
"""

from __future__ import annotations

import contextvars
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from albertplus_cli.database import Database, Transaction

META_KEY = "environment_variables"
#: The pseudo index id under which reads and writes of the environment are recorded for invalidation. Index
#: ids of real indexes are positive and `by_id` pseudo ids are minus a table number (user tables start at
#: 10001), so -1 is free.
ENVIRONMENT_INDEX = -1
ENVIRONMENT_KEY = b"environment"
MAX_NAME_LENGTH = 40
MAX_VALUE_BYTES = 8 * 1024
MAX_VARIABLES = 100
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class EnvironmentVariableError(ValueError):
    """A name or value that Convex would refuse; the message names which and why."""


def check_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise EnvironmentVariableError("Environment variable name must be a non-empty string")
    if len(name) > MAX_NAME_LENGTH:
        raise EnvironmentVariableError(
            f"Environment variable name {name[:MAX_NAME_LENGTH]}... is {len(name)} characters long; "
            f"the maximum is {MAX_NAME_LENGTH}")
    if not _NAME.fullmatch(name):
        raise EnvironmentVariableError(
            f"Invalid environment variable name {name!r}: use letters, digits and underscores, starting with a "
            "letter")


def check_value(name: str, value: str) -> None:
    if not isinstance(value, str):
        raise EnvironmentVariableError(f"The value of {name} must be a string")
    size = len(value.encode("utf-8"))
    if size > MAX_VALUE_BYTES:
        raise EnvironmentVariableError(
            f"The value of {name} is {size} bytes; the maximum is {MAX_VALUE_BYTES} bytes (8 KiB)")


# -- storage ----------------------------------------------------------------------------------------------


def _decode(raw: str | None) -> dict[str, str]:
    if not raw:
        return {}
    data = orjson.loads(raw)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def read_in(tx: Transaction) -> dict[str, str]:
    """The variables as this transaction sees them; records the read, so a change re-runs a live query."""
    tx.reads.add_point(ENVIRONMENT_INDEX, ENVIRONMENT_KEY)
    return _decode(tx.session.get_meta(META_KEY))


def read(db: Database) -> dict[str, str]:
    """The variables in the newest committed state (for actions, which have no transaction, and the CLI)."""
    return db.read(read_in)[0]


def apply_changes(db: Database, changes: list[tuple[str, str | None]]) -> dict[str, str]:
    """Set (value) or remove (None) variables in one commit, all or nothing; returns the new variables.

    Raises EnvironmentVariableError before anything is written when a name or value is invalid."""
    for name, value in changes:
        check_name(name)
        if value is not None:
            check_value(name, value)

    def write(tx: Transaction) -> dict[str, str]:
        current = _decode(tx.session.get_meta(META_KEY))
        for name, value in changes:
            if value is None:
                current.pop(name, None)
            else:
                current[name] = value
        if len(current) > MAX_VARIABLES:
            raise EnvironmentVariableError(f"A deployment can have at most {MAX_VARIABLES} environment variables")
        tx.write_session().set_meta(META_KEY, orjson.dumps(dict(sorted(current.items()))).decode())
        # A write set entry makes this a logged commit: live queries that read the environment re-run.
        tx.writes.add_key(ENVIRONMENT_INDEX, ENVIRONMENT_KEY)
        return current

    return db.write(write).value


# -- the per-call view ------------------------------------------------------------------------------------


class _Scope:
    """One function call's deployment variables, loaded on first use."""

    __slots__ = ("_load", "_values")

    def __init__(self, load: Callable[[], Mapping[str, str]]) -> None:
        self._load = load
        self._values: Mapping[str, str] | None = None

    @property
    def values(self) -> Mapping[str, str]:
        if self._values is None:
            self._values = self._load()
        return self._values


_current: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("albertplus_deployment_env", default=None)


class DeploymentEnviron(os._Environ):
    """`os.environ` with the running function's deployment variables in front of the process environment."""

    def __getitem__(self, key: str) -> str:
        scope = _current.get()
        if scope is not None:
            value = scope.values.get(key)
            if value is not None:
                return value
        return super().__getitem__(key)

    def __iter__(self) -> Iterator[str]:
        scope = _current.get()
        own = list(super().__iter__())
        if scope is None:
            return iter(own)
        seen = set(own)
        return iter([*own, *(k for k in scope.values if k not in seen)])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        return dict(self.items())


_install_lock = threading.Lock()


def install() -> None:
    """Replace `os.environ` by the deployment-aware view (idempotent)."""
    if isinstance(os.environ, DeploymentEnviron):
        return
    with _install_lock:
        original: Any = os.environ
        if isinstance(original, DeploymentEnviron):
            return
        # Rebinding (not clearing) is the point: the new view shares the original's storage.
        view = DeploymentEnviron(original._data, original.encodekey, original.decodekey, original.encodevalue,
                                 original.decodevalue)
        os.environ = view  # noqa: B003


@contextmanager
def scope(load: Callable[[], Mapping[str, str]]) -> Iterator[None]:
    """Make `load()`'s variables visible through `os.environ` to the code run inside, on this thread only."""
    install()
    token = _current.set(_Scope(load))
    try:
        yield
    finally:
        _current.reset(token)


def transaction_scope(tx: Transaction) -> AbstractContextManager[None]:
    """The scope of a query or mutation: variables read inside its transaction."""
    return scope(lambda: read_in(tx))


def database_scope(db: Database) -> AbstractContextManager[None]:
    """The scope of an action or HTTP action: variables read from the newest committed state."""
    return scope(lambda: read(db))
