"""`albertplus dev` as a user lives with it: editors' saves, a second `dev` on the same project, a project that
fails to load at start-up, Ctrl+C while requests run, and the URL it prints for a wildcard host."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from convex.http_client import ConvexHttpClient
from server_process import ALBERTPLUS, REPO, DevServer, copy_project, free_port

MESSAGES = REPO / "tests" / "projects" / "messages"
SCHEMA = (MESSAGES / "schema.py").read_text()
WITH_INDEX = SCHEMA.replace('.index("by_author", ["author"])',
                            '.index("by_author", ["author"])\n    .index("by_body", ["body"])')

SLOW = '''import time

from albertplus_cli.server import action, query
from albertplus_cli.values import v


@action(args={"seconds": v.number(), "marker": v.optional(v.string())})
def wait(ctx, args):
    if "marker" in args:
        open(args["marker"], "w").close()  # tells the test the action has started
    time.sleep(args["seconds"])
    print("slow action finished")
    return "done"


@query(args={})
def ping(ctx, args):
    return "PING"
'''


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    return {**env, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}


def _count_until(server: DevServer, text: str, count: int, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = server.output()
        if output.count(text) >= count:
            return output
        time.sleep(0.05)
    raise AssertionError(f"{text!r} did not appear {count} times:\n{server.output()[-4000:]}")


def _rename_save(path: Path, text: str) -> None:
    """Save as vim, `sed -i` and JetBrains' safe write do: write a new file, rename it over the old one."""
    tmp = path.with_name(f".{path.name}.swp-save")
    tmp.write_text(text)
    os.replace(tmp, path)


def _last_push(output: str) -> str:
    return output[output.rindex("Change detected"):]


