"""Issue 17 item 11: the smaller findings.

- The scraper's `X-API-KEY` is compared in constant time (`hmac.compare_digest`): `!=` stops at the first
  differing character, so response times reveal the key character by character.
- `albertplus run --identity` with no server running acted through a path that lacked the default issuer and
  crashed with ValueError; it now acts as that user, as it does through a running server.
- A function path with a trailing newline passed the path check (`$` matches before a final newline).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hardening_support import hardening_project
from server_process import ALBERTPLUS, REPO, DevServer, copy_project

API_KEY = "scraper-key-0123456789"


@pytest.fixture(scope="module")
def albertplus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    project = copy_project(REPO, tmp_path_factory.mktemp("scraper") / "albertplus")
    with DevServer(project, env={"CONVEX_API_KEY": API_KEY}) as running:
        yield running


def scraper_get(server: DevServer, key: bytes) -> httpx.Response:
    return httpx.post(f"{server.site_url}/api/appConfigs/get", json={"key": "current_term"},
                      headers=[(b"X-API-KEY", key)], timeout=30)


def test_the_scraper_key_is_checked_on_the_site_port(albertplus: DevServer) -> None:
    assert scraper_get(albertplus, API_KEY.encode()).json() == {"data": None}
    for wrong in (b"", b"scraper-key-0123456788", API_KEY.encode() + b"x", "ключ-ü".encode()):
        response = scraper_get(albertplus, wrong)
        assert response.status_code == 401, (wrong, response.text)
        assert response.json() == {"error": "Invalid or missing API key"}


class NoShortCircuitCompare(str):
    """A presented key that fails the test if it is ever compared with `==`/`!=` (which stop early)."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("the API key was compared with ==, not in constant time")

    def __ne__(self, other: object) -> bool:
        raise AssertionError("the API key was compared with !=, not in constant time")

    __hash__ = str.__hash__


def test_the_scraper_key_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("albertplus_auth_helpers", REPO / "functions/helpers/auth.py")
    assert spec is not None and spec.loader is not None
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    monkeypatch.setenv("CONVEX_API_KEY", API_KEY)
    helpers.auth_api_key(NoShortCircuitCompare(API_KEY))
    with pytest.raises(helpers.Error, match="Invalid or missing API key"):
        helpers.auth_api_key(NoShortCircuitCompare(API_KEY[:-1] + "x"))


def test_run_with_identity_and_no_server_acts_as_that_user(tmp_path: Path) -> None:
    project = hardening_project(tmp_path / "project")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([ALBERTPLUS, "run", "--dir", str(project), *args], capture_output=True, text=True,
                              timeout=120)

    added = run("notes:add", '{"text": "offline"}', "--identity", '{"subject": "user_demo"}')
    assert added.returncode == 0, added.stderr
    assert "Traceback" not in added.stderr
    mine = run("notes:mine", "--identity", '{"subject": "user_demo"}')
    assert mine.returncode == 0 and json.loads(mine.stdout) == ["offline"], (mine.stdout, mine.stderr)
    # the same identity a running server gives: the dev key's issuer
    with DevServer(project) as server:
        response = httpx.post(f"{server.url}/api/query", json={"path": "notes:mine", "args": {}},
                              headers={"Authorization": f"Bearer {server.token('user_demo')}"}, timeout=30)
        assert response.json()["value"] == ["offline"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(hardening_project(tmp_path_factory.mktemp("paths") / "project")) as running:
        yield running


@pytest.mark.parametrize("path", ["notes:anonymous\n", "notes\n:anonymous", "notes:anonymous\r\n"])
def test_a_function_path_with_a_newline_is_invalid(server: DevServer, path: str) -> None:
    assert httpx.post(f"{server.url}/api/query", json={"path": "notes:anonymous", "args": {}},
                      timeout=30).json()["value"] == "fast"
    body = httpx.post(f"{server.url}/api/query", json={"path": path, "args": {}}, timeout=30).json()
    assert body["status"] == "error" and "Invalid function" in body["errorMessage"], body
