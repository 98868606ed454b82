"""Helpers for the tests that drive a running `albertplus dev` over HTTP and the sync WebSocket.

- `PROTOCOL_PROJECT`: tests/projects/protocol (messages, per-user items, ranked rows, an env-driven OIDC provider).
- `within(seconds)`: a hard deadline for the PyPI `convex.ConvexClient`, whose blocking calls hold the GIL in
  Rust (no thread can time them out). It uses SIGALRM on the main thread; the client polls for Python signals
  about once a second, so a hung call ends within about a second of the deadline. pytest-timeout's own alarm
  is saved and restored around it.
- `RawSync`: a raw sync-protocol WebSocket (the `websockets` package) for the edge cases the official clients
  never produce.
- `stats(server)`: the admin-only `GET /api/albertplus/stats`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from server_process import REPO, DevServer, copy_project
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

PROTOCOL_PROJECT = REPO / "tests" / "projects" / "protocol"
TS_ZERO = "AAAAAAAAAAA="


def protocol_project(tmp_path: Path, name: str = "protocol") -> Path:
    return copy_project(PROTOCOL_PROJECT, tmp_path / name)


def ts_decode(text: str) -> int:
    raw = base64.b64decode(text)
    assert len(raw) == 8, text
    return int.from_bytes(raw, "little")


def ts_encode(ts: int) -> str:
    return base64.b64encode(ts.to_bytes(8, "little")).decode()


class Deadline(BaseException):
    """Raised by `within` when the time is up (a BaseException so client code cannot swallow it)."""


@contextlib.contextmanager
def within(seconds: float, what: str = "the operation") -> Iterator[None]:
    fired = {"yes": False}

    def on_alarm(_signum: int, _frame: Any) -> None:
        fired["yes"] = True
        raise Deadline(f"{what} did not finish within {seconds} s")

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, _interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    except Exception as e:  # the Rust client turns an interrupt into a plain Exception
        if fired["yes"]:
            raise Deadline(f"{what} did not finish within {seconds} s") from e
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            remaining = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.01))


def next_matching(iterator: Any, predicate: Callable[[Any], bool], timeout: float, what: str) -> Any:
    """The first value of a PyPI subscription iterator that satisfies `predicate`, within `timeout` s."""
    seen: list[Any] = []
    try:
        with within(timeout, what):
            while True:
                value = next(iterator)
                seen.append(value)
                if predicate(value):
                    return value
    except Deadline:
        raise AssertionError(f"{what}: no matching value within {timeout} s; saw {seen[-3:]!r}") from None


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition",
               interval: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(interval)


def stats(server: DevServer) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/albertplus/stats", headers={"Authorization": f"Convex {server.admin_key}"})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def call(server: DevServer, kind: str, path: str, args: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None, fmt: str = "json") -> dict[str, Any]:
    """POST /api/<kind> and return the UdfResponse body (asserting HTTP 200)."""
    response = httpx.post(f"{server.url}/api/{kind}", json={"path": path, "args": args or {}, "format": fmt},
                          headers=headers or {}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def value_of(server: DevServer, kind: str, path: str, args: dict[str, Any] | None = None, **kw: Any) -> Any:
    body = call(server, kind, path, args, **kw)
    assert body["status"] == "success", body
    return body["value"]


class RawSync:
    """One raw sync WebSocket. `send(...)` takes a message dict; `recv()` returns the next server message."""

    def __init__(self, server: DevServer | str, path: str = "/api/sync", *, connect_msg: bool = True,
                 session_id: str | None = None, connection_count: int = 0, **connect_fields: Any) -> None:
        base = server if isinstance(server, str) else server.url
        self.url = base.replace("http://", "ws://") + path
        self.ws: ClientConnection = connect(self.url, additional_headers={"Convex-Client": "python-0.8.1"},
                                            open_timeout=10, max_size=None).__enter__()
        self.session_id = session_id or str(uuid.uuid4())
        self.received: list[dict[str, Any]] = []
        self.version = {"querySet": 0, "identity": 0, "ts": TS_ZERO}
        self.query_set = 0
        self.identity_version = 0
        self.next_request = 0
        if connect_msg:
            self.send({"type": "Connect", "sessionId": self.session_id, "connectionCount": connection_count,
                       "lastCloseReason": "InitialConnect", "clientTs": 0, **connect_fields})

    # -- frames -------------------------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def send_text(self, text: str) -> None:
        self.ws.send(text)

    def recv(self, timeout: float = 5.0, *, skip_pings: bool = True) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no server message within {timeout} s (got {self.received[-3:]!r})")
            try:
                text = self.ws.recv(timeout=remaining)
            except TimeoutError:
                raise TimeoutError(f"no server message within {timeout} s (got {self.received[-3:]!r})") from None
            message = json.loads(text)
            assert isinstance(message, dict), message
            self.received.append(message)
            if skip_pings and message.get("type") == "Ping":
                continue
            return message

    def expect(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        message = self.recv(timeout)
        assert message.get("type") == kind, f"expected {kind}, got {message}"
        if kind == "Transition":
            self.check_chain(message)
        return message

    def check_chain(self, transition: dict[str, Any]) -> None:
        """Every Transition must start exactly where the previous one ended (all three fields)."""
        assert transition["startVersion"] == self.version, (transition["startVersion"], self.version)
        end = transition["endVersion"]
        assert ts_decode(end["ts"]) >= ts_decode(self.version["ts"]), "a Transition went back in time"
        self.version = end

    def no_message(self, wait: float = 0.4) -> None:
        """Nothing (but Pings) arrives within `wait` seconds."""
        try:
            message = self.recv(wait)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message: {message}")

    def closed(self, timeout: float = 5.0) -> bool:
        """Whether the server closes the socket within `timeout` (after any remaining messages)."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.received.append(json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.01))))
        except ConnectionClosed:
            return True
        except TimeoutError:
            return False
        return False

    # -- protocol steps -----------------------------------------------------------------------------

    def modify(self, adds: list[tuple[int, str, dict[str, Any]]] | None = None, removes: list[int] | None = None,
               *, base: int | None = None, new: int | None = None) -> None:
        modifications: list[dict[str, Any]] = [
            {"type": "Add", "queryId": qid, "udfPath": path, "args": [args]} for qid, path, args in adds or []
        ]
        modifications += [{"type": "Remove", "queryId": qid} for qid in removes or []]
        base = self.query_set if base is None else base
        new = base + 1 if new is None else new
        self.send({"type": "ModifyQuerySet", "baseVersion": base, "newVersion": new, "modifications": modifications})
        self.query_set = new

    def mutation(self, path: str, args: dict[str, Any], request_id: int | None = None) -> int:
        if request_id is None:
            request_id = self.next_request
            self.next_request += 1
        self.send({"type": "Mutation", "requestId": request_id, "udfPath": path, "args": [args]})
        return request_id

    def action(self, path: str, args: dict[str, Any]) -> int:
        request_id = self.next_request
        self.next_request += 1
        self.send({"type": "Action", "requestId": request_id, "udfPath": path, "args": [args]})
        return request_id

    def authenticate(self, token_type: str, value: str | None = None, **extra: Any) -> None:
        message: dict[str, Any] = {"type": "Authenticate", "tokenType": token_type,
                                   "baseVersion": self.identity_version, **extra}
        if value is not None:
            message["value"] = value
        self.send(message)
        self.identity_version += 1

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()

    def __enter__(self) -> RawSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def modifications_by_id(transition: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {m["queryId"]: m for m in transition["modifications"]}
