"""`albertplus seed` as a real subprocess, alone and next to a running `albertplus dev`."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from server_process import ALBERTPLUS, DevServer

from albertplus_cli.engine import Engine

PROBE = '''
from albertplus_cli.server import query


@query(args={})
def summary(ctx, args):
    configs = ctx.db.query("appConfigs").collect()
    return {
        "courses": len(ctx.db.query("courses").collect()),
        "configs": sorted(c["key"] for c in configs),
    }
'''


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200"})


def documents(project: Path) -> dict[str, dict[str, dict[str, Any]]]:
    from albertplus_cli.database.documents import to_document

    engine = Engine(project)
    try:
        out: dict[str, dict[str, dict[str, Any]]] = {}

        def read(tx: Any) -> None:
            for name, info in tx.catalog.by_name.items():
                rows = tx.session.export_rows(info.number)
                out[name] = {i: to_document(i, ct, body) for i, ct, body in rows}

        engine.db.read(read)
        return out
    finally:
        engine.close()


def test_seed_twice_same_counts_and_ids(albertplus_project: Path) -> None:
    first = run("seed", "--dir", str(albertplus_project))
    assert first.returncode == 0, first.stderr
    assert "courseOfferings" in first.stdout and "1605" in first.stdout  # the summary table
    before = documents(albertplus_project)
    second = run("seed", "--dir", str(albertplus_project), "--quiet")
    assert second.returncode == 0, second.stderr
    assert "nothing to change" in second.stdout
    assert documents(albertplus_project) == before
    assert len(before["courses"]) == 491 and len(before["courseOfferings"]) == 1605


def test_seed_user_id_owns_the_demo_rows(albertplus_project: Path) -> None:
    result = run("seed", "--dir", str(albertplus_project), "--user-id", "user_2zed", "--quiet")
    assert result.returncode == 0, result.stderr
    docs = documents(albertplus_project)
    for table, n in (("students", 1), ("userCourses", 25), ("userCourseOfferings", 5)):
        assert [d["userId"] for d in docs[table].values()] == ["user_2zed"] * n


def test_seed_bad_file_exit_1_names_it_and_writes_nothing(albertplus_project: Path) -> None:
    path = albertplus_project / "seed" / "schools.json"
    rows = json.loads(path.read_text())
    rows[3]["level"] = "doctoral"
    path.write_text(json.dumps(rows))
    result = run("seed", "--dir", str(albertplus_project))
    assert result.returncode == 1
    assert "seed/schools.json: item 3" in result.stderr and "`level`" in result.stderr
    assert all(not docs for docs in documents(albertplus_project).values())


@pytest.mark.timeout(180)
def test_seed_from_another_process_updates_a_live_subscription(albertplus_project: Path) -> None:
    from convex import ConvexClient

    (albertplus_project / "functions" / "seedprobe.py").write_text(PROBE)
    with DevServer(albertplus_project, quiet=True) as server:  # --no-seed: the database starts empty
        client = ConvexClient(server.url)
        subscription = client.subscribe("seedprobe:summary", {})
        assert next(subscription) == {"courses": 0, "configs": []}
        started = time.time()
        seed = subprocess.Popen([ALBERTPLUS, "seed", "--dir", str(albertplus_project), "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = []
        for value in subscription:
            seen.append(value)
            if value["courses"] == 491:
                break
            assert len(seen) < 100
        out, err = seed.communicate(timeout=120)
        assert seed.returncode == 0, err
        assert seen[-1]["configs"] == ["current_term", "current_year", "is_scrape_current", "is_scrape_next",
                                       "next_term", "next_year"]
        assert time.time() - started < 60
        subscription.unsubscribe()


@pytest.mark.timeout(120)
def test_dev_seeds_an_empty_database_on_start(albertplus_project: Path) -> None:
    from convex import ConvexClient

    (albertplus_project / "functions" / "seedprobe.py").write_text(PROBE)
    with DevServer(albertplus_project, seed=True, quiet=True) as server:
        assert ConvexClient(server.url).query("seedprobe:summary")["courses"] == 491
        assert "Seeded the empty database" in server.output()
