"""One `albertplus dev` per project: an exclusive `flock` on `.albertplus/dev.lock`, held for the process's life.

The kernel drops the lock when the process ends, however it ends (SIGKILL included), so a crash never leaves
a stale lock. Other commands ask `dev_running` (a brief shared lock attempt) to tell a live server from a
`server.json` a crash left behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

LOCK_FILE = "dev.lock"


class DevAlreadyRunning(Exception):
    def __init__(self, pid: int | None) -> None:
        super().__init__(pid)
        self.pid = pid


class DevLock:
    """The held lock; `release()` (or process exit) frees it."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, state_dir: Path, wait: float = 1.0) -> DevLock:
        """Take the project's dev lock, or raise DevAlreadyRunning with the holder's pid.

        Retries for `wait` seconds: another command may hold a shared lock for an instant while it checks.
        """
        fd = os.open(state_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    pid = _read_pid(fd)
                    os.close(fd)
                    raise DevAlreadyRunning(pid) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        return cls(fd)

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None


def dev_running(state_dir: Path) -> int | None:
    """The pid of the `albertplus dev` holding the project's lock (0 if unknown), or None when none runs."""
    try:
        fd = os.open(state_dir / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_pid(fd) or 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None
