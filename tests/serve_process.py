"""Start a real `albertplus serve` as a subprocess (one or more workers) on free loopback ports."""

from __future__ import annotations

from pathlib import Path

from server_process import ALBERTPLUS, DevServer


class ServeServer(DevServer):
    """`albertplus serve --database URL ...`; the same start/stop/kill/output helpers as DevServer."""

    def __init__(self, project_dir: Path, database: str, *extra_args: str, env: dict[str, str] | None = None,
                 log_name: str = "serve.log", port: int | None = None, site_port: int | None = None) -> None:
        super().__init__(project_dir, env=env)
        if port is not None:
            self.port, self.url = port, f"http://127.0.0.1:{port}"
        if site_port is not None:
            self.site_port, self.site_url = site_port, f"http://127.0.0.1:{site_port}"
        self.args = [ALBERTPLUS, "serve", "--dir", str(self.project_dir), "--port", str(self.port),
                     "--site-port", str(self.site_port), "--database", database, *extra_args]
        self.log_path = self.project_dir / log_name
