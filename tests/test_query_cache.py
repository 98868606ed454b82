"""The query cache on the real engine: cached answers equal fresh ones under any interleaving of writes (also
writes of another engine on the same file, as another process makes them), results that read the clock or use
randomness are never reused, and the memory bound holds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from project_factory import MESSAGES_SCHEMA, write_project

from albertplus_cli.auth import ADMIN, ANONYMOUS
from albertplus_cli.engine import Engine
from albertplus_cli.functions.executor import Executor

FUNCTIONS = """
from albertplus_cli.server import action, query, mutation
from albertplus_cli.values import v

@query(args={"author": v.optional(v.string())})
def list(ctx, args):
    q = ctx.db.query("messages")
    if "author" in args:
        q = q.with_index("by_author", lambda r: r.eq("author", args["author"]))
    return q.collect()

@query(args={"author": v.string(), "min": v.number()})
def liked(ctx, args):
    return ctx.db.query("messages").with_index(
        "by_author_likes", lambda r: r.eq("author", args["author"]).gte("likes", args["min"])).collect()

@query(args={"text": v.string(), "author": v.string()})
def search(ctx, args):
    return ctx.db.query("messages").with_search_index(
        "search_body", lambda s: s.search("body", args["text"]).eq("author", args["author"])).take(5)

@query(args={})
def first(ctx, args):
    doc = ctx.db.query("messages").first()
    return None if doc is None else ctx.db.get(doc["_id"])

@query(args={})
def users(ctx, args):
    return [u["name"] for u in ctx.db.query("users").collect()]

@mutation(args={"author": v.string(), "body": v.string()})
def send(ctx, args):
    return ctx.db.insert("messages", args)

@mutation(args={"n": v.number()})
def like(ctx, args):
    docs = ctx.db.query("messages").collect()
    if docs:
        doc = docs[int(args["n"]) % len(docs)]
        ctx.db.patch(doc["_id"], {"likes": doc.get("likes", 0) + 1})

@mutation(args={"n": v.number()})
def remove(ctx, args):
    docs = ctx.db.query("messages").collect()
    if docs:
        ctx.db.delete(docs[int(args["n"]) % len(docs)]["_id"])

@mutation(args={"name": v.string()})
def addUser(ctx, args):
    ctx.db.insert("users", args)

@action(args={"author": v.string()})
def tamper(ctx, args):
    docs = ctx.run_query("messages:list", {"author": args["author"]})
    docs.append({"forged": True})
    for doc in docs[:-1]:
        doc["body"] = "changed by an action"
    return len(docs)
"""

CLOCK_FUNCTIONS = """
import datetime
import random
import time
import uuid
from time import time_ns
from albertplus_cli.server import query
from albertplus_cli.values import v

@query(args={})
def now(ctx, args):
    return time.time()

@query(args={})
def now_ns(ctx, args):
    return str(time_ns())

@query(args={})
def today(ctx, args):
    return datetime.datetime.now().isoformat()

@query(args={})
def dice(ctx, args):
    return random.random()

@query(args={})
def token(ctx, args):
    return str(uuid.uuid4())

class Clock:
    @staticmethod
    def stamp():
        return datetime.datetime.now().isoformat()

@query(args={})
def via_class(ctx, args):
    return Clock.stamp()

@query(args={})
def plain(ctx, args):
    return len(ctx.db.query("messages").collect())
