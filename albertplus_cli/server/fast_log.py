"""A buffered line writer for the per-call log: callers append a finished string, a flusher thread writes.

Function executions finish on the event loop, the writer thread and worker threads; writing (and flushing) a
terminal line there would put a system call and a lock on every acknowledgement. `write` only appends to a
list under a lock held for nanoseconds; a daemon thread wakes at most every `interval` seconds to write what piled up.
"""

from __future__ import annotations

import threading
import time
from typing import IO

FLUSH_INTERVAL = 0.05  # seconds: a line shows up at most this late


class BufferedLines:
    def __init__(self, stream: IO[str], interval: float = FLUSH_INTERVAL) -> None:
        self._stream = stream
        self._interval = interval
        self._pending: list[str] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def write(self, line: str) -> None:
        """Queue one line (without its newline); returns at once."""
        with self._lock:
            self._pending.append(line)
        if not self._wake.is_set():
            self._wake.set()
            if self._thread is None:
                self._start()

    def flush(self) -> None:
        """Write everything queued so far (the flusher does this by itself; call it before exiting)."""
        with self._lock:
            pending, self._pending = self._pending, []
        if pending:
            try:
                self._stream.write("\n".join(pending) + "\n")
                self._stream.flush()
            except (OSError, ValueError):  # a closed terminal must not break function executions
                pass

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="albertplus-log", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # Let a burst pile up, then write it in one call.
            time.sleep(self._interval)
            self._wake.clear()
            self.flush()
