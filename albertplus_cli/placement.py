"""Where a query or mutation runs: on the event loop, or on a thread when it is known to be slow.

A query reads one snapshot and is short and CPU-bound, so handing it to a thread costs more (two thread hops
and a GIL hand-off per call) than running it; mutations likewise commit on the loop when the writer thread is
idle. But a call that runs long on the loop stalls every other connection, so each call is timed in the loop
thread's CPU time (wall time would count the moments a busy machine runs other processes): a function whose
run took longer than the budget goes to the worker pool (queries) or the writer thread (mutations) for
the next `PENALTY_SECONDS`, after which it is tried on the loop again (a code push may have fixed it). The
very first slow run still happens on the loop; the time limit (5 s) bounds it.

A garbage collection that happens to run during a call is not the function's time: a full collection with a
large query cache takes tens of milliseconds, and counting it moved a 100 µs query off the loop for 30 s (and
every later call then paid two thread hops). The time collections take is subtracted (`GcClock`).

On a storage whose reads wait on the network (PostgreSQL), nothing runs on the loop: one call's round trips
would stall every connection, and calls on threads overlap their waits.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from typing import Any

BUDGET_SECONDS = float(os.environ.get("ALBERTPLUS_LOOP_BUDGET_MS", "20")) / 1000
PENALTY_SECONDS = 30.0


class GcClock:
    """Seconds this process spent in garbage collections so far (by `gc.callbacks`; a few ns per collection)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


_gc_clock: GcClock | None = None
_gc_clock_lock = threading.Lock()


def gc_clock() -> GcClock:
    """The process's one GcClock, installed on first use."""
    global _gc_clock
    with _gc_clock_lock:
        if _gc_clock is None:
            _gc_clock = GcClock()
            gc.callbacks.append(_gc_clock)
        return _gc_clock


class Placement:
    """Which functions currently run on the event loop (all but those found slow, or none at all)."""

    def __init__(self, budget: float = BUDGET_SECONDS, penalty: float = PENALTY_SECONDS, *,
                 loop_allowed: bool = True) -> None:
        self.budget = budget
        self.penalty = penalty
        self.loop_allowed = loop_allowed
        self._slow_until: dict[str, float] = {}
        self._gc = gc_clock()

    def start(self) -> tuple[float, float]:
        """Before a call on the loop: the loop thread's CPU time and the collections' time so far."""
        return time.thread_time(), self._gc.seconds

    def elapsed(self, started: tuple[float, float]) -> float:
        """The loop CPU time since `start`, less the garbage collections that ran meanwhile."""
        return (time.thread_time() - started[0]) - (self._gc.seconds - started[1])

    def on_loop(self, path: str) -> bool:
        """Whether a call of `path` should run on the event loop now."""
        if not self.loop_allowed:
            return False
        if not self._slow_until:
            return True
        until = self._slow_until.get(path)
        if until is None:
            return True
        if time.monotonic() >= until:
            del self._slow_until[path]
            return True
        return False

    def observe(self, path: str, seconds: float) -> None:
        """Record how long a call on the loop took; past the budget, its function moves off the loop."""
        if seconds > self.budget:
            self._slow_until[path] = time.monotonic() + self.penalty

    def slow_functions(self) -> list[str]:
        now = time.monotonic()
        return sorted(p for p, until in self._slow_until.items() if until > now)
