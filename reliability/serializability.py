"""Serializability under concurrency, against a real `albertplus dev` on tests/projects/ledger.

    .venv/bin/python reliability/serializability.py                      # 16 x 500 increments, 16 x 300 transfers
    .venv/bin/python reliability/serializability.py --clients 32 --increments 1000 --transfers 1000

Three checks, each printed in the JSON report (the last key is "summary"; exit status 0 only if all pass):

1. Lost updates: C clients each send I `counters:increment` mutations over HTTP at the same time (read the
   row, write value + 1). The counter must end at exactly C x I, and the values the mutations returned must be
   exactly 1..C x I, each once (every increment saw all earlier ones: a serial order exists). Then the same
   over C sync WebSockets, each pipelining 8 Mutation frames at a time.
2. Transfers: C clients move random amounts between A accounts with `accounts:transfer`, which debits, checks
   the balance and throws when it would go negative (the debit must roll back). At the end the total is what it
   was, no balance is negative, and each final balance equals its opening balance plus the acknowledged
   transfers in and out (failed transfers changed nothing).
3. No torn reads: during the transfers a raw sync-protocol subscriber to `accounts:total()` records every value
   the server sends, and HTTP clients poll the same query; every value must show the conserved total and no
   negative balance (a query never sees half of a mutation).

tests/test_serializability.py runs the same functions with smaller numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from server_process import DevServer, copy_project  # noqa: E402

LEDGER = REPO / "tests" / "projects" / "ledger"


def log(message: str) -> None:
    print(f"[serializability] {message}", file=sys.stderr, flush=True)


async def mutation(client: httpx.AsyncClient, url: str, path: str, args: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(f"{url}/api/mutation", json={"path": path, "args": args})
    data: dict[str, Any] = response.json()
    return data


async def query(client: httpx.AsyncClient, url: str, path: str, args: dict[str, Any]) -> Any:
    response = await client.post(f"{url}/api/query", json={"path": path, "args": args})
    data = response.json()
    if data.get("status") != "success":
        raise RuntimeError(f"{path}: {data}")
    return data["value"]


def _client(connections: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=60.0, limits=httpx.Limits(max_connections=connections,
                                                               max_keepalive_connections=connections))


# -- 1. increments --------------------------------------------------------------------------------------


async def counter_run(url: str, clients: int, increments: int, name: str = "shared") -> dict[str, Any]:
    returned: list[int] = []
    errors: list[str] = []
    start = time.monotonic()
    async with _client(clients) as client:
        async def one_client() -> None:
            for _ in range(increments):
                data = await mutation(client, url, "counters:increment", {"name": name})
                if data.get("status") == "success":
                    returned.append(int(data["value"]))
                else:
                    errors.append(str(data)[:300])

        await asyncio.gather(*(one_client() for _ in range(clients)))
        final = int(await query(client, url, "counters:get", {"name": name}))
    seconds = time.monotonic() - start
    expected = clients * increments
    counts = Counter(returned)
    return {
        "clients": clients,
        "increments_each": increments,
        "expected": expected,
        "final": final,
        "errors": errors[:10],
        "returned_values_are_1_to_n": sorted(counts) == list(range(1, expected + 1)) and max(counts.values()) == 1,
        "duplicate_returned_values": sum(c - 1 for c in counts.values() if c > 1),
        "seconds": round(seconds, 2),
        "mutations_per_s": round(expected / seconds, 1),
        "ok": final == expected and not errors and sorted(returned) == list(range(1, expected + 1)),
    }


async def ws_counter_run(url: str, sockets: int, increments: int, name: str = "shared-ws",
                         depth: int = 8) -> dict[str, Any]:
    """The same over the sync protocol: each socket pipelines `depth` Mutation frames at a time."""
    returned: list[int] = []
    errors: list[str] = []
    ws_url = url.replace("http://", "ws://") + "/api/1.48.0/sync"
    start = time.monotonic()

    async def one_socket() -> None:
        async with websockets.connect(ws_url, max_size=None, ping_interval=None) as ws:
            await ws.send(json.dumps({"type": "Connect", "sessionId": str(uuid.uuid4()), "connectionCount": 0,
                                      "lastCloseReason": "InitialConnect", "clientTs": 0}))
            sent = answered = 0
            while answered < increments:
                while sent < increments and sent - answered < depth:
                    await ws.send(json.dumps({"type": "Mutation", "requestId": sent, "udfPath": "counters:increment",
                                              "args": [{"name": name}]}))
                    sent += 1
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                if message.get("type") == "MutationResponse":
                    answered += 1
                    if message["success"]:
                        returned.append(int(message["result"]))
                    else:
                        errors.append(str(message.get("result"))[:300])

    await asyncio.gather(*(one_socket() for _ in range(sockets)))
    async with _client(1) as client:
        final = int(await query(client, url, "counters:get", {"name": name}))
    expected = sockets * increments
    return {
        "sockets": sockets,
        "increments_each": increments,
        "expected": expected,
        "final": final,
        "errors": errors[:10],
        "seconds": round(time.monotonic() - start, 2),
        "ok": final == expected and not errors and sorted(returned) == list(range(1, expected + 1)),
    }


# -- 2 and 3. transfers, with observers -------------------------------------------------------------------


@dataclass
class SyncObserver:
    """A raw sync-protocol subscriber: every QueryUpdated value the server sends for query 0."""

    url: str
    udf_path: str
    values: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    transitions: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, stop: asyncio.Event) -> None:
        ws_url = self.url.replace("http://", "ws://") + "/api/1.48.0/sync"
        async with websockets.connect(ws_url, max_size=None, ping_interval=None) as ws:
            await ws.send(json.dumps({"type": "Connect", "sessionId": str(uuid.uuid4()), "connectionCount": 0,
                                      "lastCloseReason": "InitialConnect", "clientTs": int(time.time() * 1000)}))
            await ws.send(json.dumps({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": [
                {"type": "Add", "queryId": 0, "udfPath": self.udf_path, "args": [{}]}]}))
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.2)
                except TimeoutError:
                    continue
                message = json.loads(raw)
                if message.get("type") == "Transition":
                    self.transitions += 1
                    for mod in message["modifications"]:
                        if mod["type"] == "QueryUpdated" and mod["queryId"] == 0:
                            self.values.append(mod["value"])
                            self.ready.set()
                        elif mod["type"] == "QueryFailed":
                            self.errors.append(mod.get("errorMessage", ""))
                elif message.get("type") == "FatalError":
                    self.errors.append(message.get("error", ""))
                    return


async def transfer_run(url: str, clients: int, transfers: int, accounts: int = 10, opening: int = 100,
                       max_amount: int = 60, pollers: int = 2, rng_seed: int = 7) -> dict[str, Any]:
    names = [f"acct-{uuid.uuid4().hex[:6]}-{i}" for i in range(accounts)]
    rng = random.Random(rng_seed)
    expected_total = accounts * opening
    delta = dict.fromkeys(names, 0)
    ok_count = insufficient = 0
    errors: list[str] = []
    polled: list[Any] = []
    start = time.monotonic()
    async with _client(clients + pollers + 1) as client:
        # A fresh set of accounts: accounts:total sums every account, so open ours in an empty table only.
        existing = await query(client, url, "accounts:total", {})
        if existing["count"]:
            raise RuntimeError("transfer_run needs a project whose accounts table is empty")
        data = await mutation(client, url, "accounts:open", {"names": names, "balance": opening})
        assert data.get("status") == "success", data
        stop = asyncio.Event()
        observer = SyncObserver(url, "accounts:total")
        observer_task = asyncio.create_task(observer.run(stop))
        await asyncio.wait_for(observer.ready.wait(), timeout=30)

        async def poller() -> None:
            while not stop.is_set():
                polled.append(await query(client, url, "accounts:total", {}))

        poller_tasks = [asyncio.create_task(poller()) for _ in range(pollers)]

        async def one_client(crng: random.Random) -> None:
            nonlocal ok_count, insufficient
            for _ in range(transfers):
                source, target = crng.sample(names, 2)
                amount = crng.randint(1, max_amount)
                data = await mutation(client, url, "accounts:transfer",
                                      {"from": source, "to": target, "amount": amount})
                if data.get("status") == "success":
                    ok_count += 1
                    delta[source] -= amount
                    delta[target] += amount
                elif (data.get("errorData") or {}).get("code") == "INSUFFICIENT_FUNDS":
                    insufficient += 1
                else:
                    errors.append(str(data)[:300])

        await asyncio.gather(*(one_client(random.Random(rng.random())) for _ in range(clients)))
        await asyncio.sleep(0.5)  # let the observer get the last Transition
        stop.set()
        await asyncio.gather(observer_task, *poller_tasks)
        balances = await query(client, url, "accounts:list", {})
        final = await query(client, url, "accounts:total", {})
    seconds = time.monotonic() - start

    def torn(values: list[Any]) -> list[Any]:
        return [v for v in values if v["total"] != expected_total or sum(v["balances"]) != expected_total
                or min(v["balances"]) < 0 or v["count"] != accounts]

    torn_sync = torn(observer.values)
    torn_polled = torn(polled)
    mismatched = {n: (balances[n], opening + delta[n]) for n in names if balances[n] != opening + delta[n]}
    return {
        "clients": clients,
        "transfers_each": transfers,
        "accounts": accounts,
        "expected_total": expected_total,
        "final_total": final["total"],
        "min_balance": final["min"],
        "transfers_ok": ok_count,
        "transfers_refused_insufficient_funds": insufficient,
        "errors": errors[:10],
        "balances_match_acknowledged_transfers": not mismatched,
        "mismatched_balances": mismatched,
        "subscriber_values_seen": len(observer.values),
        "subscriber_transitions": observer.transitions,
        "subscriber_errors": observer.errors[:5],
        "subscriber_torn_count": len(torn_sync),
        "subscriber_torn_values": torn_sync[:5],
        "polled_values_seen": len(polled),
        "polled_torn_count": len(torn_polled),
        "polled_torn_values": torn_polled[:5],
        "seconds": round(seconds, 2),
        "ok": (final["total"] == expected_total and final["min"] >= 0 and not mismatched and not errors
               and not torn_sync and not torn_polled and not observer.errors and len(observer.values) > 1),
    }


# -- the script -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--increments", type=int, default=500)
    parser.add_argument("--transfers", type=int, default=300, help="transfers per client")
    parser.add_argument("--accounts", type=int, default=10)
    ns = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="albertplus-serial-"))
    project = copy_project(LEDGER, workdir / "ledger")
    with contextlib.ExitStack() as cleanup, DevServer(project, quiet=True) as server:
        cleanup.callback(shutil.rmtree, workdir, True)
        counter = asyncio.run(counter_run(server.url, ns.clients, ns.increments))
        log(f"counter: {counter['final']} of {counter['expected']} in {counter['seconds']} s")
        ws_counter = asyncio.run(ws_counter_run(server.url, ns.clients, ns.increments))
        log(f"counter over sync: {ws_counter['final']} of {ws_counter['expected']} in {ws_counter['seconds']} s")
        transfers = asyncio.run(transfer_run(server.url, ns.clients, ns.transfers, ns.accounts))
        log(f"transfers: total {transfers['final_total']} of {transfers['expected_total']}, "
            f"{transfers['subscriber_values_seen']} subscriber values")
    report = {
        "counter": counter,
        "counter_over_sync": ws_counter,
        "transfers": transfers,
        "summary": {
            "increments": counter["expected"],
            "counter_final": counter["final"],
            "sync_increments": ws_counter["expected"],
            "sync_counter_final": ws_counter["final"],
            "lost_updates": counter["expected"] - counter["final"] + ws_counter["expected"] - ws_counter["final"],
            "transfers_ok": transfers["transfers_ok"],
            "transfers_refused": transfers["transfers_refused_insufficient_funds"],
            "total_conserved": transfers["final_total"] == transfers["expected_total"],
            "negative_balances": transfers["min_balance"] < 0,
            "query_values_checked": transfers["subscriber_values_seen"] + transfers["polled_values_seen"],
            "torn_reads": transfers["subscriber_torn_count"] + transfers["polled_torn_count"],
            "ok": counter["ok"] and ws_counter["ok"] and transfers["ok"],
        },
    }
    print(json.dumps(report, indent=2))
    return 0 if report["summary"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
