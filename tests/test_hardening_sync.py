"""Issue 17 item 6: a re-sent sync mutation is replayed only to the caller that sent it, for the same call.

The replay record used to be keyed by (session id, request id) alone. A second user who reused the first
user's session id (it was readable on disk) got the first user's result for a different mutation: their own
never ran, and their arguments were never validated. Here two identities speak the raw sync protocol.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hardening_support import hardening_project
from protocol_support import RawSync
from server_process import DevServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(hardening_project(tmp_path_factory.mktemp("dedupe") / "project")) as running:
        yield running


def signed_in(server: DevServer, session: str, subject: str, reconnect: bool) -> RawSync:
    extra: dict[str, Any] = {"connection_count": 1, "lastCloseReason": "Reconnect"} if reconnect else {}
    sync = RawSync(server, session_id=session, **extra)
    sync.authenticate("User", server.token(subject))
    sync.expect("Transition")
    return sync


def mutate(sync: RawSync, args: dict[str, Any], request_id: int = 0) -> dict[str, Any]:
    sync.mutation("notes:add", args, request_id=request_id)
    while True:
        message = sync.recv(timeout=10)
        if message["type"] == "MutationResponse":
            return message


def notes_of(server: DevServer, subject: str) -> list[str]:
    response = httpx.post(f"{server.url}/api/query", json={"path": "notes:mine", "args": {}},
                          headers={"Authorization": f"Bearer {server.token(subject)}"}, timeout=30)
    return list(response.json()["value"])


def test_another_user_reusing_a_session_id_runs_their_own_mutation(server: DevServer) -> None:
    session = str(uuid.uuid4())
    with signed_in(server, session, "alice", reconnect=False) as alice:
        first = mutate(alice, {"text": "alice's note"})
        assert first["success"] is True
    with signed_in(server, session, "mallory", reconnect=True) as mallory:
        second = mutate(mallory, {"text": "mallory's note"})
        assert second["success"] is True and second["result"] != first["result"]
    assert notes_of(server, "alice") == ["alice's note"]
    assert notes_of(server, "mallory") == ["mallory's note"]


def test_a_reused_session_and_request_id_still_validates_the_arguments(server: DevServer) -> None:
    session = str(uuid.uuid4())
    with signed_in(server, session, "carol", reconnect=False) as carol:
        assert mutate(carol, {"text": "carol's note"})["success"] is True
    with signed_in(server, session, "dave", reconnect=True) as dave:
        refused = mutate(dave, {"text": 42})
        assert refused["success"] is False and "ArgumentValidationError" in refused["result"], refused


def test_the_same_user_with_other_arguments_runs_a_new_mutation(server: DevServer) -> None:
    session = str(uuid.uuid4())
    with signed_in(server, session, "erin", reconnect=False) as erin:
        first = mutate(erin, {"text": "first"})
    with signed_in(server, session, "erin", reconnect=True) as erin_again:
        other = mutate(erin_again, {"text": "second"})
        assert other["success"] is True and other["result"] != first["result"]
    assert sorted(notes_of(server, "erin")) == ["first", "second"]


def test_the_same_call_re_sent_by_the_same_user_is_replayed(server: DevServer) -> None:
    session = str(uuid.uuid4())
    with signed_in(server, session, "frank", reconnect=False) as frank:
        first = mutate(frank, {"text": "once"})
    with signed_in(server, session, "frank", reconnect=True) as frank_again:
        frank_again.mutation("notes.js:add", {"text": "once"}, request_id=0)  # the Rust client adds `.js`
        replay = frank_again.recv(timeout=10)
        while replay["type"] != "MutationResponse":
            replay = frank_again.recv(timeout=10)
        assert replay["result"] == first["result"] and replay["ts"] == first["ts"]
    assert notes_of(server, "frank") == ["once"]
