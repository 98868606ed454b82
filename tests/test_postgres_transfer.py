"""Moving a deployment between backends: `albertplus export` from PostgreSQL imported into SQLite with every id
and creation time kept, and the reverse, all through the CLI with `--database`."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from server_process import ALBERTPLUS
from storage_backends import PostgresDatabases

from albertplus_cli.database import Database
from albertplus_cli.database.documents import to_document
from albertplus_cli.database_url import parse_database_url


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALBERTPLUS, *args], capture_output=True, text=True, timeout=600)


def dump(database: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Every document by table and id, read straight from storage."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    db = Database(parse_database_url(database))

    def read(tx: Any) -> None:
        for name, info in tx.catalog.by_name.items():
            out[name] = {i: to_document(i, ct, body) for i, ct, body in tx.session.export_rows(info.number)}

    try:
        db.read(read)
    finally:
        db.close()
    return out


def test_postgres_to_sqlite_and_back_keeps_every_id(
    albertplus_project: Path, tmp_path: Path, postgres_databases: PostgresDatabases
) -> None:
    source = postgres_databases.create()
    seeded = run("seed", "--dir", str(albertplus_project), "--database", source)
    assert seeded.returncode == 0, seeded.stderr
    original = dump(source)
    assert sum(len(docs) for docs in original.values()) > 2000

    snapshot = tmp_path / "from_postgres.zip"
    exported = run("export", str(snapshot), "--dir", str(albertplus_project), "--database", source)
    assert exported.returncode == 0, exported.stderr
    sqlite = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    imported = run("import", str(snapshot), "--dir", str(albertplus_project), "--database", sqlite)
    assert imported.returncode == 0, imported.stderr
    assert dump(sqlite) == original

    back = tmp_path / "from_sqlite.zip"
    exported = run("export", str(back), "--dir", str(albertplus_project), "--database", sqlite)
    assert exported.returncode == 0, exported.stderr
    target = postgres_databases.create()
    imported = run("import", str(back), "--dir", str(albertplus_project), "--database", target)
    assert imported.returncode == 0, imported.stderr
    assert dump(target) == original
