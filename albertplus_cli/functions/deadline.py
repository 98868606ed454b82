"""Function time limits: a cooperative check on every ctx.db call plus a watchdog for pure-Python loops.

The watchdog raises FunctionTimeout inside the running thread (PyThreadState_SetAsyncExc), so even a
`while True: pass` handler stops; the transaction then rolls back like any other failure.
"""

from __future__ import annotations

import ctypes
import heapq
import threading
import time

from albertplus_cli.functions.errors import FunctionTimeout


class Deadline:
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
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._counter = 0
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> None:
        with self._lock:
            self._counter += 1
            entry = (deadline.expires + 0.05, self._counter, deadline)
            earliest = not self._heap or entry < self._heap[0]
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="albertplus-watchdog", daemon=True)
                self._thread.start()
            if earliest:
                # Only an earlier deadline changes when the watchdog must wake; a notify per call would cost
                # a thread switch per function execution.
                self._wake.notify()

    def release(self, deadline: Deadline) -> None:
        with self._lock:
            if not deadline.active:
                return  # released before: clearing now could drop a timeout meant for a later call on this thread
            deadline.active = False
            if deadline.fired:
                # Clear an exception that was injected but not yet raised.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(deadline.thread_id), None)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._heap:
                    self._wake.wait()
                expires, _, deadline = self._heap[0]
                now = time.monotonic()
                if not deadline.active:
                    heapq.heappop(self._heap)
                    continue
                if now < expires:
                    self._wake.wait(expires - now)
                    continue
                heapq.heappop(self._heap)
                deadline.fired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(deadline.thread_id), ctypes.py_object(FunctionTimeout)
                )


_watchdog = _Watchdog()


def start(seconds: float, what: str) -> Deadline:
    deadline = Deadline(seconds, what)
    _watchdog.watch(deadline)
    return deadline


def release(deadline: Deadline) -> None:
    _watchdog.release(deadline)
