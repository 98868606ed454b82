"""`albertplus init` (a runnable project the official client can use at once), `albertplus function-spec`
(Convex's JSON shape, for the AlbertPlus project) and `albertplus --version`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from server_process import ALBERTPLUS, DevServer, copy_project

REPO = Path(__file__).resolve().parents[1]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ALBERTPLUS_URL", "ALBERTPLUS_ADMIN_KEY")}
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**env, "COLUMNS": "200"})


def test_init_makes_a_project_that_dev_serves_to_the_official_python_client(tmp_path: Path) -> None:
    from convex import ConvexClient, ConvexError

    made = _cli("init", "my-app", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "my-app"
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == [
        ".gitignore", "README.md", "functions/tasks.py", "schema.py"]
    assert "albertplus dev" in (project / "README.md").read_text() and "cd my-app" in made.stderr
    with DevServer(project) as server:
        client = ConvexClient(server.url)
        task_id = client.mutation("tasks:add", {"text": "  Buy milk "})
        tasks = client.query("tasks:list")
        assert [(t["_id"], t["text"], t["isCompleted"]) for t in tasks] == [(task_id, "Buy milk", False)]
        assert client.query("tasks:list", {"completed": True}) == []
        try:
            client.mutation("tasks:add", {"text": " "})
            raise AssertionError("an empty task was accepted")
        except ConvexError as e:
            assert e.data == "A task needs some text"
        server.wait_for_output("[LOG] adding task: Buy milk")


def test_init_refuses_a_folder_that_already_is_a_project_and_keeps_existing_files(tmp_path: Path) -> None:
    project = copy_project(REPO / "tests" / "projects" / "messages", tmp_path / "messages")
    before = (project / "schema.py").read_text()
    refused = _cli("init", str(project))
    assert refused.returncode == 1
    assert "already is an albertplus project" in refused.stderr and "Traceback" not in refused.stderr
    assert (project / "schema.py").read_text() == before and not (project / "functions" / "tasks.py").exists()

    other = tmp_path / "notes"
    other.mkdir()
    (other / "README.md").write_text("my notes\n")
    made = _cli("init", "--dir", str(other))
    assert made.returncode == 0, made.stderr
    assert (other / "README.md").read_text() == "my notes\n" and "README.md (kept" in made.stderr
    assert (other / "schema.py").exists()

    again = _cli("init", str(other))
    assert again.returncode == 1 and "already is an albertplus project" in again.stderr
    clash = _cli("init", str(tmp_path / "x"), "--dir", str(tmp_path / "y"))
    assert clash.returncode == 2 and not (tmp_path / "x").exists()


def test_function_spec_lists_every_albertplus_function_and_route_in_convex_shape(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "albertplus")
    result = _cli("function-spec", "--dir", str(project))
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["url"] == "http://127.0.0.1:3210"
    functions = [f for f in spec["functions"] if f["functionType"] != "HttpAction"]
    routes = [f for f in spec["functions"] if f["functionType"] == "HttpAction"]
    assert len(functions) == 49
    by_id = {f["identifier"]: f for f in functions}
    get_course = by_id["courses.js:getCourseByCode"]
    assert get_course["functionType"] == "Query" and get_course["visibility"] == {"kind": "public"}
    assert get_course["args"] == {"type": "object", "value": {"code": {"fieldType": {"type": "string"},
                                                                       "optional": False}}}
    assert by_id["seed.js:clearAll"]["visibility"] == {"kind": "internal"}
    assert by_id["seed.js:clearAll"]["functionType"] == "Mutation"
    assert by_id["scraper.js:triggerMajorsScraping"]["functionType"] == "Action"
    assert {f["functionType"] for f in functions} == {"Query", "Mutation", "Action"}
    assert all(f["returns"] for f in functions)
    assert {(r["method"], r["path"]) for r in routes} == {
        ("POST", "/api/courses/upsert"), ("POST", "/api/programs/upsert"), ("POST", "/api/courseOfferings/upsert"),
        ("POST", "/api/appConfigs/get"), ("POST", "/api/appConfigs/set")}


def test_function_spec_of_a_broken_project_is_one_clear_error(tmp_path: Path) -> None:
    project = copy_project(REPO / "tests" / "projects" / "messages", tmp_path / "messages")
    (project / "functions" / "broken.py").write_text("def oops(:\n")
    result = _cli("function-spec", "--dir", str(project))
    assert result.returncode == 1
    assert "broken.py" in result.stderr and "Traceback" not in result.stderr
    not_a_project = _cli("function-spec", "--dir", str(tmp_path))
    assert not_a_project.returncode == 1 and "albertplus init" in not_a_project.stderr


def test_dev_outside_a_project_points_to_init(tmp_path: Path) -> None:
    result = _cli("dev", "--dir", str(tmp_path), "--no-watch")
    assert result.returncode == 1
    assert "is not an albertplus project" in result.stderr and "albertplus init" in result.stderr


def test_version() -> None:
    from importlib.metadata import version

    result = _cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"albertplus {version('albertplus')}"
