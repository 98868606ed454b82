"""`albertplus env`: deployment variables stored in the database and seen by functions through `os.environ`,
set while `dev` runs (no restart), set with no server running, validated, and never leaking between calls."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from project_factory import open_engine
from server_process import ALBERTPLUS, DevServer, copy_project

from albertplus_cli.auth import ADMIN
from albertplus_cli.functions import deployment_env

REPO = Path(__file__).resolve().parents[1]


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=60, input=stdin,
                          env={**env, "COLUMNS": "200"})


def _site(server: DevServer, key: str) -> httpx.Response:
    return httpx.post(f"{server.site_url}/api/appConfigs/get", json={"key": "current_term"},
                      headers={"X-API-KEY": key}, timeout=30)


class _Scraper(BaseHTTPRequestHandler):
    """A stand-in scraper worker: records each POST and answers as the real one does."""

    received: list[tuple[str, str | None]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.received.append((self.path, self.headers.get("X-API-KEY")))
        body = json.dumps({"success": True, "jobId": "job_1", "jobType": "programs"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_env_set_while_dev_runs_guards_the_scraper_routes_and_reaches_the_scraper(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "albertplus")
    scraper = ThreadingHTTPServer(("127.0.0.1", 0), _Scraper)
    threading.Thread(target=scraper.serve_forever, daemon=True).start()
    _Scraper.received = []
    try:
        with DevServer(project) as server:
            dir_ = str(project)
            assert _site(server, "k-123").status_code == 401  # nothing set yet: every key is refused

            assert _cli("env", "set", "CONVEX_API_KEY", "k-123", "--dir", dir_).returncode == 0
            ok = _site(server, "k-123")
            assert ok.status_code == 200, ok.text
            assert "data" in ok.json()
            wrong = _site(server, "k-999")
            assert wrong.status_code == 401 and "API key" in wrong.json()["error"]

            # the action reads SCRAPER_URL and CONVEX_API_KEY through os.environ and calls the scraper with them
            url = f"http://127.0.0.1:{scraper.server_address[1]}"
            assert _cli("env", "set", f"SCRAPER_URL={url}", "--dir", dir_).returncode == 0
            run = _cli("run", "scraper:triggerMajorsScraping", "--identity", '{"subject": "a", "is_admin": true}',
                       "--dir", dir_)
            assert run.returncode == 0, run.stderr
            assert json.loads(run.stdout)["jobId"] == "job_1"
            assert _Scraper.received == [("/api/programs", "k-123")]

            listed = _cli("env", "list", "--dir", dir_)
            assert listed.stdout.splitlines() == ["CONVEX_API_KEY=k-123", f"SCRAPER_URL={url}"]
            assert _cli("env", "get", "SCRAPER_URL", "--dir", dir_).stdout.strip() == url

            assert _cli("env", "remove", "CONVEX_API_KEY", "--dir", dir_).returncode == 0
            assert _site(server, "k-123").status_code == 401
            missing = _cli("env", "get", "CONVEX_API_KEY", "--dir", dir_)
            assert missing.returncode == 1 and "not set" in missing.stderr
            assert _cli("env", "remove", "CONVEX_API_KEY", "--dir", dir_).returncode == 0  # idempotent, as Convex
    finally:
        scraper.shutdown()


ENV_FUNCTIONS = {
    "settings.py": """
        import os
        from albertplus_cli.server import query

        @query(args={})
        def greeting(ctx, args):
            return os.environ.get("GREETING", "unset")
    """,
}


def test_a_variable_set_with_no_server_is_seen_by_the_next_dev_and_live_queries_follow_changes(
        tmp_path: Path) -> None:
    from convex import ConvexClient
    from project_factory import write_project

    project = write_project(tmp_path / "app", None, ENV_FUNCTIONS)
    dir_ = str(project)
    assert _cli("env", "set", "GREETING", "hello", "--dir", dir_).returncode == 0  # no server: the database
    assert _cli("env", "get", "GREETING", "--dir", dir_).stdout.strip() == "hello"
    with DevServer(project) as server:
        client = ConvexClient(server.url)
        assert client.query("settings:greeting") == "hello"
        updates = client.subscribe("settings:greeting")
        assert next(updates) == "hello"
        assert _cli("env", "set", "GREETING", "bonjour", "--dir", dir_).returncode == 0
        assert next(updates) == "bonjour"  # the live query re-ran on the change, no restart
        updates.unsubscribe()
        assert _cli("env", "remove", "GREETING", "--dir", dir_).returncode == 0
        assert client.query("settings:greeting") == "unset"


def test_bad_names_and_values_are_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    from project_factory import write_project

    dir_ = str(write_project(tmp_path / "app", None, ENV_FUNCTIONS))
    for args in (["1ABC", "x"], ["MY-VAR", "x"], ["A" * 41, "x"], ["BIG", "x" * (8 * 1024 + 1)]):
        result = _cli("env", "set", *args, "--dir", dir_)
        assert result.returncode == 2, (args[0][:10], result.stderr)
        assert result.stderr.startswith("error:") and "Traceback" not in result.stderr
    assert _cli("env", "set", "A" * 40, "x" * (8 * 1024), "--dir", dir_).returncode == 0
    assert _cli("env", "list", "--dir", dir_).stdout.splitlines() == [f"{'A' * 40}={'x' * 8192}"]
    from_stdin = _cli("env", "set", "PIPED", "--dir", dir_, stdin="from stdin\n")
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert _cli("env", "get", "PIPED", "--dir", dir_).stdout == "from stdin\n"


def test_concurrent_calls_of_two_deployments_each_see_only_their_own_variables(tmp_path: Path) -> None:
    """Two engines (two databases) in one process, their queries interleaved on many threads."""
    marker = "ALBERTPLUS_TEST_ONLY_VARIABLE"
    with open_engine(tmp_path / "a", None, ENV_FUNCTIONS | {"probe.py": PROBE}) as a, \
            open_engine(tmp_path / "b", None, ENV_FUNCTIONS | {"probe.py": PROBE}) as b:
        deployment_env.apply_changes(a.db, [(marker, "from-a")])
        deployment_env.apply_changes(b.db, [(marker, "from-b")])
        errors: list[str] = []

        def hammer(engine: Any, expected: str) -> None:
            for _ in range(200):
                outcome = engine.executor.run_query("probe:read", {}, ADMIN)
                if not outcome.ok or outcome.value != expected:
                    errors.append(f"expected {expected}, got {outcome.value or outcome.error_message}")

        threads = [threading.Thread(target=hammer, args=(engine, value))
                   for engine, value in ((a, "from-a"), (b, "from-b")) * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert marker not in os.environ and os.environ.get(marker) is None  # outside a call: the process env
        action = a.executor.run_action("probe:fromAction", {}, ADMIN)
        assert action.ok and action.value == ["from-a", "from-a"], action.error_message


PROBE = """
    import os
    from albertplus_cli.server import action, query

    @query(args={})
    def read(ctx, args):
        return os.environ["ALBERTPLUS_TEST_ONLY_VARIABLE"]

    @action(args={})
    def fromAction(ctx, args):
        return [os.getenv("ALBERTPLUS_TEST_ONLY_VARIABLE"), ctx.run_query("probe:read")]
"""
