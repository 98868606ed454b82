"""Function time limits: a cooperative check on every ctx.db call plus a watchdog for pure-Python loops.

The watchdog raises FunctionTimeout inside the running thread (PyThreadState_SetAsyncExc), so even a
`while True: pass` handler stops; the transaction then rolls back like any other failure.
"""

from __future__ import annotations

import ctypes
import math
import threading
import time

from albertplus_cli.functions.errors import FunctionTimeout

GRACE = 0.05  # the watchdog strikes this long after the cooperative check would have: that one comes first


class Deadline:
    __slots__ = ("seconds", "what", "expires", "thread_id", "active", "fired")

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds = seconds
        self.what = what
        self.expires = time.monotonic() + seconds
        self.thread_id = threading.get_ident()
        self.active = True
        self.fired = False

    def __call__(self) -> None:
        if time.monotonic() > self.expires:
            self.fired = True
            raise FunctionTimeout(self.message())

    def message(self) -> str:
        return f"{self.what} timed out: it ran longer than {self.seconds:g} s"


class _Watchdog:
    """Watches the deadlines of the functions running right now: a handful (one per thread running one), kept
    in a set and dropped on release. (A heap with lazy deletion kept every released deadline until it would
    have expired: under an insert load ~60,000 objects for the garbage collector to walk, whose full
    collections then paused the server for up to 105 ms.)"""

    def __init__(self) -> None:
        self._active: set[Deadline] = set()  # while their functions run
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._next_check = math.inf  # when the watchdog thread will look next
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> None:
        with self._lock:
            self._active.add(deadline)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="albertplus-watchdog", daemon=True)
                self._thread.start()
            if deadline.expires + GRACE < self._next_check:
                # Only an earlier deadline changes when the watchdog must wake; a notify per call would cost
                # a thread switch per function execution.
                self._next_check = deadline.expires + GRACE
                self._wake.notify()

    def release(self, deadline: Deadline) -> None:
        with self._lock:
            if not deadline.active:
                return  # released before: clearing now could drop a timeout meant for a later call on this thread
            deadline.active = False
            self._active.discard(deadline)  # gone already if it fired
            if deadline.fired:
                # Clear an exception that was injected but not yet raised.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(deadline.thread_id), None)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                earliest = math.inf
                for deadline in list(self._active):
                    due = deadline.expires + GRACE
                    if due > now:
                        earliest = min(earliest, due)
                        continue
                    self._active.remove(deadline)
                    deadline.fired = True
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(deadline.thread_id), ctypes.py_object(FunctionTimeout)
                    )
                self._next_check = earliest
                self._wake.wait(None if earliest == math.inf else earliest - now)


_watchdog = _Watchdog()


def start(seconds: float, what: str) -> Deadline:
    deadline = Deadline(seconds, what)
    _watchdog.watch(deadline)
    return deadline


def release(deadline: Deadline) -> None:
    _watchdog.release(deadline)
