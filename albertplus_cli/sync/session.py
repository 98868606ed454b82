"""One sync WebSocket: its query set, identity, versions, ordered mutations, and outgoing Transitions.

Transitions are computed from state, not queued as events: `flush()` diffs the latest shared results against
what this client was last sent and sends one Transition at the hub's processed ts. That makes coalescing for
slow clients free (at most two Transitions wait in the outbox; later changes fold into the next one), and
keeps `startVersion` chained exactly to the previous `endVersion`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.websockets import WebSocket

from albertplus_cli.auth import ANONYMOUS, AuthenticationError, Identity, identity_for_authenticate_message
from albertplus_cli.backend import Backend
from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.sync import protocol
from albertplus_cli.sync.hub import SharedQuery, SyncHub
from albertplus_cli.sync.mutation_dedupe import dedupe_key
from albertplus_cli.sync.protocol import AddQuery, ProtocolError, RemoveQuery
from albertplus_cli.values.json_formats import InvalidValueError, decode

MAX_QUERIES_PER_SOCKET = 4096
MAX_PENDING_REQUESTS = 1000  # Convex's per-socket operation buffer
MAX_OUTBOX_TRANSITIONS = 2
PING_AFTER = 15.0
AUTH_ERROR_DELAY = 0.5  # seconds before an AuthError (see _receive_loop)


class FatalSessionError(Exception):
    """Ends the socket with a FatalError message."""


@dataclass
class _QueryState:
    shared: SharedQuery
    added_version: int
    sent_hash: bytes | None = None


@dataclass
class _PendingVersion:
    query_set: int
    identity: int
    needs: list[SharedQuery] = field(default_factory=list)


class Session:
    """One client's WebSocket: receives its messages in order, keeps its query set and identity versions, runs
    its mutations one at a time and its actions concurrently, and sends Transitions that chain each
    `startVersion` to the previous `endVersion`."""

    def __init__(self, websocket: WebSocket, backend: Backend, hub: SyncHub) -> None:
        self.ws = websocket
        self.backend = backend
        self.hub = hub
        self.connected = False
        self.session_id: str | None = None
        self.identity: Identity = ANONYMOUS
        self.clock_skew: float | None = None
        # Versions received from the client, and those incorporated in what we have sent.
        self.received_query_set = 0
        self.received_identity = 0
        self.sent_version = (0, 0, 0)
        self.incorporated = (0, 0)
        self.pending_versions: list[_PendingVersion] = []
        self.queries: dict[int, _QueryState] = {}
        self.removed: set[int] = set()
        # Mutations run one at a time, in order; actions run concurrently.
        self.mutations: asyncio.Queue[tuple[int, str, Any]] = asyncio.Queue()
        self.outstanding_requests = 0
        self.mutation_in_flight = False
        self.needs_transition_at: int | None = None
        self.dirty = False
        self._force_later = False
        self.outbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.outbox_transitions = 0
        self.last_sent = time.monotonic()
        self.closed = False
        self._tasks: list[asyncio.Task[Any]] = []

    # -- lifecycle ---------------------------------------------------------------------------------

    async def run(self) -> None:
        self.hub.sessions.add(self)
        self._tasks = [
            asyncio.create_task(self._sender()),
            asyncio.create_task(self._mutation_worker()),
            asyncio.create_task(self._pinger()),
        ]
        try:
            await self._receive_loop()
        finally:
            self.closed = True
            self.hub.sessions.discard(self)
            for state in self.queries.values():
                self.hub.release(state.shared)
            self.queries.clear()
            for task in self._tasks:
                task.cancel()

    async def _receive_loop(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                raw = message.get("bytes") or b""
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    await self._fatal("Binary frames must be UTF-8 JSON")
                    return
            try:
                await self._handle(text)
            except (ProtocolError, FatalSessionError) as e:
                await self._fatal(str(e))
                return
            except AuthenticationError as e:
                # A Ping, then a short pause, before refusing. The Rust client inside the PyPI package answers
                # an AuthError by reconnecting with the token it had (backing off with full jitter) and its
                # worker reads server messages before the app's requests, so a `set_auth` made meanwhile is
                # only seen when no reply is waiting. Refused at once, it would retry the old token for many
                # seconds. A message it processes resets its backoff, and the pause leaves it a moment with
                # nothing to read, so it picks up the new token. The pause also slows down token guessing.
                await self._send_now(protocol.PING)
                await asyncio.sleep(AUTH_ERROR_DELAY)
                await self._send_now(protocol.auth_error(str(e), self.received_identity, True))
                await self._close(1000, "AuthError")
                return

    async def _fatal(self, error: str) -> None:
        await self._send_now(protocol.fatal_error(error))
        await self._close(1011, "FatalError")

    async def _close(self, code: int, reason: str) -> None:
        self.closed = True
        try:
            await self.ws.close(code=code, reason=reason[:120])
        except Exception:  # noqa: BLE001 - the peer may be gone already
            pass

    async def _send_now(self, message: dict[str, Any]) -> None:
        """Bypass the outbox (only for the last message before a close)."""
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except Exception:  # noqa: BLE001
            pass

    def _enqueue(self, message: dict[str, Any]) -> None:
        if self.closed:
            return
        if message.get("type") == "Transition":
            self.outbox_transitions += 1
        self.outbox.put_nowait(message)

    async def _sender(self) -> None:
        """Sends the outbox in order. If a send fails the socket is closed, not left open: a client whose
        sender is gone would otherwise wait forever on a live socket."""
        while True:
            message = await self.outbox.get()
            if message is None:
                return
            try:
                await self.ws.send_text(orjson.dumps(message).decode())
            except Exception:  # noqa: BLE001 - a dead socket, or a message we cannot send: close it
                await self._close(1011, "InternalServerError")
                return
            self.last_sent = time.monotonic()
            if message.get("type") == "Transition":
                self.outbox_transitions -= 1
                if self.dirty:
                    self.flush()

    async def _pinger(self) -> None:
        """A JSON Ping once nothing was sent for PING_AFTER seconds, as Convex's sync worker does.

        Sleeps until exactly that moment rather than polling, so an idle socket never waits past PING_AFTER.
        """
        while True:
            wait = self.last_sent + PING_AFTER - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            elif self.outbox.empty():
                self._enqueue(protocol.PING)
                self.last_sent = time.monotonic()
            else:  # a backlog still draining to a slow client: it will move last_sent
                await asyncio.sleep(1.0)

    # -- messages ----------------------------------------------------------------------------------

    async def _handle(self, text: str) -> None:
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise ProtocolError("Message is not valid JSON") from None
        if not isinstance(message, dict):
            raise ProtocolError("Message must be a JSON object")
        kind = message.get("type")
        if kind == "Connect":
            self._on_connect(message)
            return
        if not self.connected:
            raise ProtocolError(f"Expected Connect as the first message, got {protocol.shown(kind)}")
        if kind == "ModifyQuerySet":
            self._on_modify(message)
        elif kind == "Mutation" or kind == "Action":
            self._on_request(kind, message)
        elif kind == "Authenticate":
            await self._on_authenticate(message)
        elif kind == "Event":
            return
        else:
            raise ProtocolError(f"Unknown message type {protocol.shown(kind)!r}")

    def _on_connect(self, message: dict[str, Any]) -> None:
        if self.connected:
            raise ProtocolError("Connect was sent twice on one socket")
        session_id = message.get("sessionId")
        if not isinstance(session_id, str) or not 1 <= len(session_id) <= 128:
            raise ProtocolError("Connect: `sessionId` must be a string")
        self.session_id = session_id
        observed = message.get("maxObservedTimestamp")
        if observed is not None:
            try:
                observed_ts = protocol.ts_from_wire(observed)
            except (ValueError, TypeError):
                raise ProtocolError("Connect: `maxObservedTimestamp` must be a base64 timestamp") from None
            latest = max(self.backend.engine.db.latest_ts, self.backend.engine.db.read_latest_ts())
            if observed_ts > latest:
                raise FatalSessionError(
                    f"Client has observed a timestamp {observed_ts} ahead of the backend latest known timestamp "
                    f"{latest}. This can happen if the backend's data was reset or restored."
                )
        client_ts = message.get("clientTs")
        if isinstance(client_ts, (int, float)) and not isinstance(client_ts, bool) and client_ts > 0:
            self.clock_skew = client_ts - time.time() * 1000
        self.connected = True

    def _on_modify(self, message: dict[str, Any]) -> None:
        base = protocol.int_field(message, "baseVersion")
        new = protocol.int_field(message, "newVersion")
        if base != self.received_query_set:
            raise ProtocolError(f"BaseVersionMismatch: ModifyQuerySet baseVersion {base} does not match the "
                                f"server's query set version {self.received_query_set}")
        if new <= base:
            raise ProtocolError("ModifyQuerySet: newVersion must be greater than baseVersion")
        needs: list[SharedQuery] = []
        for mod in protocol.parse_modifications(message):
            if isinstance(mod, AddQuery):
                if mod.query_id in self.queries:
                    raise ProtocolError(f"ModifyQuerySet: query {mod.query_id} is already in the query set")
                if len(self.queries) >= MAX_QUERIES_PER_SOCKET:
                    raise ProtocolError(f"TooManyQueries: a socket may subscribe to at most "
                                        f"{MAX_QUERIES_PER_SOCKET} queries")
                try:
                    args = decode(mod.args)
                except InvalidValueError as e:
                    raise ProtocolError(f"ModifyQuerySet: invalid args for query {mod.query_id}: {e}") from None
                shared = self.hub.acquire(mod.udf_path, args, self.identity, mod.journal)
                self.queries[mod.query_id] = _QueryState(shared, new)
                self.removed.discard(mod.query_id)
                needs.append(shared)
            elif isinstance(mod, RemoveQuery):
                state = self.queries.pop(mod.query_id, None)
                if state is None:
                    raise ProtocolError(f"ModifyQuerySet: query {mod.query_id} is not in the query set")
                self.hub.release(state.shared)
                self.removed.add(mod.query_id)
        self.received_query_set = new
        self.pending_versions.append(_PendingVersion(new, self.received_identity, needs))
        self.flush()  # sent now if every query already has a result, else after the hub computes them

    async def _on_authenticate(self, message: dict[str, Any]) -> None:
        base = protocol.int_field(message, "baseVersion")
        if base != self.received_identity:
            raise ProtocolError(f"Authenticate: baseVersion {base} does not match the identity version "
                                f"{self.received_identity}")
        engine = self.backend.engine
        identity = await self.backend.in_thread(
            lambda: identity_for_authenticate_message(message, admin_key=engine.admin_key, verifier=engine.verifier)
        )
        self.received_identity = base + 1
        self.identity = identity
        needs: list[SharedQuery] = []
        for state in self.queries.values():
            old = state.shared
            state.shared = self.hub.acquire(old.path, old.args, identity, old.journal)
            state.sent_hash = None
            self.hub.release(old)
            needs.append(state.shared)
        self.pending_versions.append(_PendingVersion(self.received_query_set, self.received_identity, needs))
        self.flush()

    def _on_request(self, kind: str, message: dict[str, Any]) -> None:
        request_id = protocol.int_field(message, "requestId")
        path = message.get("udfPath")
        if not isinstance(path, str):
            raise ProtocolError(f"{kind}: `udfPath` must be a string")
        raw_args = protocol.udf_args(message)
        if self.outstanding_requests >= MAX_PENDING_REQUESTS:
            raise ProtocolError(f"RateLimited: more than {MAX_PENDING_REQUESTS} pending mutations and actions")
        self.outstanding_requests += 1
        if kind == "Mutation":
            self.mutations.put_nowait((request_id, path, raw_args))
        else:
            self._tasks.append(asyncio.create_task(self._run_action(request_id, path, raw_args)))

    # -- mutations and actions ---------------------------------------------------------------------

    def _decode_args(self, raw: Any) -> tuple[dict[str, Any] | None, str | None]:
        try:
            args = decode(raw)
        except InvalidValueError as e:
            return None, f"ArgumentValidationError: {e}"
        return args, None

    async def _mutation_worker(self) -> None:
        while True:
            request_id, path, raw_args = await self.mutations.get()
            args, error = self._decode_args(raw_args)
            self.mutation_in_flight = True
            if error is not None or args is None:
                outcome = Outcome(path, "mutation", False, error_message=error, ts=self.hub.processed_ts)
            else:
                # Replayed only for the same caller re-sending the same function and arguments.
                session = ((dedupe_key(self.session_id, self.identity, path, raw_args), request_id)
                           if self.session_id else None)
                outcome = await self.backend.mutation(path, args, self.identity,
                                                      public_only=not self.identity.is_admin, session=session)
            self.outstanding_requests -= 1
            self._enqueue(protocol.mutation_response(request_id, outcome))
            self.mutation_in_flight = False
            if outcome.ok and outcome.ts > self.hub.processed_ts:
                # The Transition with its effects comes when the hub has processed that commit.
                self.needs_transition_at = max(self.needs_transition_at or 0, outcome.ts)
                self.hub.wake()
            else:
                self.flush(force=True)

    async def _run_action(self, request_id: int, path: str, raw_args: Any) -> None:
        args, error = self._decode_args(raw_args)
        if error is not None:
            outcome = Outcome(path, "action", False, error_message=error)
        else:
            identity = self.identity
            outcome = await self.backend.in_thread(
                lambda: self.backend.engine.executor.run_action(path, args, identity,
                                                                 public_only=not identity.is_admin)
            )
        self.outstanding_requests -= 1
        self._enqueue(protocol.action_response(request_id, outcome))
        self.flush(force=True)

    # -- transitions -------------------------------------------------------------------------------

    def after_iteration(self) -> None:
        """The hub has new results valid at its processed ts: send what changed (`flush` compares hashes)."""
        if self.mutation_in_flight:
            self.dirty = True
            return
        force = self.needs_transition_at is not None and self.hub.processed_ts >= self.needs_transition_at
        if force:
            self.needs_transition_at = None
        self.flush(force=force)

    def flush(self, force: bool = False) -> None:
        if self.closed:
            return
        if self.mutation_in_flight or self.outbox_transitions >= MAX_OUTBOX_TRANSITIONS:
            self.dirty = True
            self._force_later = self._force_later or force
            return
        force = force or self._force_later
        self._force_later = False
        self.dirty = False
        # Incorporate every pending version whose queries all have results.
        query_set, identity = self.incorporated
        advanced = False
        while self.pending_versions and all(q.outcome is not None for q in self.pending_versions[0].needs):
            pending = self.pending_versions.pop(0)
            query_set, identity = pending.query_set, pending.identity
            advanced = True
        modifications: list[dict[str, Any]] = []
        for query_id in sorted(self.removed):
            modifications.append({"type": "QueryRemoved", "queryId": query_id})
        self.removed.clear()
        for query_id, state in self.queries.items():
            shared = state.shared
            if shared.outcome is None or state.added_version > query_set:
                continue
            if state.sent_hash == shared.result_hash:
                continue
            state.sent_hash = shared.result_hash
            modifications.append(protocol.query_modification(query_id, shared.outcome))
        if not modifications and not advanced and not force:
            return
        ts = max(self.hub.processed_ts, self.sent_version[2])
        start = protocol.version(*self.sent_version)
        end_tuple = (query_set, identity, ts)
        self.sent_version = end_tuple
        self.incorporated = (query_set, identity)
        self._enqueue(protocol.transition(start, protocol.version(*end_tuple), modifications, self.clock_skew))
