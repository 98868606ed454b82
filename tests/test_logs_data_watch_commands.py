"""`albertplus logs`, `albertplus data` and `albertplus run --watch` against a real `albertplus dev`, as a user
runs them in a second terminal: streamed output, Ctrl+C ending with exit 130 and nothing on stderr."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
from cli_stream import StreamingCommand
from server_process import ALBERTPLUS, DevServer

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=120,
                          env={**CLEAN_ENV, "COLUMNS": "200"})


def _stream(*args: str) -> StreamingCommand:
    return StreamingCommand(*args, env={"ALBERTPLUS_URL": "", "ALBERTPLUS_ADMIN_KEY": ""})


def _project(tmp_path: Path) -> Path:
    assert _cli("init", str(tmp_path / "app")).returncode == 0
    return tmp_path / "app"


def _call(server: DevServer, kind: str, path: str, args: dict[str, object]) -> dict[str, object]:
    return httpx.post(f"{server.url}/api/{kind}", json={"path": path, "args": args}, timeout=30).json()


def test_logs_streams_log_lines_and_failures_and_with_success_every_call(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with DevServer(project) as server:
        _call(server, "mutation", "tasks:add", {"text": "before"})
        plain = _stream("logs", "--dir", str(project))
        verbose = _stream("logs", "--success", "--dir", str(project))
        try:
            plain.wait_for_stderr("Watching logs")
            verbose.wait_for_stderr("Watching logs")
            _call(server, "query", "tasks:list", {})
            _call(server, "mutation", "tasks:add", {"text": "milk"})
            _call(server, "mutation", "tasks:add", {"text": ""})
            verbose.wait_for("A task needs some text")
            plain.wait_for("A task needs some text")
        finally:
            assert plain.interrupt() == 130
            assert verbose.interrupt() == 130
        # no history by default: the call made before `logs` started is not shown
        assert "before" not in plain.out and "before" not in verbose.out
        assert "[CONVEX M(tasks:add)] [LOG] adding task: milk" in plain.out
        assert "[CONVEX M(tasks:add)] Uncaught ConvexError: A task needs some text" in plain.out
        assert "tasks:list" not in plain.out  # a successful call without log lines: nothing by default
        assert "[CONVEX Q(tasks:list)] Function executed in" in verbose.out
        assert "[CONVEX M(tasks:add)] Function executed in" in verbose.out
        assert "Traceback" not in plain.err + verbose.err

        history = _stream("logs", "--history", "2", "--json", "--dir", str(project))
        try:
            history.wait_for("\n", count=2)
        finally:
            assert history.interrupt() == 130
        entries = [json.loads(line) for line in history.out.splitlines()]
        assert [(e["identifier"], e["udfType"]) for e in entries] == [("tasks:add", "Mutation")] * 2
        assert entries[0]["logLines"] == ["[LOG] adding task: milk"] and "error" not in entries[0]
        assert "A task needs some text" in entries[1]["error"]


def test_logs_history_shows_the_newest_calls_when_the_server_kept_more_than_one_page(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with DevServer(project, quiet=True) as server, httpx.Client(timeout=30) as client:
        for n in range(1100):  # the log endpoint answers at most 1,000 entries per request
            client.post(f"{server.url}/api/mutation", json={"path": "tasks:add", "args": {"text": f"n{n}"}})
        history = _stream("logs", "--history", "3", "--json", "--dir", str(project))
        try:
            history.wait_for("\n", count=3)
        finally:
            assert history.interrupt() == 130
    lines = [json.loads(line)["logLines"] for line in history.out.splitlines()]
    assert lines == [[f"[LOG] adding task: n{n}"] for n in (1097, 1098, 1099)]


def test_logs_without_a_server_is_one_clear_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = _cli("logs", "--dir", str(project))
    assert result.returncode == 1 and "needs a running server" in result.stderr
    named = subprocess.run([ALBERTPLUS, "logs", "--dir", str(project)], capture_output=True, text=True, timeout=60,
                           env={**CLEAN_ENV, "ALBERTPLUS_URL": "http://127.0.0.1:9"})
    assert named.returncode == 1 and "nothing answers at http://127.0.0.1:9" in named.stderr


def test_data_lists_tables_and_documents_through_the_server_and_from_the_database(tmp_path: Path) -> None:
    project = _project(tmp_path)
    dir_ = str(project)
    with DevServer(project) as server:
        for text in ("first", "second", "third"):
            _call(server, "mutation", "tasks:add", {"text": text})
        through_server = _check_data(dir_)
    direct = _check_data(dir_)  # the server is gone: the same answers straight from the database
    assert direct == through_server
    missing = _cli("data", "nope", "--dir", dir_)
    assert missing.returncode == 1 and "nope" in missing.stderr and "Traceback" not in missing.stderr
    bad = _cli("data", "tasks", "--order", "sideways", "--dir", dir_)
    assert bad.returncode == 2


def _check_data(dir_: str) -> list[str]:
    tables = _cli("data", "--dir", dir_)
    assert tables.returncode == 0, tables.stderr
    assert tables.stdout.split() == ["tasks", "3", "documents"]
    newest = _cli("data", "tasks", "--limit", "2", "--dir", dir_)
    assert newest.returncode == 0, newest.stderr
    lines = newest.stdout.splitlines()
    assert lines[0].split(" | ")[0].strip() == "_id" and [c.strip() for c in lines[0].split("|")][2:] == [
        "isCompleted", "text"]
    assert ['"third"', '"second"'] == [line.split("|")[-1].strip() for line in lines[2:]]
    assert "Showing the 2 most recently created documents" in newest.stderr
    oldest = _cli("data", "tasks", "--order", "asc", "--format", "jsonl", "--dir", dir_)
    docs = [json.loads(line) for line in oldest.stdout.splitlines()]
    assert [d["text"] for d in docs] == ["first", "second", "third"] and docs[0]["isCompleted"] is False
    return [tables.stdout, newest.stdout, oldest.stdout]


def test_run_watch_prints_the_result_again_on_every_change_until_ctrl_c(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with DevServer(project) as server:
        watch = _stream("run", "tasks:list", '{"completed": false}', "--watch", "--dir", str(project))
        try:
            watch.wait_for("[]")
            _call(server, "mutation", "tasks:add", {"text": "one"})
            watch.wait_for('"text": "one"')
            _call(server, "mutation", "tasks:add", {"text": "two"})
            watch.wait_for('"text": "two"')
        finally:
            code = watch.interrupt()
        assert code == 130 and watch.err == ""
        results = [json.loads(chunk) for chunk in _json_documents(watch.out)]
        assert [[t["text"] for t in r] for r in results] == [[], ["one"], ["two", "one"]]

        not_a_query = _cli("run", "tasks:add", '{"text": "x"}', "--watch", "--dir", str(project))
        assert not_a_query.returncode == 1 and "defined as Mutation" in not_a_query.stderr
    gone = _cli("run", "tasks:list", "--watch", "--dir", str(project))
    assert gone.returncode == 1 and "needs a running server" in gone.stderr


def _json_documents(text: str) -> list[str]:
    """Split concatenated pretty-printed JSON values."""
    decoder = json.JSONDecoder()
    out, pos = [], 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        value, end = decoder.raw_decode(text, pos)
        out.append(text[pos:end])
        pos = end
    return out
