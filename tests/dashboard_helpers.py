"""Shared by the dashboard tests: waiting on a running app, typing, and calling the server like another client."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from textual.pilot import Pilot


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], Any], timeout: float = 10.0,
                   what: str = "condition") -> Any:
    """Let the app run until `predicate()` is truthy (the app keeps processing pushes and timers meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(0.05)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


def call(url: str, admin_key: str, path: str, args: dict[str, Any], identity: str | None = None) -> dict[str, Any]:
    """Another client: `POST /api/function` as admin (internal functions too)."""
    header = f"Convex {admin_key}" + (f":{identity}" if identity else "")
    response = httpx.post(f"{url}/api/function", json={"path": path, "args": args, "format": "json"},
                          headers={"Authorization": header}, timeout=30)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]
