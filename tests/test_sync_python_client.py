"""The official PyPI `convex.ConvexClient` (Rust core, sync WebSocket) against a real `albertplus dev`:
subscriptions, mutations, actions, values, errors, set_auth/clear_auth, recovery from a bad token on a live
socket, and reconnection after the server is killed and restarted on the same ports with the same database."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import convex
import pytest
from convex import ConvexClient, ConvexInt64
from protocol_support import next_matching, protocol_project, value_of, within
from server_process import DevServer

from albertplus_cli.auth import ADMIN
from albertplus_cli.engine import Engine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("pyclient"))) as running:
        yield running


def test_subscription_sees_mutations_from_another_client_and_its_own(server: DevServer) -> None:
    watcher, writer = ConvexClient(server.url), ConvexClient(server.url)
    updates = iter(watcher.subscribe("messages:list", {"author": "py-live"}))
    assert next_matching(updates, lambda v: v == [], 10, "first result") == []
    with within(10, "mutation from the other client"):
        other_id = writer.mutation("messages:send", {"author": "py-live", "body": "from writer"})
    value = next_matching(updates, lambda v: len(v) == 1, 5, "update after the other client's mutation")
    assert value[0]["_id"] == other_id and value[0]["body"] == "from writer"
    assert isinstance(value[0]["_creationTime"], float)
    with within(10, "own mutation"):
        own_id = watcher.mutation("messages:send", {"author": "py-live", "body": "from watcher"})
        # read-your-writes: the query right after the mutation sees it
        assert [d["_id"] for d in watcher.query("messages:list", {"author": "py-live"})] == [other_id, own_id]
    value = next_matching(updates, lambda v: len(v) == 2, 5, "update after its own mutation")
    assert [d["body"] for d in value] == ["from writer", "from watcher"]
    with within(10, "like"):
        assert watcher.mutation("messages:like", {"id": own_id}) == 1.0
    value = next_matching(updates, lambda v: v[-1].get("likes") == 1.0, 5, "update after the patch")
    with within(10, "action"):
        assert watcher.action("messages:countViaAction", {"author": "py-live"}) == 2.0


def test_values_and_errors_over_the_socket(server: DevServer) -> None:
    client = ConvexClient(server.url)
    value = {"i": ConvexInt64(-(2**63)), "big": ConvexInt64(2**63 - 1), "b": b"\x00\xff", "nan": math.nan,
             "inf": math.inf, "ninf": -math.inf, "negzero": -0.0, "nested": [{"x": ConvexInt64(3)}, None, True]}
    with within(10, "echo"):
        back = client.query("messages:echo", {"value": value})
    assert back["i"] == ConvexInt64(-(2**63)) and back["big"] == ConvexInt64(2**63 - 1)
    assert back["b"] == b"\x00\xff" and math.isnan(back["nan"])
    assert back["inf"] == math.inf and back["ninf"] == -math.inf
    assert back["negzero"] == 0 and math.copysign(1, back["negzero"]) == -1
    assert back["nested"] == [{"x": ConvexInt64(3)}, None, True]
    with within(10, "typed"):
        typed = client.query("messages:typed", {"n": ConvexInt64(5), "b": b"\x01", "f": 2.5})
    assert typed == {"n": ConvexInt64(5), "b": b"\x01", "f": 2.5}
    # a Python int is a float64: the int64 validator names the field it rejects
    with within(10, "typed with a float"), pytest.raises(Exception) as info:
        client.query("messages:typed", {"n": 5, "b": b"\x01", "f": 2.5})
    assert "ArgumentValidationError" in str(info.value) and "Path: .n" in str(info.value)
    with within(10, "ConvexError"), pytest.raises(convex.ConvexError) as convex_error:
        client.mutation("messages:send", {"author": "py", "body": ""})
    assert convex_error.value.data == {"code": "EMPTY", "message": "a message needs a body"}
    with within(10, "failing query"), pytest.raises(Exception) as failed:
        client.query("messages:boom")
    assert "Uncaught ValueError: boom went the query" in str(failed.value)
    with within(10, "internal function"), pytest.raises(Exception) as internal:
        client.query("messages:secret")
    assert "Could not find public function for 'messages:secret'" in str(internal.value)
    client.set_admin_auth(server.admin_key)
    with within(10, "internal function as admin"):
        assert client.query("messages:secret") == "classified"


def test_set_auth_and_clear_auth_rerun_live_queries(server: DevServer) -> None:
    client = ConvexClient(server.url)
    who = iter(client.subscribe("messages:identity"))
    assert next_matching(who, lambda v: True, 10, "anonymous identity") is None
    client.set_auth(server.token("alice", {"is_admin": True, "email": "alice@nyu.edu"}))
    alice = next_matching(who, lambda v: v is not None, 10, "alice's identity")
    assert alice["subject"] == "alice" and alice["is_admin"] is True and alice["email"] == "alice@nyu.edu"
    assert alice["tokenIdentifier"] == f"{alice['issuer']}|alice"
    client.set_auth(server.token("bob"))
    assert next_matching(who, lambda v: v is not None and v["subject"] == "bob", 10, "bob")["subject"] == "bob"
    client.clear_auth()
    assert next_matching(who, lambda v: v is None, 10, "signed out") is None


def test_a_bad_token_on_a_live_socket_then_a_good_one_recovers(server: DevServer) -> None:
    client = ConvexClient(server.url)
    who = iter(client.subscribe("messages:whoami"))
    assert next_matching(who, lambda v: True, 10, "anonymous") is None
    client.set_auth(server.token("mallory", expires_in=-3600))  # refused: AuthError, the client reconnects
    time.sleep(1.0)  # let it hit the refusal and retry with the same bad token (sleep releases the GIL)
    client.set_auth(server.token("carol"))
    assert next_matching(who, lambda v: v == "carol", 20, "recovery with a good token") == "carol"
    with within(10, "mutation after recovery"):
        assert isinstance(client.mutation("messages:send", {"author": "carol", "body": "back"}), str)
    assert value_of(server, "query", "messages:count", {"author": "carol"}) == 1


def test_reconnects_by_itself_after_the_server_restarts(tmp_path_factory: pytest.TempPathFactory) -> None:
    project = protocol_project(tmp_path_factory.mktemp("restart"))
    server = DevServer(project).start()
    try:
        client = ConvexClient(server.url)
        updates = iter(client.subscribe("messages:list", {"author": "phoenix"}))
        assert next_matching(updates, lambda v: True, 10, "first result") == []
        with within(10, "mutation before the crash"):
            client.mutation("messages:send", {"author": "phoenix", "body": "before"})
        next_matching(updates, lambda v: len(v) == 1, 5, "the first message")
        server.kill()
        # while the server is down, another process writes to the same database
        engine = Engine(project)
        try:
            engine.executor.run_mutation("messages:send", {"author": "phoenix", "body": "while down"}, ADMIN,
                                         public_only=False)
        finally:
            engine.close()
        server.start()  # same ports, same database
        value = next_matching(updates, lambda v: len(v) == 2, 20, "the subscription resuming after the restart")
        assert [d["body"] for d in value] == ["before", "while down"]
        value_of(server, "mutation", "messages:send", {"author": "phoenix", "body": "after, over http"})
        next_matching(updates, lambda v: len(v) == 3, 5, "live updates after the restart")
        with within(10, "mutation after the restart"):
            client.mutation("messages:send", {"author": "phoenix", "body": "after, own"})
        value = next_matching(updates, lambda v: len(v) == 4, 5, "own mutation after the restart")
        assert [d["body"] for d in value] == ["before", "while down", "after, over http", "after, own"]
    finally:
        server.stop()

