"""What the commands print when things go wrong or are interrupted, run as a user runs them (subprocesses).

Data in messages prints literally (no Rich markup, control characters escaped), every failure is one line
and exit 1 (130 for Ctrl+C), destructive commands ask or need --yes/--force, and the hints point the way out.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

from server_process import ALBERTPLUS, REPO, DevServer, copy_project

MESSAGES = REPO / "tests" / "projects" / "messages"
SCHEMA = (MESSAGES / "schema.py").read_text()
LIKES_REQUIRED = SCHEMA.replace('"likes": v.optional(v.number()),', '"likes": v.number(),')

EXTRA = '''import time

from albertplus_cli.server import action, query
from albertplus_cli.values import v


@query(args={"text": v.string()})
def shout(ctx, args):
    print("log: " + args["text"])
    raise Exception("bad value: " + args["text"])


@query(args={})
def mine(ctx, args):
    if ctx.auth.get_user_identity() is None:
        raise Exception("Not authenticated")
    return "yours"


@action(args={"seconds": v.number(), "marker": v.string()})
def slow(ctx, args):
    open(args["marker"], "w").close()
    time.sleep(args["seconds"])
    print("slow finished")
    return "done"
'''

HOSTILE = "[/bold] [link=https://evil.example]click[/link] \x1b]0;pwned\x07 \x1b[2K"


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env={**base, "COLUMNS": "200", **(env or {})})


def _project(tmp_path: Path) -> Path:
    project = copy_project(MESSAGES, tmp_path / "project")
    (project / "functions" / "extra.py").write_text(EXTRA)
    return project


def _assert_literal(stderr: str) -> None:
    assert "[/bold] [link=https://evil.example]click[/link]" in stderr
    assert "\\x1b]0;pwned\\x07" in stderr and "\\x1b[2K" in stderr
    assert "\x1b]" not in stderr and "\x07" not in stderr
    assert "Traceback" not in stderr and "MarkupError" not in stderr


def test_error_text_and_log_lines_print_literally(tmp_path: Path) -> None:
    project = _project(tmp_path)
    args = json.dumps({"text": HOSTILE})
    local = _cli("run", "extra:shout", args, "--dir", str(project))
    assert local.returncode == 1 and local.stdout == ""
    _assert_literal(local.stderr)
    assert "log: [/bold]" in local.stderr
    with DevServer(project) as server:
        remote = _cli("run", "extra:shout", args, "--dir", str(project))
        assert remote.returncode == 1
        _assert_literal(remote.stderr)
        server.wait_for_output("extra:shout")


def test_run_hints_identity_and_the_closest_function_name(tmp_path: Path) -> None:
    project = _project(tmp_path)
    needs_user = _cli("run", "extra:mine", "--dir", str(project))
    assert needs_user.returncode == 1
    assert "Not authenticated" in needs_user.stderr and "--identity" in needs_user.stderr
    assert _cli("run", "extra:mine", "--identity", '{"subject": "u"}', "--dir", str(project)).returncode == 0
    typo = _cli("run", "messages:lst", "--dir", str(project))
    assert typo.returncode == 1 and "Did you mean messages:list?" in typo.stderr
    with DevServer(project):
        typo = _cli("run", "mesages:send", "--dir", str(project))
        assert typo.returncode == 1 and "Did you mean messages:send?" in typo.stderr


def _violating_project(tmp_path: Path) -> Path:
    """Three messages, one liked, then a schema that requires `likes`: two of three documents fail it."""
    project = _project(tmp_path)
    ids = [json.loads(_cli("run", "messages:send", json.dumps({"author": "a", "body": f"m{i}"}), "--dir",
                           str(project)).stdout) for i in range(3)]
    assert _cli("run", "messages:like", json.dumps({"id": ids[0]}), "--dir", str(project)).returncode == 0
    (project / "schema.py").write_text(LIKES_REQUIRED)
    return project


def test_run_on_data_the_schema_rejects_is_one_clear_message(tmp_path: Path) -> None:
    project = _violating_project(tmp_path)
    done = _cli("run", "messages:list", "--dir", str(project))
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    assert '2 of 3 documents in table "messages" do not match the schema' in done.stderr
    assert ".likes: Object is missing the required field `likes`" in done.stderr
    assert "make it optional" in done.stderr
    assert len(done.stderr.splitlines()) < 12  # a count, two one-line documents and the way out


def test_export_works_when_the_schema_rejects_the_data(tmp_path: Path) -> None:
    project = _violating_project(tmp_path)
    target = tmp_path / "backup.zip"
    done = _cli("export", str(target), "--dir", str(project))
    assert done.returncode == 0, done.stderr
    assert "Exported 3 documents from 1 table to" in done.stdout
    with zipfile.ZipFile(target) as zf:
        assert len(zf.read("messages/documents.jsonl").decode().splitlines()) == 3


def test_export_refuses_to_overwrite_or_create_folders_without_force(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert _cli("run", "messages:send", '{"author": "a", "body": "b"}', "--dir", str(project)).returncode == 0
    target = tmp_path / "backup.zip"
    target.write_bytes(b"yesterday's backup")
    refused = _cli("export", str(target), "--dir", str(project))
    assert refused.returncode == 1 and "already exists; pass --force" in refused.stderr
    assert target.read_bytes() == b"yesterday's backup"
    forced = _cli("export", str(target), "--force", "--dir", str(project))
    assert forced.returncode == 0, forced.stderr
    assert "Exported 1 document from 1 table" in forced.stdout  # singular
    assert zipfile.is_zipfile(target)
    missing = _cli("export", str(tmp_path / "no" / "such" / "dir" / "b.zip"), "--dir", str(project))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert not (tmp_path / "no").exists()


def test_an_unexpected_error_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    project = _project(tmp_path)
    garbage = tmp_path / "not-a-database.sqlite3"
    garbage.write_bytes(b"this is not SQLite" * 100)
    done = _cli("export", str(tmp_path / "b.zip"), "--db", str(garbage), "--dir", str(project))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_version() -> None:
    done = _cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("albertplus ")


def test_run_of_an_action_interrupted_says_the_action_goes_on(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with DevServer(project) as server:
        marker = tmp_path / "started"
        env = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
        running = subprocess.Popen(
            [ALBERTPLUS, "run", "extra:slow", json.dumps({"seconds": 3, "marker": str(marker)}), "--dir",
             str(project)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline and running.poll() is None, running.communicate()
            time.sleep(0.05)
        running.send_signal(signal.SIGINT)
        _out, err = running.communicate(timeout=60)
        assert running.returncode == 130, err
        assert f"stopped waiting for extra:slow on the server at {server.url}" in err
        assert "it keeps running there" in err and "Traceback" not in err
        server.wait_for_output("slow finished", timeout=60)  # and it did


def test_seed_reset_asks_and_refuses_without_yes_when_no_one_can_answer(albertplus_project: Path) -> None:
    project = str(albertplus_project)
    assert _cli("seed", "--quiet", "--dir", project).returncode == 0
    students = json.loads(_cli("run", "students:getCurrentStudent", "--identity", '{"subject": "user_demo"}',
                               "--dir", project).stdout)
    refused = _cli("seed", "--reset", "--quiet", "--dir", project)
    assert refused.returncode == 2
    assert "--reset deletes all" in refused.stderr and "user data included" in refused.stderr
    assert "--yes" in refused.stderr
    after = json.loads(_cli("run", "students:getCurrentStudent", "--identity", '{"subject": "user_demo"}',
                            "--dir", project).stdout)
    assert after == students  # nothing was deleted
    confirmed = _cli("seed", "--reset", "--yes", "--quiet", "--dir", project)
    assert confirmed.returncode == 0, confirmed.stderr
    assert "documents cleared first" in confirmed.stdout
    assert "WARNING" in _cli("run", "--help").stdout


def test_seed_interrupted_says_what_was_written_and_a_rerun_completes_it(albertplus_project: Path) -> None:
    project = str(albertplus_project)
    env = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    seeding = subprocess.Popen([ALBERTPLUS, "seed", "--scale", "3000", "--quiet", "--dir", project],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(8)
    seeding.send_signal(signal.SIGINT)
    _out, err = seeding.communicate(timeout=120)
    if seeding.returncode == 0:  # finished before the signal on a fast machine: nothing to check
        return
    assert seeding.returncode == 130, err
    assert "interrupted. Written so far" in err and "Traceback" not in err
    assert "Run `albertplus seed --scale 3000` again to complete it" in err
    again = _cli("seed", "--scale", "3000", "--quiet", "--dir", project, timeout=600)
    assert again.returncode == 0, again.stderr
    done = _cli("seed", "--scale", "3000", "--quiet", "--dir", project, timeout=600)
    assert "nothing to change" in done.stdout
