"""Issue 17 items 5, 7 and 8: request sizes a caller cannot blow up the server with.

- `/api/query_batch`: at most MAX_BATCH_QUERIES queries and MAX_BATCH_ANSWER_BYTES of answer; 20,000 queries
  in a 0.9 MB request used to produce a 106 MB answer after ~10 s.
- The site port streams a request body and stops at the 16 MiB limit (413); a 300 MB chunked POST used to be
  buffered whole first (+500 MB).
- Request headers are capped (431) before any of them reaches the app; a 40 MB header used to be accepted
  (+400 MB) and a 50 MB bearer token parsed.

Memory is read from /proc: the server's peak resident size (VmHWM) after the attack against its size before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from hardening_support import hardening_project, memory_kib, repeated, send_raw, status_of
from server_process import DevServer

from albertplus_cli.server.header_limit import MAX_HEADER_BYTES
from albertplus_cli.server.http_api import MAX_BATCH_ANSWER_BYTES, MAX_BATCH_QUERIES
from albertplus_cli.server.http_protocol import MAX_BODY_SIZE

MIB = 1 << 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(hardening_project(tmp_path_factory.mktemp("limits") / "project")) as running:
        yield running


def batch(server: DevServer, queries: list[dict[str, object]]) -> httpx.Response:
    return httpx.post(f"{server.url}/api/query_batch", json={"queries": queries}, timeout=120)


def grown_mib(server: DevServer, before_kib: int) -> float:
    assert server.process is not None
    return (memory_kib(server.process.pid, "VmHWM") - before_kib) / 1024


def still_serving(server: DevServer) -> None:
    response = httpx.post(f"{server.url}/api/query", json={"path": "notes:anonymous", "args": {}}, timeout=30)
    assert response.json() == {"status": "success", "value": "fast"}


# -- /api/query_batch ---------------------------------------------------------------------------------------------


def test_a_batch_of_twenty_thousand_queries_is_refused(server: DevServer) -> None:
    one = {"path": "notes:big", "args": {"size": 5000}}
    response = batch(server, [one] * 20_000)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "TooManyQueries"
    assert f"at most {MAX_BATCH_QUERIES} queries, got 20000" in body["message"]
    still_serving(server)


def test_a_batch_at_the_limit_is_answered(server: DevServer) -> None:
    response = batch(server, [{"path": "notes:big", "args": {"size": 10}}] * MAX_BATCH_QUERIES)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == MAX_BATCH_QUERIES and results[0] == {"status": "success", "value": "x" * 10}


def test_a_batch_whose_answer_is_too_large_is_refused(server: DevServer) -> None:
    size = 1 * MIB
    count = MAX_BATCH_ANSWER_BYTES // size + 2
    response = batch(server, [{"path": "notes:big", "args": {"size": size}}] * count)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "BatchAnswerTooLarge" and str(MAX_BATCH_ANSWER_BYTES) in body["message"], body
    assert len(response.content) < 10_000
    still_serving(server)


# -- the site port's body limit -----------------------------------------------------------------------------------


def test_a_huge_chunked_upload_to_an_http_action_stops_at_the_limit(server: DevServer) -> None:
    assert server.process is not None
    small = httpx.post(f"{server.site_url}/upload", content=b"y" * 1000, timeout=30)
    assert small.json() == {"received": 1000}
    before = memory_kib(server.process.pid, "VmRSS")
    chunk = b"z" * MIB
    framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    head = b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = send_raw(server.site_url, [head, *repeated(framed, 300 * MIB)])
    assert status_of(answer) == 413, answer[:300]
    assert b"PayloadTooLarge" in answer
    assert grown_mib(server, before) < 100, "the server buffered the upload"
    still_serving(server)


def test_a_declared_oversized_upload_is_refused_before_reading(server: DevServer) -> None:
    head = (b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY_SIZE + 1))
    answer = send_raw(server.site_url, [head])
    assert status_of(answer) == 413


# -- header size ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["api", "site"])
def test_headers_over_the_limit_get_431(server: DevServer, port: str) -> None:
    url = server.url if port == "api" else server.site_url
    fine = httpx.get(f"{url}/instance_name", headers={"x-padding": "p" * (MAX_HEADER_BYTES // 2)}, timeout=30)
    assert fine.status_code != 431
    answer = send_raw(url, [b"GET /instance_name HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"p" * (MAX_HEADER_BYTES + 10)
                            + b"\r\n\r\n"])
    assert status_of(answer) == 431, answer[:300]
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["code"] == "RequestHeaderFieldsTooLarge" and str(MAX_HEADER_BYTES) in body["message"]


def test_a_forty_megabyte_header_does_not_grow_the_server(server: DevServer) -> None:
    assert server.process is not None
    before = memory_kib(server.process.pid, "VmRSS")
    head = b"GET /instance_name HTTP/1.1\r\nHost: x\r\nX-Padding: "
    answer = send_raw(server.url, [head, *repeated(b"p" * MIB, 40 * MIB), b"\r\n\r\n"])
    assert answer == b"" or status_of(answer) == 431, answer[:300]
    assert grown_mib(server, before) < 50
    still_serving(server)


def test_a_fifty_megabyte_bearer_token_is_never_parsed(server: DevServer) -> None:
    assert server.process is not None
    before = memory_kib(server.process.pid, "VmRSS")
    head = (b"POST /api/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            b"Authorization: Bearer ")
    answer = send_raw(server.url, [head, *repeated(b"e" * MIB, 50 * MIB), b"\r\n\r\n{}"])
    assert answer == b"" or status_of(answer) == 431, answer[:300]
    assert grown_mib(server, before) < 50
    assert "Traceback" not in server.output()
    still_serving(server)
