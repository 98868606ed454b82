"""Start a real `albertplus dev` as a subprocess on free loopback ports, for tests and benchmarks.

The PyPI convex client blocks the GIL while it waits, so the server must run in another process.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
ALBERTPLUS = str(Path(sys.executable).parent / "albertplus")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_project(source: Path, target: Path, *, with_seed: bool = False) -> Path:
    """Copy a project's schema.py and functions/ (and seed/ when asked) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    if (source / "schema.py").exists():
        shutil.copy(source / "schema.py", target / "schema.py")
    shutil.copytree(source / "functions", target / "functions",
                    ignore=shutil.ignore_patterns("__pycache__", "_generated"), dirs_exist_ok=True)
    if with_seed and (source / "seed").is_dir():
        shutil.copytree(source / "seed", target / "seed", dirs_exist_ok=True)
    return target


class DevServer:
    """`with DevServer(project) as server:` — server.url, server.site_url, server.admin_key, server.output()."""

    def __init__(self, project_dir: Path, *extra_args: str, env: dict[str, str] | None = None,
                 seed: bool = False, watch: bool = False, quiet: bool = False) -> None:
        self.project_dir = Path(project_dir)
        self.port = free_port()
        self.site_port = free_port()
        while self.site_port == self.port:
            self.site_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.site_url = f"http://127.0.0.1:{self.site_port}"
        args = [ALBERTPLUS, "dev", "--dir", str(self.project_dir), "--port", str(self.port),
                "--site-port", str(self.site_port)]
        if not seed:
            args.append("--no-seed")
        if not watch:
            args.append("--no-watch")
        if quiet:
            args.append("--quiet")
        self.args = [*args, *extra_args]
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **(env or {})}
        self.log_path = self.project_dir / "dev.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> DevServer:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                        start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"albertplus dev exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/instance_name", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"albertplus dev did not come up in {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    @property
    def admin_key(self) -> str:
        return (self.project_dir / ".albertplus" / "admin_key").read_text().strip()

    def token(self, subject: str, claims: dict[str, Any] | None = None, expires_in: int = 3600) -> str:
        """A dev-key JWT for `subject`, as `albertplus token` makes (the server trusts it offline)."""
        from albertplus_cli.auth import DevSigningKey
        from albertplus_cli.project import state_dir_for

        return DevSigningKey.load_or_create(state_dir_for(self.project_dir)).sign(subject, claims, expires_in)

    def wait_for_output(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            out = self.output()
            if text in out:
                return out
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear in the server output:\n{self.output()[-3000:]}")

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
