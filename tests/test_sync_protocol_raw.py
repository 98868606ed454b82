"""The sync WebSocket protocol frame by frame (raw `websockets` client), for what the official clients rely on
but never test themselves: exact version chaining, a Transition after every change, the MutationResponse before
the Transition with its effects, fatal errors that close one socket only, de-duplicated re-sent mutations,
`maxObservedTimestamp`, JSON Pings when idle, `logLines` everywhere, and unchanged results not re-sent."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from protocol_support import (
    TS_ZERO,
    RawSync,
    modifications_by_id,
    protocol_project,
    stats,
    ts_decode,
    ts_encode,
    value_of,
)
from server_process import DevServer
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("raw"))) as running:
        yield running


class IdleWatcher:
    """A socket opened when the module starts and left idle; records (time, message) in a thread."""

    def __init__(self, server: DevServer) -> None:
        self.raw = RawSync(server)
        self.raw.modify([])
        self.opened = time.monotonic()
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.thread = threading.Thread(target=self._collect, daemon=True)
        self.thread.start()

    def _collect(self) -> None:
        while True:
            try:
                message = self.raw.recv(60, skip_pings=False)
            except Exception:  # noqa: BLE001 - closed at teardown
                return
            self.events.append((time.monotonic(), message))


@pytest.fixture(scope="module")
def idle(server: DevServer) -> Iterator[IdleWatcher]:
    watcher = IdleWatcher(server)
    yield watcher
    watcher.raw.close()


def test_idle_socket_opened_first(idle: IdleWatcher) -> None:
    """Starts the idle socket at the beginning of the module; test_json_ping_when_idle checks it at the end."""
    assert idle.thread.is_alive()


# -- versions and transitions ----------------------------------------------------------------------------------


def test_versions_chain_exactly_through_every_kind_of_change(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.modify([(0, "messages:list", {"author": "chain"})])
        first = raw.expect("Transition")
        assert first["startVersion"] == {"querySet": 0, "identity": 0, "ts": TS_ZERO}
        assert first["endVersion"]["querySet"] == 1 and first["endVersion"]["identity"] == 0
        assert modifications_by_id(first)[0]["value"] == []
        assert isinstance(first["serverTs"], int)

        raw.modify([(1, "messages:count", {"author": "chain"})])
        second = raw.expect("Transition")
        assert second["endVersion"]["querySet"] == 2
        assert list(modifications_by_id(second)) == [1]  # query 0 is unchanged: not re-sent

        raw.mutation("messages:send", {"author": "chain", "body": "one"})
        response = raw.expect("MutationResponse")
        third = raw.expect("Transition")
        assert ts_decode(third["endVersion"]["ts"]) >= ts_decode(response["ts"])
        mods = modifications_by_id(third)
        assert [d["body"] for d in mods[0]["value"]] == ["one"] and mods[1]["value"] == 1

        raw.authenticate("Admin", server.admin_key)
        fourth = raw.expect("Transition")
        assert fourth["endVersion"]["identity"] == 1 and fourth["endVersion"]["querySet"] == 2

        raw.modify(removes=[0])
        fifth = raw.expect("Transition")
        assert fifth["modifications"] == [{"type": "QueryRemoved", "queryId": 0}]
        assert fifth["endVersion"]["querySet"] == 3

        raw.authenticate("None")
        sixth = raw.expect("Transition")
        assert sixth["endVersion"]["identity"] == 2


def test_a_transition_follows_every_change_even_with_no_queries(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.modify([])
        empty = raw.expect("Transition")
        assert empty["modifications"] == [] and empty["endVersion"]["querySet"] == 1
        raw.mutation("messages:send", {"author": "nobody-watches", "body": "x"})
        response = raw.expect("MutationResponse")
        assert response["success"] is True and response["logLines"] == []
        after = raw.expect("Transition")
        assert after["modifications"] == []
        assert ts_decode(after["endVersion"]["ts"]) >= ts_decode(response["ts"])
        # a failing mutation (ConvexError) also gets its Transition: the Rust client waits for one
        raw.mutation("messages:send", {"author": "a", "body": ""})
        failed = raw.expect("MutationResponse")
        assert failed["success"] is False and failed["ts"] is None
        assert failed["errorData"] == {"code": "EMPTY", "message": "a message needs a body"}
        raw.expect("Transition")
        raw.authenticate("None")
        assert raw.expect("Transition")["endVersion"]["identity"] == 1
        raw.action("messages:countViaAction", {"author": "nobody-watches"})
        action = raw.expect("ActionResponse")
        assert action["success"] is True and action["result"] >= 1 and action["logLines"] == []
        raw.expect("Transition")


def test_mutation_response_precedes_the_transition_with_its_effects(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.modify([(0, "messages:list", {"author": "order"})])
        raw.expect("Transition")
        for i in range(5):
            raw.mutation("messages:send", {"author": "order", "body": f"m{i}"})
        seen_responses: dict[int, int] = {}
        bodies_seen: list[str] = []
        while len(seen_responses) < 5 or len(bodies_seen) < 5:
            message = raw.recv()
            if message["type"] == "MutationResponse":
                assert message["requestId"] == len(seen_responses), "mutations of one socket answered out of order"
                seen_responses[message["requestId"]] = ts_decode(message["ts"])
            else:
                assert message["type"] == "Transition"
                raw.check_chain(message)
                end_ts = ts_decode(message["endVersion"]["ts"])
                mods = modifications_by_id(message)
                if 0 in mods:
                    bodies_seen = [d["body"] for d in mods[0]["value"]]
                    # every document in the result belongs to a mutation already answered, at a ts <= end ts
                    assert len(bodies_seen) <= len(seen_responses), (bodies_seen, seen_responses)
                    for i in range(len(bodies_seen)):
                        assert seen_responses[i] <= end_ts
        assert bodies_seen == [f"m{i}" for i in range(5)]
        # mutation timestamps are strictly increasing in submission order
        assert [seen_responses[i] for i in range(5)] == sorted(set(seen_responses.values()))


def test_log_lines_are_always_present(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.modify([(0, "messages:logs", {}), (1, "messages:boom", {}), (2, "messages:whoami", {})])
        mods = modifications_by_id(raw.expect("Transition"))
        assert mods[0]["type"] == "QueryUpdated"
        assert mods[0]["logLines"] == ["[LOG] printed 1", "[INFO] an info line", "[WARN] a warning",
                                       "[ERROR] an error line"]
        assert mods[1]["type"] == "QueryFailed" and mods[1]["logLines"] == []
        assert "Uncaught ValueError: boom went the query" in mods[1]["errorMessage"]
        assert "errorData" not in mods[1]
        assert mods[2]["type"] == "QueryUpdated" and mods[2]["logLines"] == [] and mods[2]["value"] is None
        raw.mutation("messages:mutationBoom", {})
        failed = raw.expect("MutationResponse")
        assert failed["success"] is False and failed["logLines"] == []
        assert "boom went the mutation" in failed["result"]
        raw.expect("Transition")
        raw.action("messages:nope", {})
        action = raw.expect("ActionResponse")
        assert action["success"] is False and action["logLines"] == []
        assert "Could not find public function for 'messages:nope'" in action["result"]
    assert value_of(server, "query", "messages:count", {"author": "boom"}) == 0, "a failed mutation committed"


def test_unchanged_results_are_not_resent(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.modify([(0, "messages:list", {"author": "quiet"}), (1, "messages:list", {"author": "busy"}),
                    (2, "items:listForUser", {"userId": "same-value"})])
        raw.expect("Transition")
        raw.mutation("messages:send", {"author": "busy", "body": "b1"})
        raw.expect("MutationResponse")
        assert set(modifications_by_id(raw.expect("Transition"))) == {1}
        item = value_of(server, "mutation", "items:add", {"userId": "same-value", "value": 7})
        assert set(modifications_by_id(raw.expect("Transition"))) == {2}
        # a write that touches query 2's read set but leaves its result as it was: re-run, not re-sent
        before = stats(server)["reactiveReruns"]
        raw.mutation("items:setValue", {"id": item, "value": 7})
        raw.expect("MutationResponse")
        assert raw.expect("Transition")["modifications"] == []
        assert stats(server)["reactiveReruns"] == before + 1
        raw.no_message()


def test_event_messages_are_accepted_and_ignored(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.send({"type": "Event", "eventType": "ClientConnect", "event": {"marks": []}})
        raw.no_message(0.3)
        raw.modify([(0, "messages:whoami", {})])
        assert modifications_by_id(raw.expect("Transition"))[0]["value"] is None


def test_udf_path_forms_are_the_same_function(server: DevServer) -> None:
    value_of(server, "mutation", "messages:send", {"author": "paths", "body": "p"})
    with RawSync(server, "/api/1.48.0/sync") as raw:
        raw.modify([(0, "messages:count", {"author": "paths"}), (1, "messages.js:count", {"author": "paths"})])
        mods = modifications_by_id(raw.expect("Transition"))
        assert mods[0]["value"] == mods[1]["value"] == 1


# -- errors on the socket ---------------------------------------------------------------------------------------


def _assert_fatal_and_closed(raw: RawSync, *needles: str) -> str:
    message = raw.recv()
    assert message["type"] == "FatalError", message
    for needle in needles:
        assert needle in message["error"], message
    assert raw.closed(), "the server did not close the socket after a FatalError"
    return str(message["error"])


@pytest.mark.parametrize(
    ("frame", "needles"),
    [
        ("{not json", ("not valid JSON",)),
        ("[1, 2]", ("JSON object",)),
        ('{"type": "Subscribe", "queryId": 1}', ("Unknown message type", "Subscribe")),
        ('{"type": "ModifyQuerySet", "baseVersion": 5, "newVersion": 6, "modifications": []}',
         ("BaseVersionMismatch",)),
        ('{"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 0, "modifications": []}', ("newVersion",)),
        ('{"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": [{"type": "Nope"}]}',
         ("Nope",)),
        ('{"type": "Mutation", "requestId": 0, "udfPath": "messages:send", "args": [{}, {}]}', ("args",)),
        ('{"type": "Authenticate", "tokenType": "None", "baseVersion": 3}', ("baseVersion",)),
    ],
    ids=["malformed-json", "not-an-object", "unknown-type", "base-version-mismatch", "new-not-after-base",
         "unknown-modification", "args-two-elements", "identity-version-mismatch"],
)
def test_bad_frames_get_a_fatal_error_and_a_close_while_others_are_served(
    server: DevServer, frame: str, needles: tuple[str, ...]
) -> None:
    with RawSync(server) as bystander, RawSync(server) as victim:
        bystander.modify([(0, "messages:count", {"author": "bystander"})])
        bystander.expect("Transition")
        victim.send_text(frame)
        _assert_fatal_and_closed(victim, *needles)
        # the other socket keeps getting updates, and new sockets are served
        value_of(server, "mutation", "messages:send", {"author": "bystander", "body": "still here"})
        assert 0 in modifications_by_id(bystander.expect("Transition"))
    with RawSync(server) as fresh:
        fresh.modify([])
        fresh.expect("Transition")


def test_a_message_before_connect_is_fatal(server: DevServer) -> None:
    with RawSync(server, connect_msg=False) as raw:
        raw.send({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": []})
        _assert_fatal_and_closed(raw, "Connect")


def test_max_observed_timestamp_ahead_of_the_backend_is_fatal(server: DevServer) -> None:
    value_of(server, "mutation", "messages:send", {"author": "ts", "body": "t"})
    latest = ts_decode(_query_ts(server))
    with RawSync(server, maxObservedTimestamp=ts_encode(latest)) as ok:  # equal: fine
        ok.modify([])
        assert ts_decode(ok.expect("Transition")["endVersion"]["ts"]) >= latest
    with RawSync(server, maxObservedTimestamp=ts_encode(latest + 10**12)) as ahead:
        _assert_fatal_and_closed(ahead, "ahead of the backend")


def _query_ts(server: DevServer) -> str:
    import httpx

    response = httpx.post(f"{server.url}/api/query_ts")
    assert response.status_code == 200, response.text
    return str(response.json()["ts"])


def test_bad_token_gets_auth_error_without_echoing_it(server: DevServer) -> None:
    expired = server.token("someone", expires_in=-3600)
    with RawSync(server) as raw:
        raw.authenticate("User", expired)
        message = raw.recv()
        assert message["type"] == "AuthError", message
        assert message["authUpdateAttempted"] is True and message["baseVersion"] == 0
        assert message["error"] == "token expired"
        assert raw.closed()
    with RawSync(server) as raw:
        raw.authenticate("Admin", "albertplus|" + "0" * 64)
        message = raw.recv()
        assert message["type"] == "AuthError" and message["error"] == "The provided admin key is invalid"


def test_admin_acting_as_a_user_over_the_socket(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.modify([(0, "messages:identity", {})])
        assert modifications_by_id(raw.expect("Transition"))[0]["value"] is None
        raw.authenticate("Admin", server.admin_key, impersonating={"subject": "acted", "is_admin": True})
        user = modifications_by_id(raw.expect("Transition"))[0]["value"]
        assert user["subject"] == "acted" and user["is_admin"] is True
        raw.authenticate("User", server.token("tok-user", {"email": "t@nyu.edu"}))
        user = modifications_by_id(raw.expect("Transition"))[0]["value"]
        assert user["subject"] == "tok-user" and user["email"] == "t@nyu.edu"
        assert user["tokenIdentifier"] == f"{user['issuer']}|tok-user"


def test_a_path_version_that_is_not_semver_is_refused(server: DevServer) -> None:
    with pytest.raises(InvalidStatus):
        connect(server.url.replace("http://", "ws://") + "/api/not-a-version/sync", open_timeout=5)


# -- idempotent re-sent mutations ----------------------------------------------------------------------------------


def test_a_resent_mutation_on_a_new_socket_runs_once(server: DevServer) -> None:
    session = str(uuid.uuid4())
    author = f"dedupe-{session[:8]}"
    with RawSync(server, session_id=session) as first:
        first.mutation("messages:send", {"author": author, "body": "once"}, request_id=0)
        original = first.expect("MutationResponse")
    with RawSync(server, session_id=session, connection_count=1, lastCloseReason="Reconnect") as second:
        second.mutation("messages:send", {"author": author, "body": "once"}, request_id=0)
        replay = second.expect("MutationResponse")
        assert replay["success"] is True and replay["result"] == original["result"]
        assert replay["ts"] is not None
        second.expect("Transition")
        # a new request id of the same session runs
        second.mutation("messages:send", {"author": author, "body": "twice"}, request_id=1)
        assert second.expect("MutationResponse")["result"] != original["result"]
    assert value_of(server, "query", "messages:count", {"author": author}) == 2
    # the same request id in another session is another mutation
    with RawSync(server) as other:
        other.mutation("messages:send", {"author": author, "body": "other"}, request_id=0)
        assert other.expect("MutationResponse")["success"] is True
    assert value_of(server, "query", "messages:count", {"author": author}) == 3


def test_a_replayed_mutation_keeps_its_commit_ts(server: DevServer) -> None:
    session = str(uuid.uuid4())
    with RawSync(server, session_id=session) as first:
        first.mutation("messages:send", {"author": "replay-ts", "body": "x"}, request_id=0)
        original = first.expect("MutationResponse")
    with RawSync(server, session_id=session, connection_count=1) as second:
        second.mutation("messages:send", {"author": "replay-ts", "body": "x"}, request_id=0)
        assert second.expect("MutationResponse")["ts"] == original["ts"]


def test_a_mutation_whose_socket_dropped_mid_flight_is_not_run_twice(server: DevServer) -> None:
    session = str(uuid.uuid4())
    author = f"dropped-{session[:8]}"
    first = RawSync(server, session_id=session)
    first.mutation("messages:send", {"author": author, "body": "in flight"}, request_id=0)
    first.close()  # gone before (or while) the response is sent
    time.sleep(0.3)
    with RawSync(server, session_id=session, connection_count=1) as second:
        second.mutation("messages:send", {"author": author, "body": "in flight"}, request_id=0)
        assert second.expect("MutationResponse")["success"] is True
    assert value_of(server, "query", "messages:count", {"author": author}) == 1


# -- heartbeats (last: it waits for the idle socket opened at the start) -------------------------------------------


def test_json_ping_when_idle(idle: IdleWatcher) -> None:
    deadline = idle.opened + 18.5
    while time.monotonic() < deadline and not any(m.get("type") == "Ping" for _t, m in idle.events):
        time.sleep(0.1)
    kinds = [m.get("type") for _t, m in idle.events]
    assert "Ping" in kinds, f"no JSON Ping within 18 s of an idle socket (got {kinds})"
    first_transition = next(t for t, m in idle.events if m.get("type") == "Transition")
    first_ping = next(t for t, m in idle.events if m.get("type") == "Ping")
    # 15 s, as Convex; the slack is for a loaded machine (a 5 s polling pinger could take 20 s)
    assert 14.5 <= first_ping - first_transition <= 17.5, f"Ping after {first_ping - first_transition:.1f} s idle"
    assert kinds[0] == "Transition"
