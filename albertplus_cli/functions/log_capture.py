"""Collects a function's `print()` and `logging` output as Convex log lines (`[LOG] ...`, `[INFO] ...`).

Functions run on worker threads, so capture is per thread: `sys.stdout`/`sys.stderr` are replaced once by
proxies that write to the current thread's collector if it has one, else to the real stream.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any, TextIO

from albertplus_cli.values.limits import MAX_LOG_LINE_LENGTH, MAX_LOG_LINES

_state = threading.local()
_installed = False
_install_lock = threading.Lock()

_LEVELS = {logging.DEBUG: "DEBUG", logging.INFO: "INFO", logging.WARNING: "WARN", logging.ERROR: "ERROR",
           logging.CRITICAL: "ERROR"}


class LogCollector:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._partial = {"LOG": "", "ERROR": ""}
        self.truncated = False

    def add(self, level: str, message: str) -> None:
        if len(self.lines) >= MAX_LOG_LINES:
            if not self.truncated:
                self.truncated = True
                self.lines.append(f"[WARN] Log overflow (maximum {MAX_LOG_LINES}). Remaining log lines omitted.")
            return
        if len(message) > MAX_LOG_LINE_LENGTH:
            message = message[:MAX_LOG_LINE_LENGTH] + " (truncated)"
        self.lines.append(f"[{level}] {message}")

    def write(self, level: str, text: str) -> None:
        buffered = self._partial[level] + text
        *complete, rest = buffered.split("\n")
        for line in complete:
            self.add(level, line)
        self._partial[level] = rest

    def flush(self) -> list[str]:
        for level, rest in self._partial.items():
            if rest:
                self.add(level, rest)
                self._partial[level] = ""
        return self.lines


class _ThreadStream:
    def __init__(self, real: TextIO, level: str) -> None:
        self._real = real
        self._level = level

    def write(self, text: str) -> int:
        collector: LogCollector | None = getattr(_state, "collector", None)
        if collector is None:
            return self._real.write(text)
        collector.write(self._level, text)
        return len(text)

    def flush(self) -> None:
        if getattr(_state, "collector", None) is None:
            self._real.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _CollectorHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        collector: LogCollector | None = getattr(_state, "collector", None)
        if collector is not None:
            collector.add(_LEVELS.get(record.levelno, "LOG"), record.getMessage())


def install() -> None:
    """Install the per-thread stdout/stderr proxies and the logging handler (idempotent).

    The proxies are checked on every call, not just the first: whoever replaces `sys.stdout` after us (a test
    runner's capture, an embedding tool) would otherwise silently receive every `print()` of user functions.
    """
    global _installed
    if _installed and isinstance(sys.stdout, _ThreadStream) and isinstance(sys.stderr, _ThreadStream):
        return
    with _install_lock:
        if not isinstance(sys.stdout, _ThreadStream):
            sys.stdout = _ThreadStream(sys.stdout, "LOG")
        if not isinstance(sys.stderr, _ThreadStream):
            sys.stderr = _ThreadStream(sys.stderr, "ERROR")
        if _installed:
            return
        root = logging.getLogger()
        root.addHandler(_CollectorHandler())
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        _installed = True


class capture:
    """`with capture() as logs:` — collect this thread's output until the block ends."""

    def __enter__(self) -> LogCollector:
        install()
        self._previous = getattr(_state, "collector", None)
        self.collector = LogCollector()
        _state.collector = self.collector
        return self.collector

    def __exit__(self, *exc: object) -> None:
        _state.collector = self._previous
