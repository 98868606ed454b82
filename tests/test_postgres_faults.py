"""PostgreSQL faults: the server goes away mid-run and comes back, the pool runs dry, two schema pushes race."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest
from serve_process import ServeServer
from server_process import REPO, copy_project
from storage_backends import PostgresDatabases
from tcp_relay import TcpRelay

MESSAGES = REPO / "tests" / "projects" / "messages"


@pytest.fixture
def servers() -> Iterator[list[ServeServer]]:
    started: list[ServeServer] = []
    yield started
    for server in started:
        server.stop()


def call(server: ServeServer, kind: str, path: str, args: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{server.url}/api/{kind}", json={"path": path, "args": args, "format": "json"}, timeout=60)


def test_the_server_goes_away_and_comes_back_without_a_restart(
    tmp_path: Path, postgres_databases: PostgresDatabases, servers: list[ServeServer]
) -> None:
    url = postgres_databases.create()
    info = psycopg.conninfo.conninfo_to_dict(url)
    relay = TcpRelay(str(info.get("host") or "127.0.0.1"), int(info.get("port") or 5432)).start()
    relayed = psycopg.conninfo.make_conninfo(url, host="127.0.0.1", port=relay.port)
    relayed_url = f"postgresql://{info.get('user') or 'postgres'}@127.0.0.1:{relay.port}/{info['dbname']}"
    assert psycopg.conninfo.conninfo_to_dict(relayed)["port"] == str(relay.port)
    project = copy_project(MESSAGES, tmp_path / "messages")
    server = ServeServer(project, relayed_url).start(timeout=120)
    servers.append(server)
    assert call(server, "mutation", "messages:send", {"author": "f", "body": "before"}).json()["status"] == "success"

    relay.cut()
    for kind, path, args in (("mutation", "messages:send", {"author": "f", "body": "during"}),
                             ("query", "messages:list", {"author": "f"})):
        response = call(server, kind, path, args)
        body = response.json()
        assert body["status"] == "error", body
        assert "PostgreSQL" in body["errorMessage"] and "Traceback" not in body["errorMessage"], body

    relay.start()
    deadline = time.monotonic() + 60
    while True:  # requests may fail for a few seconds while the connections are re-opened
        sent = call(server, "mutation", "messages:send", {"author": "f", "body": "after"}).json()
        if sent["status"] == "success" or time.monotonic() > deadline:
            break
        assert "PostgreSQL" in sent["errorMessage"], sent
        time.sleep(0.5)
    assert sent["status"] == "success", sent
    while True:
        listed = call(server, "query", "messages:list", {"author": "f"}).json()
        if listed["status"] == "success" or time.monotonic() > deadline:
            break
        assert "PostgreSQL" in listed["errorMessage"], listed
        time.sleep(0.5)
    assert [m["body"] for m in listed["value"]] == ["before", "after"]
    relay.cut()


SLOW_FUNCTIONS = '''
import time
from albertplus_cli.server import query
from albertplus_cli.values import v


@query(args={"seconds": v.number()})
def hold(ctx, args):
    ctx.db.query("messages").first()
    time.sleep(args["seconds"])
    return "done"
'''


def test_an_exhausted_pool_makes_requests_wait_then_fail_clearly(
    tmp_path: Path, postgres_databases: PostgresDatabases, servers: list[ServeServer]
) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    (project / "functions" / "slow.py").write_text(SLOW_FUNCTIONS)
    server = ServeServer(project, postgres_databases.create(),
                         env={"ALBERTPLUS_PG_POOL_SIZE": "2", "ALBERTPLUS_PG_POOL_TIMEOUT": "1"}).start(timeout=120)
    servers.append(server)
    with ThreadPoolExecutor(6) as pool:
        started = time.monotonic()
        results = list(pool.map(lambda _: call(server, "query", "slow:hold", {"seconds": 4}).json(), range(6)))
        elapsed = time.monotonic() - started
    done = [r for r in results if r["status"] == "success"]
    refused = [r for r in results if r["status"] == "error"]
    assert done and refused, results
    assert all("no free database connection within 1 s" in r["errorMessage"] for r in refused), refused
    assert elapsed < 60
    # once the pool has room again, requests succeed
    assert call(server, "query", "messages:list", {}).json()["status"] == "success"


def test_two_processes_starting_together_create_the_tables_once(
    tmp_path: Path, postgres_databases: PostgresDatabases, servers: list[ServeServer]
) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    url = postgres_databases.create(empty=True)  # no tables yet: both processes go to make them
    racing = [ServeServer(project, url, log_name=f"race{i}.log") for i in range(2)]
    for server in racing:
        servers.append(server)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda s: s.start(timeout=120), racing))
    sent = call(racing[0], "mutation", "messages:send", {"author": "r", "body": "x"}).json()
    assert sent["status"] == "success"
    found = call(racing[1], "query", "messages:list", {"author": "r"}).json()["value"]
    assert [m["_id"] for m in found] == [sent["value"]]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM indexes WHERE name = 'by_author'").fetchone() == (1,)


def test_a_schema_push_by_another_process_is_picked_up(
    tmp_path: Path, postgres_databases: PostgresDatabases, servers: list[ServeServer]
) -> None:
    """B starts with a new index; A, still running the old code, keeps that index complete with its writes."""
    url = postgres_databases.create()
    old = copy_project(MESSAGES, tmp_path / "old")
    a = ServeServer(old, url, log_name="a.log").start(timeout=120)
    servers.append(a)
    assert call(a, "mutation", "messages:send", {"author": "s", "body": "one"}).json()["status"] == "success"
    new = copy_project(MESSAGES, tmp_path / "new")
    schema = (new / "schema.py").read_text()
    assert '.index("by_author", ["author"])' in schema
    (new / "schema.py").write_text(schema.replace('.index("by_author", ["author"])',
                                                  '.index("by_author", ["author"]).index("by_body", ["body"])'))
    (new / "functions" / "bodies.py").write_text(
        "from albertplus_cli.server import query\nfrom albertplus_cli.values import v\n\n\n"
        "@query(args={\"body\": v.string()})\ndef find(ctx, args):\n"
        "    return [m[\"author\"] for m in ctx.db.query(\"messages\")"
        ".with_index(\"by_body\", lambda r: r.eq(\"body\", args[\"body\"])).collect()]\n")
    b = ServeServer(new, url, log_name="b.log").start(timeout=120)
    servers.append(b)
    # A writes after B's push: its writer reloads the catalog, so the new index gets A's document too
    assert call(a, "mutation", "messages:send", {"author": "s", "body": "two"}).json()["status"] == "success"
    assert call(b, "query", "bodies:find", {"body": "one"}).json()["value"] == ["s"]
    assert call(b, "query", "bodies:find", {"body": "two"}).json()["value"] == ["s"]
