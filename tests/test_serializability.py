"""Serializability against a real `albertplus dev` (tests/projects/ledger): no lost updates, conserved
transfers, and no query ever sees half of a mutation.

The functions live in reliability/serializability.py; its script runs the full-size version and prints JSON:

    .venv/bin/python reliability/serializability.py            # 16 x 500 over HTTP and over sync, 16 x 300 transfers
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_process import REPO, DevServer, copy_project

sys.path.insert(0, str(REPO))

from reliability.serializability import LEDGER, counter_run, transfer_run, ws_counter_run  # noqa: E402

CLIENTS = 16
SYNC_INCREMENTS = 500  # 16 x 500 = 8,000 over the sync protocol: a few seconds
HTTP_INCREMENTS = 150  # over HTTP the Python client is the bottleneck on 2 cores; the script does 16 x 500
TRANSFERS = 100

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[DevServer]:
    project = copy_project(LEDGER, tmp_path / "ledger")
    with DevServer(project, quiet=True) as server:
        yield server


def test_concurrent_increments_over_sync_lose_nothing(ledger: DevServer) -> None:
    result = asyncio.run(ws_counter_run(ledger.url, CLIENTS, SYNC_INCREMENTS))
    assert result["errors"] == []
    assert result["final"] == CLIENTS * SYNC_INCREMENTS == 8000
    assert result["ok"], "the returned values are not exactly 1..8000: two increments saw the same value"


def test_concurrent_increments_over_http_lose_nothing(ledger: DevServer) -> None:
    result = asyncio.run(counter_run(ledger.url, CLIENTS, HTTP_INCREMENTS))
    assert result["errors"] == []
    assert result["final"] == CLIENTS * HTTP_INCREMENTS
    assert result["returned_values_are_1_to_n"], result


def test_concurrent_transfers_conserve_the_total_and_never_go_negative(ledger: DevServer) -> None:
    result = asyncio.run(transfer_run(ledger.url, CLIENTS, TRANSFERS))
    assert result["errors"] == []
    assert result["transfers_ok"] > 0 and result["transfers_refused_insufficient_funds"] > 0, result
    assert result["final_total"] == result["expected_total"]
    assert result["min_balance"] >= 0
    assert result["balances_match_acknowledged_transfers"], result["mismatched_balances"]


def test_a_query_never_sees_half_of_a_mutation(ledger: DevServer) -> None:
    result = asyncio.run(transfer_run(ledger.url, CLIENTS, TRANSFERS))
    assert result["subscriber_errors"] == []
    assert result["subscriber_values_seen"] > 50, "too few subscription updates to mean anything"
    assert result["subscriber_torn_count"] == 0, result["subscriber_torn_values"]
    assert result["polled_values_seen"] > 10
    assert result["polled_torn_count"] == 0, result["polled_torn_values"]


def test_a_refused_transfer_rolls_back_its_debit(ledger: DevServer) -> None:
    with httpx.Client(base_url=ledger.url) as client:
        def call(kind: str, path: str, args: dict[str, object]) -> dict[str, object]:
            return client.post(f"/api/{kind}", json={"path": path, "args": args}).json()  # type: ignore[no-any-return]

        assert call("mutation", "accounts:open", {"names": ["a", "b"], "balance": 10})["value"] == 2
        refused = call("mutation", "accounts:transfer", {"from": "a", "to": "b", "amount": 11})
        assert refused["status"] == "error"
        assert refused["errorData"] == {"code": "INSUFFICIENT_FUNDS", "balance": 10}
        assert call("query", "accounts:list", {})["value"] == {"a": 10, "b": 10}
        assert call("mutation", "accounts:transfer", {"from": "a", "to": "b", "amount": 10})["value"] == 0
        assert call("query", "accounts:list", {})["value"] == {"a": 0, "b": 20}
