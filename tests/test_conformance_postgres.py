"""The conformance kit (`../shared/conformance/run`, beside the clone) with ALBERTPLUS_DATABASE_URL pointing at a
fresh PostgreSQL database: the `albertplus dev` it starts is this checkout's, stores on PostgreSQL, and the
official PyPI and npm clients pass every check against it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from storage_backends import PostgresDatabases

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"


def _kit_candidates() -> list[Path]:
    """`shared/` beside the clone, as in CI; for a `git worktree`, also beside the main checkout."""
    candidates = [REPO.parent / "shared" / "conformance" / "run"]
    common = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=REPO,
                            capture_output=True, text=True)
    if common.returncode == 0 and common.stdout.strip():
        main_checkout = Path(common.stdout.strip()).parent
        candidate = main_checkout.parent / "shared" / "conformance" / "run"
        if candidate not in candidates:
            candidates.append(candidate)
    return candidates


def _kit() -> Path:
    candidates = _kit_candidates()
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("The conformance kit is missing: looked for an executable "
                + " or ".join(str(c) for c in candidates)
                + " (shared/conformance/ must sit beside the clone, as in CI).", pytrace=False)


@pytest.mark.timeout(900)
def test_conformance_kit_passes_on_postgresql(postgres_databases: PostgresDatabases) -> None:
    kit = _kit()
    assert (VENV_BIN / "albertplus").is_file(), f"{VENV_BIN / 'albertplus'} is missing: run scripts/setup first"
    database = postgres_databases.create()
    env = dict(os.environ)
    env["ALBERTPLUS_DATABASE_URL"] = database
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("ALBERTPLUS", None)  # the kit then starts this checkout's .venv/bin/albertplus (cwd is the repo root)

    # The kit bounds itself to about four minutes (more only on a cold cache, installing the clients).
    result = subprocess.run([str(kit)], cwd=REPO, env=env, capture_output=True, text=True, timeout=840)
    output = result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines, f"the kit printed nothing; stderr:\n{result.stderr}"
    last = lines[-1]
    assert result.returncode == 0, f"the kit exited {result.returncode}:\n{output[-6000:]}"
    assert last.endswith(" passed, 0 failed"), f"the kit's last line is {last!r}:\n{output[-6000:]}"
    assert int(last.split()[0]) > 0, last

    with psycopg.connect(database, connect_timeout=5) as conn:
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()
        tables = [row[0] for row in conn.execute("SELECT name FROM tables")]
    assert documents is not None and documents[0] > 0, "the kit's writes did not reach the PostgreSQL database"
    assert "messages" in tables, tables
