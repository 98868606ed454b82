"""What the running `albertplus dev` really uses, asked from the server itself: uvloop, httptools, the query
cache's counters in the admin stats answer (the dashboard's health view), and plain execution lines."""

from __future__ import annotations

from pathlib import Path

import httpx
from server_process import DevServer


def _stats(server: DevServer) -> dict[str, object]:
    response = httpx.get(f"{server.url}/api/albertplus/stats",
                         headers={"authorization": f"Convex {server.admin_key}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_dev_runs_on_uvloop_with_httptools(messages_project: Path, dev_server) -> None:  # type: ignore[no-untyped-def]
    server = dev_server(messages_project)
    stats = _stats(server)
    assert stats["eventLoop"] == "uvloop.Loop"
    assert stats["httpProtocol"] == "uvicorn.protocols.http.httptools_impl.HttpToolsProtocol"


def test_stats_count_query_cache_hits_and_misses(messages_project: Path, dev_server) -> None:  # type: ignore[no-untyped-def]
    server = dev_server(messages_project)
    before = _stats(server)["queryCache"]
    assert isinstance(before, dict) and {"hits", "misses", "entries", "bytes"} <= set(before)
    body = {"path": "messages:list", "args": {"author": "cache"}, "format": "json"}
    for _ in range(3):
        response = httpx.post(f"{server.url}/api/query", json=body, timeout=10)
        assert response.json()["value"] == []
    after = _stats(server)["queryCache"]
    assert isinstance(after, dict)
    assert after["misses"] - before["misses"] == 1
    assert after["hits"] - before["hits"] == 2
    assert after["entries"] >= 1 and after["bytes"] > 0
    # A write to what the query read makes the next answer fresh, not the cached one.
    sent = httpx.post(f"{server.url}/api/mutation", timeout=10,
                      json={"path": "messages:send", "args": {"author": "cache", "body": "hi"}, "format": "json"})
    assert sent.json()["status"] == "success"
    response = httpx.post(f"{server.url}/api/query", json=body, timeout=10)
    assert [m["body"] for m in response.json()["value"]] == ["hi"]


def test_execution_lines_are_plain_text_and_user_text_stays_on_one_line(messages_project: Path,
                                                                         dev_server) -> None:  # type: ignore[no-untyped-def]
    server = dev_server(messages_project)
    httpx.post(f"{server.url}/api/query", json={"path": "messages:echo", "args": {"value": 1}}, timeout=10)
    httpx.post(f"{server.url}/api/query", json={"path": "messages:nope\nQ forged:line 0.1 ms ok", "args": {}},
               timeout=10)
    out = server.wait_for_output("Q messages:echo")
    line = next(text for text in out.splitlines() if "Q messages:echo" in text)
    assert line.endswith(" ok") and "[green]" not in line
    assert "    [LOG] echo called" in out
    out = server.wait_for_output("messages:nope")
    assert "messages:nope\\nQ forged:line" in out
    assert not any(text.startswith("Q forged:line") for text in out.splitlines())
