"""Query-cache hits answered by the HTTP protocol itself (server/http_fast_path.py), on a real `albertplus dev`
driven over raw keep-alive sockets: a hit answered there is the same response as the first (computed) answer,
byte for byte but the date; pipelined requests come back whole and in order; CORS, `Connection: close`, large and
oversized bodies, malformed calls and bad credentials behave as on the ordinary path; the admin stats count the
answers so a regression to the slow path shows."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from protocol_support import protocol_project
from server_process import DevServer

ECHO = b'{"path": "messages:echo", "args": {"value": %s}, "format": "json"}'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("fastpath"))) as running:
        yield running


def _request(body: bytes, *headers: str, path: str = "/api/query") -> bytes:
    head = [f"POST {path} HTTP/1.1", "host: 127.0.0.1", "content-type: application/json",
            f"content-length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Connection:
    """One keep-alive connection; reads responses framed by their content-length."""

    def __init__(self, server: DevServer) -> None:
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def closed_by_server(self) -> bool:
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        assert chunk, "the server closed the connection mid-response"
        self.buffer += chunk

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def _fast_answers(server: DevServer) -> int:
    stats = httpx.get(f"{server.url}/api/albertplus/stats", headers={"authorization": f"Convex {server.admin_key}"},
                      timeout=30).json()
    return int(stats["httpFastPathAnswers"])


def _without_date(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name != "date"}


def test_a_hit_is_answered_in_the_protocol_with_the_computed_answers_bytes(server: DevServer) -> None:
    with Connection(server) as conn:
        before = _fast_answers(server)
        conn.send(_request(ECHO % b'"first"', "origin: http://localhost:3000"))
        computed = conn.response()
        conn.send(_request(ECHO % b'"first"', "origin: http://localhost:3000"))
        cached = conn.response()
        assert _fast_answers(server) == before + 1  # the second was a hit, answered without the ASGI app
        assert computed[0] == cached[0] == 200
        assert computed[2] == cached[2]  # the function's log lines replayed too, as Convex does
        assert json.loads(cached[2]) == {"status": "success", "value": "first", "logLines": ["[LOG] echo called"]}
        assert _without_date(computed[1]) == _without_date(cached[1])
        assert cached[1]["access-control-allow-origin"] == "*" and cached[1]["vary"] == "Origin"
        assert cached[1]["content-type"] == "application/json" and "date" in cached[1]

        conn.send(_request(ECHO % b'"first"'))  # no Origin: no CORS headers, as on the ordinary path
        plain = conn.response()
        assert plain[2] == computed[2] and "access-control-allow-origin" not in plain[1]


def test_pipelined_requests_come_back_whole_and_in_order(server: DevServer) -> None:
    with Connection(server) as conn:
        conn.send(_request(ECHO % b"1"))
        assert conn.response()[0] == 200  # now cached
        # hits and misses, and a request error, in one write
        values: list[Any] = [1, "new", 1, 2.5, 1]
        batch = b"".join(_request(ECHO % json.dumps(value).encode()) for value in values)
        batch += _request(b"{not json")
        conn.send(batch)
        for value in values:
            status, _headers, body = conn.response()
            answer = json.loads(body)
            assert status == 200 and answer["status"] == "success" and answer["value"] == value, answer
        status, _headers, body = conn.response()
        assert status == 400 and json.loads(body)["code"] == "BadJsonBody"
        conn.send(_request(ECHO % b"1"))  # the connection still serves
        assert json.loads(conn.response()[2])["value"] == 1


def test_connection_close_answers_then_closes(server: DevServer) -> None:
    with Connection(server) as conn:
        conn.send(_request(ECHO % b'"closing"'))
        conn.response()
        conn.send(_request(ECHO % b'"closing"', "connection: close"))
        status, _headers, body = conn.response()
        assert status == 200 and json.loads(body)["value"] == "closing"
        assert conn.closed_by_server()


def test_large_and_oversized_bodies_go_the_ordinary_way(server: DevServer) -> None:
    with Connection(server) as conn:
        padded = ECHO % b'"padded"' + b" " * 100_000  # over the protocol's 64 KiB hold: the ASGI app reads it
        for _ in range(2):
            conn.send(_request(padded))
            status, _headers, body = conn.response()
            assert status == 200 and json.loads(body)["value"] == "padded"
    too_big = ECHO % b'"x"' + b" " * (17 * 1024 * 1024)  # over MAX_BODY_SIZE (16 MiB and a little)
    response = httpx.post(f"{server.url}/api/query", content=too_big,
                          headers={"content-type": "application/json"}, timeout=60)
    assert response.status_code == 413 and response.json()["code"] == "PayloadTooLarge"


@pytest.mark.parametrize(("headers", "status", "code"), [
    (("content-type: text/plain",), 400, "BadJsonBody"),
    (("convex-client: garbage",), 400, "InvalidClientVersion"),
    (("authorization: Convex albertplus|wrong",), 401, "Unauthenticated"),
    (("authorization: Bearer not-a-jwt",), 401, "Unauthenticated"),
], ids=["content-type", "client-header", "wrong-admin-key", "malformed-bearer"])
def test_a_cached_call_with_bad_headers_is_still_refused(server: DevServer, headers: tuple[str, ...], status: int,
                                                         code: str) -> None:
    with Connection(server) as conn:
        conn.send(_request(ECHO % b'"guarded"'))
        assert conn.response()[0] == 200  # cached for anonymous callers
        raw = _request(ECHO % b'"guarded"', *headers)
        if headers[0].startswith("content-type"):
            raw = raw.replace(b"content-type: application/json\r\n", b"", 1)
        conn.send(raw)
        got_status, _headers, body = conn.response()
        assert got_status == status and json.loads(body)["code"] == code, body


WRITE_FROM_ANOTHER_PROCESS = """
import sys
from pathlib import Path
from albertplus_cli.auth import ADMIN
from albertplus_cli.engine import Engine
engine = Engine(Path(sys.argv[1]))
outcome = engine.executor.run_mutation("messages:send", {"author": "elsewhere", "body": sys.argv[2]}, ADMIN)
assert outcome.ok, outcome.error_message
engine.close()
"""


def test_a_write_by_another_process_is_seen_by_the_very_next_cached_query(server: DevServer) -> None:
    """The fast path reads the newest commit once per event-loop iteration; a commit another process made
    before the request was sent must still be seen (no stale hit, no waiting)."""
    body = b'{"path": "messages:list", "args": {"author": "elsewhere"}, "format": "json"}'
    with Connection(server) as conn:
        for round_number in range(5):
            for _ in range(3):  # computed once, then hits
                conn.send(_request(body))
                assert len(json.loads(conn.response()[2])["value"]) == round_number
            done = subprocess.run([sys.executable, "-c", WRITE_FROM_ANOTHER_PROCESS, str(server.project_dir),
                                   f"note {round_number}"], capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            conn.send(_request(body))
            assert len(json.loads(conn.response()[2])["value"]) == round_number + 1
