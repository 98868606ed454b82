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


SLOW_FUNCTIONS = '''
import time as clock
from albertplus_cli.server import query
from albertplus_cli.values import v

@query(args={"n": v.number()})
def slow(ctx, args):
    end = clock.perf_counter() + 1.5
    while clock.perf_counter() < end:
        pass
    return args["n"]

@query(args={})
def fast(ctx, args):
    return "fast"
'''


def test_a_query_known_to_be_slow_no_longer_holds_up_the_others(tmp_path: Path, dev_server) -> None:  # type: ignore[no-untyped-def]
    """Its first run (on the event loop) marks it slow; from then on it runs on a worker thread, and a short
    query sent while it runs is answered before it finishes."""
    import threading
    import time

    from project_factory import write_project

    server = dev_server(write_project(tmp_path / "slow", None, {"timing.py": SLOW_FUNCTIONS}))
    assert httpx.post(f"{server.url}/api/query", json={"path": "timing:slow", "args": {"n": 1}},
                      timeout=30).json()["value"] == 1
    finished: dict[str, float] = {}

    def call(name: str, args: dict[str, object]) -> None:
        response = httpx.post(f"{server.url}/api/query", json={"path": f"timing:{name}", "args": args}, timeout=30)
        assert response.json()["status"] == "success"
        finished[name] = time.monotonic()

    slow = threading.Thread(target=call, args=("slow", {"n": 2}))
    slow.start()
    time.sleep(0.3)
    call("fast", {})
    slow.join()
    assert finished["fast"] < finished["slow"]
    assert _stats(server)["slowFunctions"] == ["timing:slow"]


def test_a_garbage_collection_during_a_call_is_not_counted_as_the_functions_time() -> None:
    """A full collection over a large heap (a big query cache) can take longer than the loop budget; counting it
    moved a 100 µs query to the worker threads for 30 s. The function's own slowness still counts."""
    import gc
    import time

    from albertplus_cli.placement import Placement

    placement = Placement(budget=0.005)
    heap = [[i] for i in range(400_000)]  # tracked objects: a full collection walks every one
    started = placement.start()
    began = time.perf_counter()
    gc.collect()
    assert time.perf_counter() - began > placement.budget, "the collection alone exceeds the budget"
    placement.observe("courses:get", placement.elapsed(started))
    assert placement.on_loop("courses:get") and placement.slow_functions() == []
    started = placement.start()
    deadline = time.thread_time() + 0.02
    while time.thread_time() < deadline:  # 20 ms of the function's own CPU
        pass
    placement.observe("courses:get", placement.elapsed(started))
    assert not placement.on_loop("courses:get") and placement.slow_functions() == ["courses:get"]
    del heap
