"""Schema pushes in a real `albertplus dev --watch` subprocess.

A schema.py the stored documents no longer match is refused (the table, the offending ids, the path and value
in the output) and nothing changes, not even the functions saved with it; an added index is created,
backfilled (with a progress bar) and usable at once; a removed index is dropped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from convex.http_client import ConvexExecutionError, ConvexHttpClient
from server_process import REPO, DevServer, copy_project

MESSAGES = REPO / "tests" / "projects" / "messages"
SCHEMA = (MESSAGES / "schema.py").read_text()
BODY_AS_NUMBER = SCHEMA.replace('"body": v.string(),', '"body": v.number(),')
WITH_INDEX = SCHEMA.replace('.index("by_author", ["author"])',
                            '.index("by_author", ["author"])\n    .index("by_body", ["body"])')

FINDER = '''from albertplus_cli.server import query
from albertplus_cli.values import v


@query(args={"body": v.string()})
def byBody(ctx, args):
    rows = ctx.db.query("messages").with_index("by_body", lambda r: r.eq("body", args["body"])).collect()
    return [row["author"] for row in rows]


@query(args={})
def version(ctx, args):
    return "VERSION"
'''


def wait_for_count(server: DevServer, text: str, count: int, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = server.output()
        if output.count(text) >= count:
            return output
        time.sleep(0.02)
    raise AssertionError(f"{text!r} did not appear {count} times:\n{server.output()[-4000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    project = copy_project(MESSAGES, tmp_path_factory.mktemp("schema_live") / "project")
    (project / "functions" / "finder.py").write_text(FINDER.replace("VERSION", "v1"))
    with DevServer(project, watch=True, quiet=True, env={"ALBERTPLUS_PROGRESS_MIN_DOCUMENTS": "1"}) as running:
        running.wait_for_output("Watching")
        yield running


@pytest.fixture(scope="module")
def ids(server: DevServer) -> list[str]:
    client = ConvexHttpClient(server.url)
    return [client.mutation("messages:send", {"author": f"author{i}", "body": f"body {i % 3}"}) for i in range(9)]


def test_incompatible_schema_is_refused_and_nothing_changes(server: DevServer, ids: list[str]) -> None:
    client = ConvexHttpClient(server.url)
    schema = server.project_dir / "schema.py"
    failures = server.output().count("✖ Schema push failed")
    schema.write_text(BODY_AS_NUMBER)
    output = wait_for_count(server, "✖ Schema push failed", failures + 1)
    report = output[output.rindex("✖ Schema push failed"):]
    assert 'documents in table "messages" do not match the schema' in report
    assert re.search(r"\b(\d+) of \1 documents in table \"messages\"", report)  # every document fails: a count
    assert f'Document with ID "{ids[0]}"' in report  # the first offending documents, by id
    assert '.body: value "body 0" does not match v.number()' in report  # one line: field, value, validator
    assert report.count("Document with ID") == 3 and "more" in report  # the first few, not all of them
    assert "make it optional" in report
    assert _stats(server)["pushFailed"] is True  # the dashboard's header says "push failed"
    # a function saved while the schema is still broken is not swapped in either
    pushes_failed = server.output().count("✖ Schema push failed")
    (server.project_dir / "functions" / "finder.py").write_text(FINDER.replace("VERSION", "v2"))
    wait_for_count(server, "✖ Schema push failed", pushes_failed + 1)
    assert client.query("finder:version", {}) == "v1"
    # nothing changed: the old schema still validates writes
    client.mutation("messages:send", {"author": "after", "body": "still a string"})
    assert any(m["author"] == "after" for m in client.query("messages:list", {}))
    # fixing the schema pushes everything saved meanwhile
    pushed = server.output().count("✔ Pushed in")
    schema.write_text(SCHEMA)
    wait_for_count(server, "✔ Pushed in", pushed + 1)
    assert _eventually(client, "finder:version", "v2")
    assert _stats(server)["pushFailed"] is False


def _stats(server: DevServer) -> dict[str, object]:
    response = httpx.get(f"{server.url}/api/albertplus/stats", headers={"Authorization": f"Convex {server.admin_key}"})
    return response.json()  # type: ignore[no-any-return]


def _eventually(client: ConvexHttpClient, path: str, expected: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.query(path, {}) == expected:
            return True
        time.sleep(0.05)
    return False


def test_added_index_is_backfilled_and_usable_then_dropped(server: DevServer, ids: list[str]) -> None:
    client = ConvexHttpClient(server.url)
    with pytest.raises(ConvexExecutionError, match="by_body"):
        client.query("finder:byBody", {"body": "body 1"})
    schema = server.project_dir / "schema.py"
    pushed = server.output().count("✔ Pushed in")
    schema.write_text(WITH_INDEX)
    output = wait_for_count(server, "✔ Pushed in", pushed + 1)
    last_push = output[output.rindex("Change detected"):]
    assert "+ index messages.by_body" in last_push
    assert re.search(r"Backfilling messages\.by_body .*\d+/\d+", last_push), last_push  # the progress bar
    # usable at once, with the documents stored before the index existed
    assert client.query("finder:byBody", {"body": "body 1"}) == ["author1", "author4", "author7"]
    client.mutation("messages:send", {"author": "late", "body": "body 1"})
    assert client.query("finder:byBody", {"body": "body 1"}) == ["author1", "author4", "author7", "late"]
    schema.write_text(SCHEMA)
    output = wait_for_count(server, "✔ Pushed in", pushed + 2)
    assert "- index messages.by_body" in output[output.rindex("Change detected"):]
    with pytest.raises(ConvexExecutionError, match="by_body"):
        client.query("finder:byBody", {"body": "body 1"})


def test_schema_error_in_schema_py_keeps_serving(server: DevServer, ids: list[str]) -> None:
    client = ConvexHttpClient(server.url)
    schema = server.project_dir / "schema.py"
    failures = server.output().count("✖ Push failed")
    schema.write_text(SCHEMA.replace('.index("by_author", ["author"])', '.index("by_author", "author")'))
    output = wait_for_count(server, "✖ Push failed", failures + 1)
    report = output[output.rindex("✖ Push failed"):]
    assert "schema.py:" in report and "must be a list of field paths" in report
    assert len(client.query("messages:list", {"author": "author1"})) == 1
    pushed = server.output().count("✔ Pushed in")
    schema.write_text(SCHEMA)
    wait_for_count(server, "✔ Pushed in", pushed + 1)


def test_functions_dir_stays_a_project(server: DevServer) -> None:
    assert Path(server.project_dir / "functions" / "_generated" / "api.d.ts").exists()
