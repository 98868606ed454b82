"""Run an `albertplus` command as a subprocess whose output is read while it runs (logs, run --watch, dev)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from server_process import ALBERTPLUS


class StreamingCommand:
    """`StreamingCommand(args).wait_for(text)`, then `.interrupt()` (Ctrl+C) and check the exit status."""

    def __init__(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [ALBERTPLUS, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **(env or {})},
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: object, sink: list[str]) -> None:
        for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
            line = raw.decode(errors="replace")
            sink.append(line)

    @property
    def out(self) -> str:
        return "".join(self.stdout)

    @property
    def err(self) -> str:
        return "".join(self.stderr)

    def wait_for(self, text: str, timeout: float = 30.0, *, count: int = 1) -> str:
        """Wait until `text` appears `count` times on stdout; returns stdout so far."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.out.count(text) >= count:
                return self.out
            if self.process.poll() is not None:
                time.sleep(0.2)
                if self.out.count(text) >= count:
                    return self.out
                raise AssertionError(f"exited with {self.process.returncode} before {text!r}:\n"
                                     f"stdout:\n{self.out}\nstderr:\n{self.err}")
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear within {timeout} s:\nstdout:\n{self.out}\nstderr:\n{self.err}")

    def wait_for_stderr(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.err:
                return self.err
            if self.process.poll() is not None:
                time.sleep(0.2)
                break
            time.sleep(0.05)
        if text in self.err:
            return self.err
        raise AssertionError(f"{text!r} not on stderr:\nstdout:\n{self.out}\nstderr:\n{self.err}")

    def interrupt(self, timeout: float = 20.0) -> int:
        """Ctrl+C: SIGINT, then the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout: float = 60.0) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)
        for reader in self._readers:
            reader.join(timeout=5)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
