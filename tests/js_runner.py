"""Run a Node script that uses the official npm `convex` client (installed in tests/js by the test command)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

JS_DIR = Path(__file__).resolve().parent / "js"


def run_node(script: str, *args: str, timeout: float = 60.0) -> Any:
    """Run tests/js/<script> with args; it must print one JSON document as its last stdout line."""
    if not (JS_DIR / "node_modules" / "convex").is_dir():
        raise RuntimeError("the npm test clients are not installed: run `npm ci --prefix tests/js` "
                           "(the README's test command does)")
    result = subprocess.run(["node", str(JS_DIR / script), *args], cwd=JS_DIR, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"node {script} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if not lines:
        raise AssertionError(f"node {script} printed nothing:\n{result.stderr}")
    return json.loads(lines[-1])
