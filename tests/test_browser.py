"""A real browser against a real `albertplus dev` (issue 11, part 5).

Headless Chromium (Debian's `chromium` package, driven by `playwright-core` with its executable path: no browser
download) loads a page served on another localhost port. The page uses the npm `convex` browser client, bundled
by esbuild (from `tests/browser/app.js`): `ConvexClient.onUpdate` subscriptions over the sync WebSocket with a
dev JWT, a mutation whose result appears on the page, `ConvexHttpClient` calls across origins (CORS with an
Authorization header, a ConvexError with its data). Then another process sends an HTTP mutation and the page
shows it live.

`scripts/setup` installs chromium; this test installs it itself when it is missing and it may (root with
apt-get), and skips, saying why, only when it cannot.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_process import REPO, DevServer

CHROMIUM = Path("/usr/bin/chromium")
JS_DIR = REPO / "tests" / "js"
DRIVER = REPO / "tests" / "browser" / "drive.mjs"


def _chromium() -> Path:
    """Debian's chromium, installed now if it is missing and this user can (CI runs as root)."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, capture_output=True, timeout=900,
                       check=False)
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing and could not be installed (needs root and apt-get: "
                    "`apt-get install chromium`, as scripts/setup does)")
    return CHROMIUM


def _read_lines(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def test_a_real_browser_subscribes_mutates_and_sees_live_updates(messages_project: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    for package in ("convex", "esbuild", "playwright-core"):
        assert (JS_DIR / "node_modules" / package).is_dir(), f"{package} is missing: run scripts/setup"
    with DevServer(messages_project) as server:
        token = server.token("user_browser")
        author = "browser-test"
        driver = subprocess.Popen(["node", str(DRIVER), server.url, author, token, str(tmp_path / "page"),
                                   str(chromium)], cwd=JS_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_read_lines, args=(driver.stdout, lines), daemon=True).start()
        result: dict[str, Any] | None = None
        seen: list[str] = []
        try:
            while True:
                line = lines.get(timeout=120)
                if line is None:
                    break
                seen.append(line)
                event = json.loads(line)
                if event.get("event") == "ready":
                    # Another process (this one, over HTTP) writes; the page must show it without reloading.
                    sent = httpx.post(f"{server.url}/api/mutation", timeout=30,
                                      json={"path": "messages:send", "args": {"author": author, "body": "from-http"}})
                    assert sent.json()["status"] == "success", sent.text
                elif "ok" in event:
                    result = event
            driver.wait(timeout=30)
        finally:
            if driver.poll() is None:
                driver.kill()
                driver.wait()
        stderr = driver.stderr.read() if driver.stderr else ""
        assert result is not None, f"the driver printed no result:\n{''.join(seen)}\n{stderr}"
        assert result["ok"], f"{result.get('error')}\nconsole: {result.get('console')}\n{stderr}"
        output = server.output()

    assert "Chrome/" in result["userAgent"] and "HeadlessChrome" in result["userAgent"], result["userAgent"]
    # Live updates: the page's own mutation, its HTTP client's mutation, and the other process's all showed up.
    assert result["rendered"][:3] == ["from-page", "from-page-http", "from-http"], result["rendered"]
    assert result["whoami"] == "user_browser"
    assert isinstance(result["sentId"], str) and result["sentId"]
    http = result["http"]
    assert http["anonymous"] is None and http["signedIn"] == "user_browser", http
    assert http["refused"] == {"name": "ConvexError", "data": {"code": "EMPTY", "message": "a message needs a body"}}
    assert result["state"]["errors"] == [], result["state"]["errors"]
    assert result["pageErrors"] == [], result["pageErrors"]
    problems = [line for line in result["console"]
                if "CONVEX FATAL ERROR" in line or "CORS" in line or "Failed to load" in line
                or line.startswith("error:")]
    assert problems == [], problems
    assert token not in output and "Traceback" not in output