"""

AUTHORS = ["ada", "bob", "cy"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    """The server's engine and a second engine on the same file (another process's writes)."""
    root = write_project(tmp_path_factory.mktemp("cache"), MESSAGES_SCHEMA,
                         {"messages.py": FUNCTIONS, "clock.py": CLOCK_FUNCTIONS})
    server = Engine(root)
    other = Engine(root)
    try:
        yield server, other
    finally:
        other.close()
        server.close()


def _fresh(engine: Engine) -> Executor:
    uncached = Executor(engine.db, lambda: engine.project)
    uncached.query_cache.max_bytes = 0
    return uncached


reads = st.one_of(
    st.tuples(st.just("messages:list"), st.sampled_from([{}] + [{"author": a} for a in AUTHORS])),
    st.tuples(st.just("messages:liked"), st.builds(lambda a, m: {"author": a, "min": m},
                                                   st.sampled_from(AUTHORS), st.integers(0, 3))),
    st.tuples(st.just("messages:search"), st.builds(lambda t, a: {"text": t, "author": a},
                                                    st.sampled_from(["hello", "world"]), st.sampled_from(AUTHORS))),
    st.tuples(st.just("messages:first"), st.just({})),
    st.tuples(st.just("messages:users"), st.just({})),
)
writes = st.one_of(
    st.tuples(st.just("messages:send"), st.builds(lambda a, b: {"author": a, "body": b}, st.sampled_from(AUTHORS),
                                                  st.sampled_from(["hello there", "world", "hello world"]))),
    st.tuples(st.just("messages:like"), st.builds(lambda n: {"n": n}, st.integers(0, 50))),
    st.tuples(st.just("messages:remove"), st.builds(lambda n: {"n": n}, st.integers(0, 50))),
    st.tuples(st.just("messages:addUser"), st.builds(lambda n: {"name": n}, st.sampled_from(["x", "y"]))),
)
steps = st.lists(st.one_of(
    st.tuples(st.just("read"), reads, st.booleans()),           # (read, call, inside a pinned snapshot)
    st.tuples(st.just("write"), writes, st.booleans()),         # (write, call, by the other engine)
), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_cached_answers_equal_fresh_ones_under_any_interleaving(engines: tuple[Engine, Engine],
                                                                 steps: list[Any]) -> None:
    server, other = engines
    fresh = _fresh(server)
    for kind, (path, args), flag in steps:
        if kind == "write":
            writer = other if flag else server
            outcome = writer.executor.run_mutation(path, args, ADMIN, public_only=False)
            assert outcome.ok, outcome.error_message
            continue
        if flag:
            with server.db.snapshot():
                cached = server.executor.run_query(path, args, ANONYMOUS)
                expected = fresh.run_query(path, args, ANONYMOUS)
        else:
            cached = server.executor.run_query(path, args, ANONYMOUS)
            expected = fresh.run_query(path, args, ANONYMOUS)
        assert cached.ok and expected.ok, (cached.error_message, expected.error_message)
        assert cached.value == expected.value, (path, args)


def test_the_cache_answers_repeated_reads_and_counts_them(engines: tuple[Engine, Engine]) -> None:
    server, other = engines
    cache = server.executor.query_cache
    server.executor.run_query("messages:list", {"author": "zed"}, ANONYMOUS)
    before = cache.summary()
    for _ in range(5):
        assert server.executor.run_query("messages:list", {"author": "zed"}, ANONYMOUS).value == []
    after = cache.summary()
    assert after["hits"] - before["hits"] == 5
    assert after["misses"] == before["misses"]
    # Another engine's write to what the query read is seen at once, through the commit log.
    assert other.executor.run_mutation("messages:send", {"author": "zed", "body": "b"}, ADMIN).ok
    assert [d["body"] for d in server.executor.run_query("messages:list", {"author": "zed"}, ANONYMOUS).value] == ["b"]
    assert cache.summary()["misses"] == after["misses"] + 1
    # A write elsewhere (another author's range) leaves the entry in place.
    assert other.executor.run_mutation("messages:send", {"author": "yan", "body": "c"}, ADMIN).ok
    hits = cache.summary()["hits"]
    server.executor.run_query("messages:list", {"author": "zed"}, ANONYMOUS)
    assert cache.summary()["hits"] == hits + 1


@pytest.mark.parametrize("name", ["now", "now_ns", "today", "dice", "token", "via_class"])
def test_results_that_read_the_clock_or_use_randomness_are_never_reused(engines: tuple[Engine, Engine],
                                                                        name: str) -> None:
    server, _other = engines
    first = server.executor.run_query(f"clock:{name}", {}, ANONYMOUS)
    time.sleep(0.002)
    second = server.executor.run_query(f"clock:{name}", {}, ANONYMOUS)
    assert first.ok and second.ok
    assert first.value != second.value


def test_a_query_beside_clock_readers_is_still_cached(engines: tuple[Engine, Engine]) -> None:
    """`clock.py` imports datetime and time; only the functions that use them lose the cache."""
    server, _other = engines
    cache = server.executor.query_cache
    server.executor.run_query("clock:plain", {}, ANONYMOUS)
    hits = cache.summary()["hits"]
    server.executor.run_query("clock:plain", {}, ANONYMOUS)
    assert cache.summary()["hits"] == hits + 1


def test_memory_stays_within_the_budget(tmp_path: Path) -> None:
    root = write_project(tmp_path / "small", MESSAGES_SCHEMA, {"messages.py": FUNCTIONS})
    engine = Engine(root)
    try:
        cache = engine.executor.query_cache
        cache.max_bytes = 20_000
        for i in range(30):
            assert engine.executor.run_mutation("messages:send", {"author": f"a{i}", "body": "x" * 400}, ADMIN).ok
        for i in range(30):
            assert engine.executor.run_query("messages:list", {"author": f"a{i}"}, ANONYMOUS).ok
        summary = cache.summary()
        assert 0 < summary["bytes"] <= 20_000
        assert summary["entries"] < 30  # the oldest were evicted
        # The newest is still answered from the cache.
        hits = summary["hits"]
        engine.executor.run_query("messages:list", {"author": "a29"}, ANONYMOUS)
        assert cache.summary()["hits"] == hits + 1
    finally:
        engine.close()


def test_an_action_changing_a_query_result_does_not_change_the_cached_one(engines: tuple[Engine, Engine]) -> None:
    server, _other = engines
    assert server.executor.run_mutation("messages:send", {"author": "kim", "body": "original"}, ADMIN).ok
    first = server.executor.run_query("messages:list", {"author": "kim"}, ANONYMOUS).value
    assert server.executor.run_action("messages:tamper", {"author": "kim"}, ANONYMOUS).value == 2
    again = server.executor.run_query("messages:list", {"author": "kim"}, ANONYMOUS).value
    assert [d["body"] for d in again] == ["original"] == [d["body"] for d in first]


def test_a_result_over_the_entry_limit_is_answered_but_not_kept(tmp_path: Path) -> None:
    root = write_project(tmp_path / "big", MESSAGES_SCHEMA, {"messages.py": FUNCTIONS})
    engine = Engine(root)
    try:
        cache = engine.executor.query_cache
        cache.max_entry_bytes = 5_000
        assert engine.executor.run_mutation("messages:send", {"author": "big", "body": "x" * 20_000}, ADMIN).ok
        assert engine.executor.run_mutation("messages:send", {"author": "small", "body": "x"}, ADMIN).ok
        for _ in range(2):
            big = engine.executor.run_query("messages:list", {"author": "big"}, ANONYMOUS)
            assert big.ok and big.value[0]["body"] == "x" * 20_000
            assert engine.executor.run_query("messages:list", {"author": "small"}, ANONYMOUS).ok
        summary = cache.summary()
        assert summary["entries"] == 1 and summary["bytes"] < 5_000  # only the small result was kept
        assert summary["hits"] == 1  # the small one's second run
    finally:
        engine.close()
