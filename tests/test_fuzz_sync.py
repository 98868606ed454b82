"""Hostile sync-protocol traffic on raw WebSockets against a real `albertplus dev` (issue 11, part 3).

hypothesis writes sequences of frames: random and malformed JSON, every client message with wrong types and
missing or extra fields (Connect, ModifyQuerySet, Mutation, Action, Authenticate, Event), bad tokens, invalid
UTF-8 binary frames. After them comes a sentinel Action. The server must either answer the sentinel (the socket
survived) or send Convex's FatalError / AuthError and close that one socket; every message it sends must have
the protocol's shape. Then: frames over 16 MiB (closed), subscription and request floods past the per-socket
limits (FatalError), version mismatches, and floods of sockets (memory and the hub's bookkeeping come back
down). A witness socket subscribed for the whole module must keep getting its updates after every test.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from protocol_support import TS_ZERO, RawSync, stats, ts_encode, wait_until
from server_process import DevServer
from test_fuzz_http import (
    CANARY_PATHS,
    ESCAPED,
    JSON_VALUES,
    KEYS,
    PATHS,
    FuzzTarget,
    _mutate,
    _pick,
    args_for,
    deep,
    encode_json,
    fuzz_project,
    fuzz_settings,
    rarely,
    rss_kib,
    server_problems,
    usually,
)
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from albertplus_cli.sync.session import MAX_QUERIES_PER_SOCKET

SENTINEL_ID = 987_654_321
SENTINEL = {"type": "Action", "requestId": SENTINEL_ID, "udfPath": "messages:countViaAction",
            "args": [{"author": "sentinel"}]}
MAX_FRAME = 16 * 1024 * 1024


def open_socket(url: str, path: str = "/api/1.48.0/sync") -> ClientConnection:
    return connect(url.replace("http://", "ws://") + path, additional_headers={"Convex-Client": "npm-1.48.0"},
                   open_timeout=10, close_timeout=2, max_size=None).__enter__()


def connect_message(session_id: str | None = None) -> dict[str, Any]:
    return {"type": "Connect", "sessionId": session_id or str(uuid.uuid4()), "connectionCount": 0,
            "lastCloseReason": "InitialConnect", "clientTs": int(time.time() * 1000)}


# -- message shapes ---------------------------------------------------------------------------------------------------


def _version_ok(version: Any) -> bool:
    return (isinstance(version, dict) and isinstance(version.get("querySet"), int)
            and isinstance(version.get("identity"), int) and isinstance(version.get("ts"), str))


def message_problems(message: Any) -> list[str]:
    """What is wrong with one server message (the protocol's shapes, spec §2.3)."""
    if not isinstance(message, dict):
        return [f"not an object: {str(message)[:200]}"]
    kind = message.get("type")
    lines_ok = isinstance(message.get("logLines"), list)
    if kind == "Transition":
        if not (_version_ok(message.get("startVersion")) and _version_ok(message.get("endVersion"))
                and isinstance(message.get("modifications"), list)):
            return [f"bad Transition: {str(message)[:300]}"]
        problems = []
        for mod in message["modifications"]:
            mtype = mod.get("type") if isinstance(mod, dict) else None
            if mtype == "QueryUpdated":
                ok = "value" in mod and isinstance(mod.get("logLines"), list)
            elif mtype == "QueryFailed":
                ok = isinstance(mod.get("errorMessage"), str) and isinstance(mod.get("logLines"), list)
            else:
                ok = mtype == "QueryRemoved"
            if not (ok and isinstance(mod.get("queryId"), int)):
                problems.append(f"bad modification: {str(mod)[:300]}")
        return problems
    if kind in ("MutationResponse", "ActionResponse"):
        ok = isinstance(message.get("success"), bool) and "result" in message and lines_ok
        if ok and kind == "MutationResponse" and message["success"]:
            ok = isinstance(message.get("ts"), str)
        if ok and not message["success"]:
            ok = isinstance(message["result"], str)
        return [] if ok else [f"bad {kind}: {str(message)[:300]}"]
    if kind == "AuthError":
        ok = (isinstance(message.get("error"), str) and isinstance(message.get("authUpdateAttempted", False), bool)
              and (message.get("baseVersion") is None or isinstance(message.get("baseVersion"), int)))
        return [] if ok else [f"bad AuthError: {message}"]
    if kind == "FatalError":
        return [] if isinstance(message.get("error"), str) else [f"bad FatalError: {message}"]
    if kind == "Ping":
        return []
    return [f"unknown server message type: {str(message)[:300]}"]


@dataclass
class SyncOutcome:
    alive: bool  # the sentinel was answered
    fatal: str | None  # the FatalError / AuthError that ended the socket
    close_code: int | None
    problems: list[str]


def drive(url: str, frames: list[str | bytes], *, secrets: list[str], timeout: float = 20.0,
          sentinel: bool = True, path: str = "/api/1.48.0/sync") -> SyncOutcome:
    """Send `frames` (str: a text frame, bytes: a binary frame) and then the sentinel; read until the sentinel's
    answer or the close."""
    problems: list[str] = []
    fatal: str | None = None
    ws = open_socket(url, path)
    try:
        try:
            for frame in frames:
                ws.send(frame)
            if sentinel:
                ws.send(json.dumps(SENTINEL))
        except ConnectionClosed:
            pass  # closed while we were still sending: the reads below see why
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                problems.append("neither an answer to the sentinel nor a close within the timeout (a hang)")
                return SyncOutcome(False, fatal, None, problems)
            try:
                data = ws.recv(timeout=remaining)
            except TimeoutError:
                continue
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd is not None else None
                if fatal is None and code != 1009:  # 1009: a frame over the size limit, refused by the WS layer
                    problems.append(f"socket closed (code {code}) without a FatalError or AuthError")
                return SyncOutcome(False, fatal, code, problems)
            text = data if isinstance(data, str) else data.decode("utf-8", "replace")
            problems += [f"a secret in a server message: {s[:12]}..." for s in secrets if s and s in text]
            if ESCAPED in text:
                problems.append("a function path reached code outside functions/ or in a dunder module")
            try:
                message = json.loads(text)
            except ValueError:
                problems.append(f"a server frame that is not JSON: {text[:200]}")
                continue
            problems += message_problems(message)
            if not isinstance(message, dict):
                continue
            if message.get("type") in ("FatalError", "AuthError"):
                if fatal is not None:
                    problems.append(f"a second {message['type']} after {fatal!r}")
                fatal = f"{message['type']}: {message.get('error')}"
                deadline = min(deadline, time.monotonic() + 5)  # the close must follow promptly
            elif fatal is not None:
                problems.append(f"a message after the {fatal!r}: {text[:200]}")
            elif message.get("type") == "ActionResponse" and message.get("requestId") == SENTINEL_ID:
                if not message.get("success"):
                    problems.append(f"the sentinel failed: {message}")
                return SyncOutcome(True, None, None, problems)
    finally:
        ws.close()


# -- strategies -------------------------------------------------------------------------------------------------------

NUMBERS = st.one_of(st.integers(min_value=-3, max_value=8), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(), st.text(max_size=5), st.none(), st.booleans(), JSON_VALUES)


def _field(draw: Any, good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
    """Mostly a well-typed value; else anything; `_OMIT` drops the field."""
    return _pick(draw, (8, good), (2, bad), (1, st.just(_OMIT)))


_OMIT = object()


def _message(draw: Any, fields: dict[str, Any]) -> dict[str, Any]:
    message = {k: v for k, v in fields.items() if v is not _OMIT}
    if rarely(draw):
        message.update(draw(st.dictionaries(KEYS, JSON_VALUES, max_size=3)))
    return message


@st.composite
def connect_messages(draw: Any, target: FuzzTarget) -> dict[str, Any]:
    return _message(draw, {
        "type": "Connect",
        "sessionId": _field(draw, st.uuids().map(str), st.one_of(st.text(max_size=200), JSON_VALUES)),
        "connectionCount": _field(draw, st.integers(0, 5), NUMBERS),
        "lastCloseReason": _field(draw, st.sampled_from(["InitialConnect", None]), JSON_VALUES),
        "maxObservedTimestamp": _pick(draw, (5, st.just(_OMIT)), (2, st.just(target.latest_ts)),
                                      (1, st.integers(0, 2**64 - 1).map(lambda n: ts_encode(n))),
                                      (1, st.one_of(st.text(max_size=20), JSON_VALUES))),
        "clientTs": _field(draw, st.integers(0, 2**53), NUMBERS),
    })


@st.composite
def udf_args(draw: Any, target: FuzzTarget, path: Any) -> Any:
    return _pick(draw, (8, args_for(target, path).map(lambda a: [a])), (2, args_for(target, path)),
                 (1, st.lists(JSON_VALUES, max_size=3)))


@st.composite
def modify_messages(draw: Any, target: FuzzTarget) -> dict[str, Any]:
    mods = []
    for query_id in range(draw(st.integers(0, 4))):
        kind = _pick(draw, (6, st.just("Add")), (2, st.just("Remove")), (1, JSON_VALUES))
        path = _pick(draw, (5, PATHS), (1, JSON_VALUES))
        mods.append(_message(draw, {
            "type": kind,
            "queryId": _field(draw, st.just(query_id), NUMBERS),
            "udfPath": path if kind != "Remove" else _OMIT,
            "args": draw(udf_args(target, path)) if kind != "Remove" else _OMIT,
            "journal": _pick(draw, (6, st.just(_OMIT)), (2, st.none()), (1, JSON_VALUES)),
            "componentPath": _pick(draw, (9, st.just(_OMIT)), (1, JSON_VALUES)),
        }))
    return _message(draw, {
        "type": "ModifyQuerySet",
        "baseVersion": _field(draw, st.just(0), NUMBERS),
        "newVersion": _field(draw, st.just(1), NUMBERS),
        "modifications": _pick(draw, (9, st.just(mods)), (1, JSON_VALUES), (1, st.just(_OMIT))),
    })


@st.composite
def request_messages(draw: Any, target: FuzzTarget) -> dict[str, Any]:
    path = _pick(draw, (5, PATHS), (1, JSON_VALUES))
    return _message(draw, {
        "type": draw(st.sampled_from(["Mutation", "Action"])),
        "requestId": _field(draw, st.integers(0, 100), NUMBERS),
        "udfPath": _field(draw, st.just(path), JSON_VALUES),
        "args": draw(udf_args(target, path)),
        "componentPath": _pick(draw, (9, st.just(_OMIT)), (1, JSON_VALUES)),
    })


@st.composite
def authenticate_messages(draw: Any, target: FuzzTarget) -> dict[str, Any]:
    token_type = _pick(draw, (4, st.sampled_from(["User", "Admin", "None"])), (1, JSON_VALUES))
    value = _pick(draw, (2, st.sampled_from([target.token, target.expired_token, target.admin_key])),
                  (2, st.one_of(_mutate(target.token), _mutate(target.admin_key))),
                  (1, st.one_of(st.text(max_size=40), JSON_VALUES)), (1, st.just(_OMIT)))
    return _message(draw, {
        "type": "Authenticate",
        "tokenType": token_type,
        "value": value,
        "baseVersion": _field(draw, st.just(0), NUMBERS),
        "impersonating": _pick(draw, (6, st.just(_OMIT)),
                               (2, st.fixed_dictionaries({"subject": st.text(max_size=10)},
                                                         optional={"issuer": JSON_VALUES, "name": JSON_VALUES})),
                               (1, JSON_VALUES)),
        "acting_as": _pick(draw, (9, st.just(_OMIT)), (1, JSON_VALUES)),
    })


@st.composite
def other_messages(draw: Any) -> Any:
    return _pick(draw,
                 (3, st.fixed_dictionaries({"type": st.just("Event")},
                                           optional={"eventType": JSON_VALUES, "event": JSON_VALUES})),
                 (2, st.fixed_dictionaries({"type": st.one_of(st.text(max_size=20), JSON_VALUES)})),
                 (2, JSON_VALUES))


@dataclass
class SyncCase:
    frames: list[str | bytes]

    def __repr__(self) -> str:
        shown = [f if len(f) <= 400 else f[:400] + (b"..." if isinstance(f, bytes) else "...") for f in self.frames]
        return f"SyncCase({shown!r})"


@st.composite
def frame(draw: Any, message: Any) -> str | bytes:
    """A text frame with the message's JSON; sometimes a binary frame, broken JSON or invalid UTF-8."""
    data = encode_json(message)
    how = draw(st.integers(0, 39))  # the odd cases in the middle: hypothesis favours the ends of a range
    if how in (20, 21):
        data = data[: draw(st.integers(0, len(data)))]
    if how == 22:
        i = draw(st.integers(0, len(data)))
        return data[:i] + draw(st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80"])) + data[i:]  # binary
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return data if how == 23 else text


@st.composite
def sync_cases(draw: Any, target: FuzzTarget) -> SyncCase:
    frames: list[str | bytes] = []
    if usually(draw):
        first = draw(connect_messages(target)) if rarely(draw) else connect_message()
        frames.append(draw(frame(first)))
    for _ in range(draw(st.integers(1, 3))):
        message = _pick(draw, (3, modify_messages(target)), (3, request_messages(target)),
                        (2, authenticate_messages(target)), (1, connect_messages(target)), (2, other_messages()))
        frames.append(draw(frame(message)))
    return SyncCase(frames)


# -- fixtures ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    with DevServer(fuzz_project(tmp_path_factory.mktemp("fuzzsync"))) as server:
        fuzz = FuzzTarget.prepare(server)
        yield fuzz
        fuzz.client.close()


class Witness:
    """A socket subscribed for the whole module; after each test an HTTP mutation must reach it."""

    def __init__(self, target: FuzzTarget) -> None:
        self.target = target
        self.author = f"witness-{uuid.uuid4()}"
        self.count = 0
        self.raw = RawSync(target.server)
        self.raw.modify([(0, "messages:count", {"author": self.author})])
        self._expect_count(0)

    def _expect_count(self, expected: int) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            message = self.raw.recv(15)
            if message.get("type") != "Transition":
                continue
            for mod in message["modifications"]:
                if mod.get("queryId") == 0 and mod.get("type") == "QueryUpdated" and mod["value"] == expected:
                    return
        raise AssertionError(f"the witness socket never saw count {expected}")

    def check(self) -> None:
        sent = self.target.client.post("/api/mutation", json={"path": "messages:send",
                                                              "args": {"author": self.author, "body": "still here"}})
        assert sent.status_code == 200 and sent.json()["status"] == "success", sent.text
        self.count += 1
        self._expect_count(self.count)


@pytest.fixture(scope="module")
def witness(target: FuzzTarget) -> Iterator[Witness]:
    watcher = Witness(target)
    yield watcher
    watcher.raw.close()


@pytest.fixture(autouse=True)
def others_keep_working(target: FuzzTarget, witness: Witness) -> Iterator[None]:
    yield
    problems = server_problems(target.server)
    assert not problems, "\n".join(problems)
    witness.check()


def _outcome_ok(outcome: SyncOutcome, case: Any) -> None:
    assert not outcome.problems, f"{case!r}:\n" + "\n".join(outcome.problems)


# -- tests ------------------------------------------------------------------------------------------------------------


@fuzz_settings(250)
@given(data=st.data())
def test_fuzzed_frames_get_protocol_answers_or_a_fatal_error(target: FuzzTarget, data: st.DataObject) -> None:
    case = data.draw(sync_cases(target), label="case")
    _outcome_ok(drive(target.server.url, case.frames, secrets=target.secrets()), case)


@pytest.mark.parametrize("payload", [b"\xff\xfe\xfd", b'{"type": "Connect", "sessionId": "\xc3("}', b"\xed\xa0\x80",
                                     b"\x80" * 1000])
def test_invalid_utf8_binary_frames_are_fatal(target: FuzzTarget, payload: bytes) -> None:
    for frames in ([payload], [json.dumps(connect_message()), payload]):
        outcome = drive(target.server.url, list(frames), secrets=target.secrets())
        _outcome_ok(outcome, frames)
        assert outcome.fatal is not None and "UTF-8" in outcome.fatal, outcome


def test_frames_over_16_mib_close_only_that_socket(target: FuzzTarget) -> None:
    big = json.dumps({"type": "Event", "eventType": "x", "event": "y" * (MAX_FRAME + 100_000)})
    outcome = drive(target.server.url, [json.dumps(connect_message()), big], secrets=[])
    _outcome_ok(outcome, "17 MiB frame")
    assert not outcome.alive and outcome.close_code == 1009, outcome
    # Just under the limit is still a frame like any other.
    fits = json.dumps({"type": "Event", "eventType": "x", "event": "z" * (MAX_FRAME - 1000)})
    outcome = drive(target.server.url, [json.dumps(connect_message()), fits], secrets=[])
    _outcome_ok(outcome, "16 MiB frame")
    assert outcome.alive, outcome


def _adds(start: int, count: int) -> list[dict[str, Any]]:
    return [{"type": "Add", "queryId": start + i, "udfPath": "messages:count",
             "args": [{"author": f"flood-{start + i}"}]} for i in range(count)]


def test_a_subscription_flood_past_the_limit_is_fatal_and_released(target: FuzzTarget) -> None:
    baseline = stats(target.server)["subscriptions"]
    one_message = [json.dumps(connect_message()),
                   json.dumps({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
                               "modifications": _adds(0, MAX_QUERIES_PER_SOCKET + 1)})]
    step = 1000
    many_messages = [json.dumps(connect_message())] + [
        json.dumps({"type": "ModifyQuerySet", "baseVersion": n, "newVersion": n + 1,
                    "modifications": _adds(n * step, step)})
        for n in range(MAX_QUERIES_PER_SOCKET // step + 1)
    ]
    for frames in (one_message, many_messages):
        outcome = drive(target.server.url, frames, secrets=[], timeout=60)
        _outcome_ok(outcome, "subscription flood")
        assert outcome.fatal is not None and "TooManyQueries" in outcome.fatal, outcome
    wait_until(lambda: stats(target.server)["subscriptions"] == baseline, 15,
               "the flooded sockets' subscriptions to be released")


def test_a_request_flood_is_answered_or_rate_limited(target: FuzzTarget) -> None:
    frames = [json.dumps(connect_message())]
    for request_id in range(2500):
        kind = "Mutation" if request_id % 2 else "Action"
        path = "messages:send" if kind == "Mutation" else "messages:countViaAction"
        frames.append(json.dumps({"type": kind, "requestId": request_id, "udfPath": path,
                                  "args": [{"author": "flood", "body": "x"} if kind == "Mutation"
                                           else {"author": "flood"}]}))
    outcome = drive(target.server.url, frames, secrets=[], timeout=120)
    _outcome_ok(outcome, "request flood")
    assert outcome.alive or (outcome.fatal is not None and "RateLimited" in outcome.fatal), outcome


@pytest.mark.parametrize(("frames", "needle"), [
    ([{"type": "ModifyQuerySet", "baseVersion": 3, "newVersion": 4, "modifications": []}], "BaseVersionMismatch"),
    ([{"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 0, "modifications": []}], "newVersion"),
    ([{"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": []},
      {"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 2, "modifications": []}], "BaseVersionMismatch"),
    ([{"type": "Authenticate", "tokenType": "None", "baseVersion": 2}], "baseVersion"),
    ([{"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 2**40, "modifications": []}], "out of range"),
    ([{"type": "Connect", "sessionId": "again", "connectionCount": 1, "lastCloseReason": None}], "twice"),
    ([{"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
       "modifications": [{"type": "Remove", "queryId": 7}]}], "not in the query set"),
    ([{"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
       "modifications": [{"type": "Add", "queryId": 1, "udfPath": "messages:list", "args": [{}]},
                         {"type": "Add", "queryId": 1, "udfPath": "messages:list", "args": [{}]}]}], "already"),
    ([{"type": "Action", "requestId": 2.1240431682552764e+219, "udfPath": "messages:countViaAction",
       "args": [{"author": "a"}]}], "out of range"),
    ([{"type": "Mutation", "requestId": 2**53, "udfPath": "messages:send", "args": [{"author": "a", "body": "b"}]}],
     "out of range"),
], ids=["base-ahead", "new-not-greater", "base-behind", "identity-base", "version-out-of-range", "connect-twice",
        "remove-unknown", "add-twice", "huge-float-request-id", "request-id-over-u32"])
def test_version_mismatches_and_bad_state_changes_are_fatal(target: FuzzTarget, frames: list[dict[str, Any]],
                                                            needle: str) -> None:
    texts = [json.dumps(connect_message())] + [json.dumps(f) for f in frames]
    outcome = drive(target.server.url, list(texts), secrets=[])
    _outcome_ok(outcome, frames)
    assert outcome.fatal is not None and outcome.fatal.startswith("FatalError") and needle in outcome.fatal, outcome


def test_connect_must_come_first_and_timestamps_cannot_come_from_the_future(target: FuzzTarget) -> None:
    outcome = drive(target.server.url, [json.dumps({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
                                                    "modifications": []})], secrets=[])
    assert outcome.fatal is not None and "Connect" in outcome.fatal, outcome
    future = {**connect_message(), "maxObservedTimestamp": ts_encode(2**62)}
    outcome = drive(target.server.url, [json.dumps(future)], secrets=[])
    assert outcome.fatal is not None and "ahead of the backend" in outcome.fatal, outcome
    fine = {**connect_message(), "maxObservedTimestamp": TS_ZERO}
    assert drive(target.server.url, [json.dumps(fine)], secrets=[]).alive


@pytest.mark.parametrize("version", ["nope", "1.2", "1.2.3.4", "..", "1.48.0%00"])
def test_a_sync_path_version_that_is_not_semver_is_refused(target: FuzzTarget, version: str) -> None:
    with pytest.raises((InvalidStatus, ConnectionClosed)):
        ws = open_socket(target.server.url, f"/api/{version}/sync")
        try:
            ws.send(json.dumps(connect_message()))
            ws.recv(timeout=5)
        finally:
            ws.close()


DEEP_FIELDS = [
    ("type",), ("sessionId",), ("modifications", 0, "type"), ("modifications", 0, "udfPath"),
    ("modifications", 0, "args"), ("modifications", 0, "queryId"), ("modifications", 0, "journal"),
    ("mutation", "udfPath"), ("mutation", "args"), ("mutation", "requestId"), ("auth", "tokenType"),
    ("auth", "value"), ("auth", "impersonating"), ("auth", "baseVersion"), ("event", "event"),
]


@pytest.mark.parametrize("depth", [200, 1000])
@pytest.mark.parametrize("where", DEEP_FIELDS, ids=["/".join(map(str, w)) for w in DEEP_FIELDS])
def test_deeply_nested_values_anywhere_in_a_message(target: FuzzTarget, where: tuple[Any, ...], depth: int) -> None:
    """`str()` of a value nested ~1000 levels deep in an error message raised RecursionError: the socket died
    without a FatalError (and the server printed a traceback). Every field, as deep as JSON parsing allows."""
    messages: dict[str, dict[str, Any]] = {
        "modify": {"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
                   "modifications": [{"type": "Add", "queryId": 0, "udfPath": "messages:list", "args": [{}]}]},
        "mutation": {"type": "Mutation", "requestId": 0, "udfPath": "messages:send",
                     "args": [{"author": "a", "body": "b"}]},
        "auth": {"type": "Authenticate", "tokenType": "Admin", "value": target.admin_key, "baseVersion": 0},
        "event": {"type": "Event", "eventType": "x", "event": {}},
    }
    if where[0] in messages:
        message, path = messages[where[0]], where[1:]
    elif where[0] in ("type", "sessionId"):
        message, path = (messages["modify"] if where[0] == "type" else connect_message()), where
    else:
        message, path = messages["modify"], where
    holder: Any = message
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = deep(depth, "list")
    frames = [encode_json(message).decode()]
    if message.get("type") != "Connect":
        frames.insert(0, json.dumps(connect_message()))
    outcome = drive(target.server.url, frames, secrets=target.secrets())
    _outcome_ok(outcome, where)


def test_sync_paths_never_leave_functions(target: FuzzTarget) -> None:
    adds = [{"type": "Add", "queryId": i, "udfPath": path, "args": [{}]} for i, path in enumerate(CANARY_PATHS)]
    requests = [{"type": kind, "requestId": i, "udfPath": path, "args": [{}]}
                for i, (kind, path) in enumerate((k, p) for k in ("Mutation", "Action") for p in CANARY_PATHS)]
    frames = [json.dumps(connect_message()),
              json.dumps({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": adds}),
              *(json.dumps(r) for r in requests)]
    outcome = drive(target.server.url, frames, secrets=[])
    _outcome_ok(outcome, "canary paths")
    assert outcome.alive, outcome


def test_bad_tokens_get_an_auth_error_that_names_no_token(target: FuzzTarget) -> None:
    garbage = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    for token_type, value in (("User", target.expired_token), ("User", target.token[:-4] + "AAAA"),
                              ("User", garbage), ("Admin", "albertplus|" + "0" * 64), ("Admin", target.admin_key + "x"),
                              ("User", "")):
        auth = {"type": "Authenticate", "tokenType": token_type, "value": value, "baseVersion": 0}
        outcome = drive(target.server.url, [json.dumps(connect_message()), json.dumps(auth)],
                        secrets=[*target.secrets(), value])
        _outcome_ok(outcome, (token_type, value[:20]))
        assert outcome.fatal is not None and outcome.fatal.startswith("AuthError"), outcome
    # The sentinel also proves good credentials keep the socket.
    for token_type, value in (("User", target.token), ("Admin", target.admin_key)):
        auth = {"type": "Authenticate", "tokenType": token_type, "value": value, "baseVersion": 0}
        outcome = drive(target.server.url, [json.dumps(connect_message()), json.dumps(auth)], secrets=[])
        assert outcome.alive, outcome


def test_a_flood_of_sockets_leaves_memory_and_bookkeeping_bounded(target: FuzzTarget) -> None:
    """Rounds of 150 sockets with 20 subscriptions each, dropped rudely or politely: the hub forgets them all,
    and RSS after three rounds is about what it was after the first."""
    server = target.server
    assert server.process is not None
    before = stats(server)

    def flood(round_number: int) -> None:
        sockets = []
        for i in range(150):
            ws = open_socket(server.url)
            ws.send(json.dumps(connect_message()))
            ws.send(json.dumps({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
                                "modifications": _adds(0, 20) if i % 2 else
                                [{"type": "Add", "queryId": q, "udfPath": "messages:echo",
                                  "args": [{"value": f"{round_number}-{i}-{q}-" + "v" * 2000}]} for q in range(20)]}))
            sockets.append(ws)
        for ws in sockets:
            ws.recv(timeout=30)  # the first Transition: the subscriptions exist
        for i, ws in enumerate(sockets):
            if i % 3 == 0:
                ws.socket.shutdown(socket.SHUT_RDWR)  # gone without a close frame
                ws.socket.close()
            else:
                ws.close()
        wait_until(lambda: stats(server)["connections"] == before["connections"]
                   and stats(server)["subscriptions"] == before["subscriptions"], 30,
                   "the hub to forget the closed sockets", interval=0.2)

    flood(0)
    warm = rss_kib(server.process.pid)
    for n in range(1, 4):
        flood(n)
    after = rss_kib(server.process.pid)
    assert after - warm < 96 * 1024, f"RSS grew from {warm} KiB to {after} KiB over three identical floods"


def test_a_client_that_never_reads_does_not_grow_the_server(target: FuzzTarget) -> None:
    """A socket subscribed to a 4 MB result that changes with every commit, and that never reads: at most two
    Transitions wait for it (later changes coalesce), so the server's memory stays flat instead of growing by
    4 MB per commit."""
    server = target.server
    assert server.process is not None
    author = f"slow-{uuid.uuid4()}"
    ws = open_socket(server.url)
    ws.send(json.dumps(connect_message()))
    ws.send(json.dumps({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
                        "modifications": [{"type": "Add", "queryId": 0, "udfPath": "fuzzextra:padded",
                                           "args": [{"author": author, "size": 4_000_000}]}]}))
    with httpx.Client(base_url=server.url, timeout=60) as client:
        def burst() -> None:
            for _ in range(40):
                client.post("/api/mutation", json={"path": "messages:send", "args": {"author": author, "body": "b"}})
            time.sleep(0.5)  # let the hub catch up with the last commit

        burst()
        warm = rss_kib(server.process.pid)
        burst()
        burst()
        after = rss_kib(server.process.pid)
    ws.socket.shutdown(socket.SHUT_RDWR)
    ws.socket.close()
    assert after - warm < 128 * 1024, f"RSS grew from {warm} KiB to {after} KiB while a client did not read"
