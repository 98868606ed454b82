"""Shared fixtures and clients for the AlbertPlus backend tests (tests/test_albertplus_*.py).

One seeded `albertplus dev` serves all of them (session scope): the project is a copy of this repository's
schema.py + functions/, seeded with the bundled data through `seed:seedAll` as admin. Its env sets
`CONVEX_API_KEY` (HTTP routes) and `SCRAPER_URL` (a stand-in scraper on 127.0.0.1). Tests keep out of each
other's way by using their own user ids and their own course codes.
"""

from __future__ import annotations

import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from js_runner import run_node
from server_process import REPO, DevServer, copy_project

from albertplus_cli.seed.dataset import load_bundled_dataset

API_KEY = "test-api-key"


class FakeScraper:
    """The scraper worker's two trigger routes: 401 without a key, 403 for a wrong one, else a job."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's spelling
                key = self.headers.get("X-API-KEY")
                owner.requests.append((self.path, key))
                if not key:
                    self._send(401, {"error": "Missing API key"})
                elif key != owner.accepted_key:
                    self._send(403, {"error": "Invalid API key"})
                elif self.path in ("/api/programs", "/api/courses"):
                    kind = "discover-programs" if self.path == "/api/programs" else "discover-courses"
                    self._send(200, {"success": True, "jobId": f"job-{len(owner.requests)}", "jobType": kind})
                else:
                    self._send(404, {"error": "Not found"})

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.accepted_key = API_KEY
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def admin_call(server: DevServer, path: str, args: dict[str, Any] | None = None) -> Any:
    """Run any function (internal ones too) as admin through /api/function, as the dashboard/CLI do."""
    response = httpx.post(f"{server.url}/api/function", json={"path": path, "args": args or {}, "format": "json"},
                          headers={"Authorization": f"Convex {server.admin_key}"}, timeout=60)
    body = response.json()
    if body.get("status") != "success":
        raise AssertionError(f"{path} failed: {body}")
    return body["value"]


class Npm:
    """Batches calls through the npm ConvexHttpClient (tests/js/albertplus_calls.mjs)."""

    def __init__(self, server: DevServer) -> None:
        self.server = server

    def token(self, subject: str, admin: bool = False) -> str:
        return self.server.token(subject, {"is_admin": True} if admin else None)

    def run(self, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(calls, f)
        try:
            return list(run_node("albertplus_calls.mjs", self.server.url, f.name))
        finally:
            Path(f.name).unlink()

    def one(self, kind: str, path: str, args: dict[str, Any] | None = None, user: str | None = None,
            admin: bool = False) -> dict[str, Any]:
        return self.run([call(kind, path, args, self.token(user, admin) if user else None)])[0]


def call(kind: str, path: str, args: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "path": path, "args": args or {}, "token": token}


def pages(path: str, args: dict[str, Any], num_items: int, token: str) -> dict[str, Any]:
    """A call that follows `continueCursor` to the end in one go: its value is {"rows", "pages"}."""
    return {"kind": "paginate", "path": path, "args": args, "numItems": num_items, "token": token}


def value(result: dict[str, Any]) -> Any:
    assert result["ok"], result
    return result["value"]


def error(result: dict[str, Any], text: str) -> dict[str, Any]:
    assert not result["ok"], result
    assert text in result["message"], result
    return result


# Test modules import these fixtures, which gives each module its own copy of the fixture definition; the
# objects themselves are made once per test process and stopped when the session ends.
_shared: dict[str, Any] = {}


def _once(request: pytest.FixtureRequest, name: str, make: Any, stop: Any) -> Any:
    if name not in _shared:
        _shared[name] = make()
        request.config.add_cleanup(lambda: stop(_shared.pop(name)))
    return _shared[name]


@pytest.fixture(scope="session")
def fake_scraper(request: pytest.FixtureRequest) -> FakeScraper:
    return _once(request, "scraper", FakeScraper, FakeScraper.close)  # type: ignore[no-any-return]


def _start_seeded(tmp_root: Path, scraper: FakeScraper) -> DevServer:
    project = copy_project(REPO, tmp_root / "project")
    server = DevServer(project, env={"CONVEX_API_KEY": API_KEY, "SCRAPER_URL": scraper.url}).start()
    try:
        admin_call(server, "seed:seedAll", load_bundled_dataset(REPO))
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def seeded_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  fake_scraper: FakeScraper) -> DevServer:
    return _once(request, "server",  # type: ignore[no-any-return]
                 lambda: _start_seeded(tmp_path_factory.mktemp("albertplus"), fake_scraper), DevServer.stop)


@pytest.fixture(scope="session")
def npm(seeded_server: DevServer) -> Npm:
    return Npm(seeded_server)