def test_schema_reloads_after_rename_saves_in_place_writes_and_delete_recreate(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    (project / "functions" / "slow.py").write_text(SLOW)
    with DevServer(project, watch=True, quiet=True) as server:
        server.wait_for_output("Watching")
        schema = project / "schema.py"
        pushed = server.output().count("✔ Pushed in")
        steps = [
            ("rename-save", lambda: _rename_save(schema, WITH_INDEX), "+ index messages.by_body"),
            # the regression: after one rename-save, later saves were no longer seen
            ("rename-save again", lambda: _rename_save(schema, SCHEMA), "- index messages.by_body"),
            ("in-place write", lambda: schema.write_text(WITH_INDEX), "+ index messages.by_body"),
            ("delete", schema.unlink, "- index messages.by_author"),
            ("recreate", lambda: schema.write_text(SCHEMA), "+ index messages.by_author"),
        ]
        for what, save, expected in steps:
            save()
            pushed += 1
            output = _count_until(server, "✔ Pushed in", pushed)
            assert expected in _last_push(output), (what, _last_push(output))
        # a function module saved by rename is reloaded too
        module = project / "functions" / "slow.py"
        _rename_save(module, SLOW.replace('"PING"', '"PONG"'))
        _count_until(server, "✔ Pushed in", pushed + 1)
        assert ConvexHttpClient(server.url).query("slow:ping", {}) == "PONG"


def test_a_second_dev_on_the_same_project_exits_1_and_the_first_keeps_serving(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    with DevServer(project) as first:
        assert first.process is not None
        second = subprocess.run(
            [ALBERTPLUS, "dev", "--dir", str(project), "--port", str(free_port()), "--site-port", str(free_port()),
             "--no-watch", "--no-seed", "--db", str(tmp_path / "other.sqlite3")],
            capture_output=True, text=True, timeout=120, env=_env())
        out = second.stdout + second.stderr
        assert second.returncode == 1, out
        assert f"already running for this project at {first.url}, pid {first.process.pid}" in out
        assert "Traceback" not in out
        # the first server's record is intact: `run` still goes through it
        assert first.url in (project / ".albertplus" / "server.json").read_text()
        sent = subprocess.run([ALBERTPLUS, "run", "messages:send", '{"author": "a", "body": "b"}', "--dir",
                               str(project)], capture_output=True, text=True, timeout=120, env=_env())
        assert sent.returncode == 0, sent.stderr
        first.wait_for_output("messages:send")
    # a crash (SIGKILL) leaves no stale lock: the next `dev` starts
    crashed = DevServer(project).start(timeout=120)
    crashed.kill()
    with DevServer(project) as again:
        assert httpx.get(f"{again.url}/instance_name").status_code == 200


def _start_in_background(server: DevServer) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            server.start(timeout=180)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    return thread, errors


@pytest.mark.parametrize("broken", ["schema-syntax", "import-time-exception"])
def test_dev_waits_for_a_fix_when_the_project_fails_to_load_at_start(tmp_path: Path, broken: str) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    if broken == "schema-syntax":
        bad_file, good_text = project / "schema.py", SCHEMA
        bad_file.write_text(SCHEMA.replace('"author": v.string(),', '"author": v.string(,'))
        where = "schema.py:"
    else:
        bad_file, good_text = project / "functions" / "slow.py", SLOW
        bad_file.write_text(SLOW + "\nraise RuntimeError('broken at import')\n")
        where = "functions/slow.py:"
    server = DevServer(project, watch=True, quiet=True)
    try:
        thread, errors = _start_in_background(server)
        output = server.wait_for_output("fix it and save", timeout=120)
        assert where in output, output
        assert server.process is not None and server.process.poll() is None  # still running, waiting
        assert "Traceback (most recent call last)" not in output
        bad_file.write_text(good_text)
        thread.join(timeout=180)
        assert not errors, errors
        assert ConvexHttpClient(server.url).query("messages:list", {}) == []
    finally:
        server.stop()


def test_dev_in_a_folder_that_is_not_a_project_points_at_init(tmp_path: Path) -> None:
    done = subprocess.run([ALBERTPLUS, "dev", "--dir", str(tmp_path), "--port", str(free_port()), "--site-port",
                           str(free_port()), "--no-seed"], capture_output=True, text=True, timeout=120, env=_env())
    assert done.returncode == 1
    assert "albertplus init" in done.stderr and "Traceback" not in done.stderr


def test_ctrl_c_says_what_dev_waits_for_and_a_second_one_forces_the_stop(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    (project / "functions" / "slow.py").write_text(SLOW)
    server = DevServer(project).start(timeout=120)
    try:
        marker = tmp_path / "started"
        args = json.dumps({"seconds": 120, "marker": str(marker)})
        waiting = subprocess.Popen([ALBERTPLUS, "run", "slow:wait", args, "--dir", str(project)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        wait_for_file(marker)
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGINT)
        output = server.wait_for_output("Press Ctrl+C again", timeout=60)
        assert "waiting for 1 running request (slow:wait)" in output
        assert server.process.poll() is None  # it waits for the action
        os.kill(server.process.pid, signal.SIGINT)
        assert server.process.wait(timeout=60) == 130  # long before the 120 s action would end
        assert "Stopping now" in server.output()
        # the `run` that waited gets one line, not a JSONDecodeError traceback
        _out, err = waiting.communicate(timeout=60)
        assert waiting.returncode == 1
        assert "error:" in err and "Traceback" not in err
        assert not (project / ".albertplus" / "server.json").exists()
    finally:
        server.stop()


def wait_for_file(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} was not created"
        time.sleep(0.05)


def test_dev_on_all_interfaces_prints_a_url_a_client_can_use(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    server = DevServer(project, "--host", "0.0.0.0")
    with server:
        output = server.wait_for_output("Press Ctrl+C")
        assert f"API (Convex URL):  http://127.0.0.1:{server.port}" in output
        assert "0.0.0.0:" not in output.split("API (Convex URL)")[1].splitlines()[0]
        assert "Listening on all interfaces" in output
        assert f'"url": "http://127.0.0.1:{server.port}"' in (project / ".albertplus" / "server.json").read_text()


def test_ctrl_c_while_an_action_runs_over_the_websocket_says_so(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "project")
    (project / "functions" / "slow.py").write_text(SLOW)
    server = DevServer(project).start(timeout=120)
    marker = tmp_path / "started"
    # the PyPI client holds the GIL while it waits: it runs in a process of its own
    code = ("from convex import ConvexClient\n"
            f"ConvexClient({server.url!r}).action('slow:wait', {{'seconds': 120, 'marker': {str(marker)!r}}})")
    client = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_file(marker)
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGINT)
        server.wait_for_output("Waiting for 1 running function to finish. Press Ctrl+C again", timeout=60)
        assert server.process.poll() is None
        os.kill(server.process.pid, signal.SIGINT)
        assert server.process.wait(timeout=60) == 130
    finally:
        client.kill()
        client.wait(timeout=10)
        server.stop()
