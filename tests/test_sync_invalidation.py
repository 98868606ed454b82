"""Range-precise invalidation, counted with the admin-only `GET /api/albertplus/stats`: with 100 subscriptions
to 100 users' rows, a write to one user's row re-runs exactly that user's query; writes nobody read re-run
nothing; a row moving between users re-runs both; identical subscriptions share one execution; and one commit's
effects reach a socket in one Transition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from protocol_support import RawSync, modifications_by_id, protocol_project, stats, value_of
from server_process import DevServer

USERS = 100
SOCKETS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("invalidation"))) as running:
        yield running


@pytest.fixture(scope="module")
def subscribed(server: DevServer) -> Iterator[dict[str, Any]]:
    """100 users with one row each, and 100 subscriptions (`items:listForUser`) spread over 4 sockets."""
    ids = value_of(server, "mutation", "items:addMany", {"userIds": [f"u{i}" for i in range(USERS)], "value": 0})
    sockets = [RawSync(server) for _ in range(SOCKETS)]
    for s, raw in enumerate(sockets):
        raw.modify([(i, "items:listForUser", {"userId": f"u{i}"}) for i in range(USERS) if i % SOCKETS == s])
    for s, raw in enumerate(sockets):
        mods = modifications_by_id(raw.expect("Transition", timeout=10))
        assert sorted(mods) == [i for i in range(USERS) if i % SOCKETS == s]
        assert all(len(m["value"]) == 1 for m in mods.values())
    yield {"sockets": sockets, "ids": ids}
    for raw in sockets:
        raw.close()


def _socket_of(subscribed: dict[str, Any], user: int) -> RawSync:
    return subscribed["sockets"][user % SOCKETS]  # type: ignore[no-any-return]


def _quiet(subscribed: dict[str, Any], *except_users: int) -> None:
    """No other socket got anything."""
    busy = {user % SOCKETS for user in except_users}
    for s, raw in enumerate(subscribed["sockets"]):
        if s not in busy:
            raw.no_message(0.2)


def test_a_write_to_one_users_row_reruns_exactly_that_users_query(server: DevServer,
                                                                  subscribed: dict[str, Any]) -> None:
    before = stats(server)
    assert before["subscriptions"] >= USERS
    value_of(server, "mutation", "items:add", {"userId": "u42", "value": 1})
    transition = _socket_of(subscribed, 42).expect("Transition")
    assert list(modifications_by_id(transition)) == [42]
    assert [row["value"] for row in modifications_by_id(transition)[42]["value"]] == [0, 1]
    after = stats(server)
    assert after["reactiveReruns"] - before["reactiveReruns"] == 1
    assert after["subscriptionExecutions"] - before["subscriptionExecutions"] == 1
    _quiet(subscribed, 42)

    # patching an existing row: the same
    before = after
    value_of(server, "mutation", "items:setValue", {"id": subscribed["ids"][7], "value": 70})
    assert list(modifications_by_id(_socket_of(subscribed, 7).expect("Transition"))) == [7]
    after = stats(server)
    assert after["reactiveReruns"] - before["reactiveReruns"] == 1
    assert after["subscriptionExecutions"] - before["subscriptionExecutions"] == 1
    _quiet(subscribed, 7)


def test_a_write_nobody_read_reruns_nothing(server: DevServer, subscribed: dict[str, Any]) -> None:
    before = stats(server)
    value_of(server, "mutation", "messages:send", {"author": "elsewhere", "body": "unrelated table"})
    value_of(server, "mutation", "items:add", {"userId": "u100-not-subscribed", "value": 1})
    value_of(server, "mutation", "items:add", {"userId": "u4", "value": 1})  # a marker: it must be the only re-run
    assert list(modifications_by_id(_socket_of(subscribed, 4).expect("Transition"))) == [4]
    after = stats(server)
    assert after["latestTs"] > before["latestTs"]
    assert after["reactiveReruns"] - before["reactiveReruns"] == 1
    assert after["subscriptionExecutions"] - before["subscriptionExecutions"] == 1
    _quiet(subscribed, 4)


def test_a_row_moving_between_users_reruns_both_in_one_transition(server: DevServer,
                                                                  subscribed: dict[str, Any]) -> None:
    before = stats(server)
    value_of(server, "mutation", "items:move", {"id": subscribed["ids"][1], "userId": "u5"})  # 1 and 5: one socket
    transition = _socket_of(subscribed, 1).expect("Transition")
    mods = modifications_by_id(transition)
    assert sorted(mods) == [1, 5]
    assert mods[1]["value"] == [] and len(mods[5]["value"]) == 2
    after = stats(server)
    assert after["reactiveReruns"] - before["reactiveReruns"] == 2
    _quiet(subscribed, 1)


def test_one_commit_reaches_each_socket_in_one_transition(server: DevServer, subscribed: dict[str, Any]) -> None:
    users = [10, 14, 18, 11]  # three on socket 2, one on socket 3
    before = stats(server)
    value_of(server, "mutation", "items:addMany", {"userIds": [f"u{i}" for i in users], "value": 9})
    first = _socket_of(subscribed, 10).expect("Transition")
    assert sorted(modifications_by_id(first)) == [10, 14, 18]
    second = _socket_of(subscribed, 11).expect("Transition")
    assert list(modifications_by_id(second)) == [11]
    assert first["endVersion"]["ts"] == second["endVersion"]["ts"]
    assert stats(server)["reactiveReruns"] - before["reactiveReruns"] == 4
    _quiet(subscribed, *users)


def test_identical_subscriptions_share_one_execution(server: DevServer, subscribed: dict[str, Any]) -> None:
    with RawSync(server) as a, RawSync(server) as b, RawSync(server) as c:
        start = stats(server)
        a.modify([(0, "items:listForUser", {"userId": "shared"})])
        a.expect("Transition")
        b.modify([(7, "items:listForUser", {"userId": "shared"})])
        b.expect("Transition")
        after_subscribe = stats(server)
        assert after_subscribe["subscriptionExecutions"] - start["subscriptionExecutions"] == 1
        c.authenticate("User", server.token("someone"))  # another identity: its own execution
        c.expect("Transition")
        c.modify([(0, "items:listForUser", {"userId": "shared"})])
        c.expect("Transition")
        before = stats(server)
        assert before["subscriptionExecutions"] - after_subscribe["subscriptionExecutions"] == 1
        value_of(server, "mutation", "items:add", {"userId": "shared", "value": 3})
        for raw, query_id in ((a, 0), (b, 7), (c, 0)):
            assert len(modifications_by_id(raw.expect("Transition"))[query_id]["value"]) == 1
        after = stats(server)
        assert after["subscriptionExecutions"] - before["subscriptionExecutions"] == 2  # anonymous + someone
        assert after["reactiveReruns"] - before["reactiveReruns"] == 2
    _quiet(subscribed)


def test_stats_need_the_admin_key(server: DevServer) -> None:
    response = httpx.get(f"{server.url}/api/albertplus/stats")
    assert response.status_code == 401 and response.json()["code"] == "Unauthenticated"
