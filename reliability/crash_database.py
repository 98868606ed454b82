"""The database a crash run writes to, and what is checked on it each time the server process has been killed.

SQLite: `PRAGMA integrity_check` on the file as the kill left it. PostgreSQL: the server itself is not killed
(only albertplus's process, its client), so its own files are not at stake; what a kill could break is
albertplus's atomicity across its tables, so the check is that the data is whole: no index entry or search row
without its document, and every database index holding exactly one entry per document of its table (a write
transaction cut off half-way would leave a document without its entries, or entries without the document).
Both also report the newest commit ts, which must not be behind any ts a client was told about.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from albertplus_cli.database_url import parse_database_url, redact


class CrashDatabase:
    """A SQLite file or a PostgreSQL database, named as `albertplus --database` takes it."""

    def __init__(self, location: str | Path) -> None:
        self.location = str(location)
        parsed = parse_database_url(self.location)
        self.postgres_url = parsed.postgres_url
        self.sqlite_path = parsed.sqlite_path

    @property
    def is_postgres(self) -> bool:
        return self.postgres_url is not None

    def __str__(self) -> str:
        return redact(self.location)

    def exists(self) -> bool:
        """Whether there is anything to check yet (a SQLite file is only made by the server's first start)."""
        return self.is_postgres or (self.sqlite_path is not None and self.sqlite_path.exists())

    def refuse_used(self) -> None:
        """A PostgreSQL database must hold no documents yet: the run's checks count every record it finds."""
        if self.postgres_url is None:
            return
        try:
            with psycopg.connect(self.postgres_url, connect_timeout=5) as conn:
                if conn.execute("SELECT to_regclass('documents')").fetchone() == (None,):
                    return
                if conn.execute("SELECT EXISTS(SELECT 1 FROM documents)").fetchone() == (True,):
                    raise SystemExit(f"crash.py: {self} already holds documents; give it an empty database")
        except psycopg.OperationalError as e:
            if "does not exist" in str(e):
                return  # the server's first start creates it
            raise SystemExit(f"crash.py: cannot open {self}: {str(e).strip().splitlines()[0]}") from None

    def check(self) -> tuple[str, int]:
        """("ok" or what is wrong, the newest commit ts), on the database as the kill left it."""
        if self.sqlite_path is not None:
            return _sqlite_check(self.sqlite_path)
        assert self.postgres_url is not None
        return _postgres_check(self.postgres_url)


def _sqlite_check(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(path, timeout=60)
    try:
        result = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        try:
            newest = conn.execute("SELECT max(ts) FROM commits").fetchone()[0] or 0
        except sqlite3.OperationalError:  # killed in its first start before the tables existed
            newest = 0
        return result, int(newest)
    finally:
        conn.close()


def _postgres_check(url: str) -> tuple[str, int]:
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        if "does not exist" in str(e):
            return "ok", 0  # killed in its first start before it created the database
        raise
    with conn:
        if conn.execute("SELECT to_regclass('commits')").fetchone() == (None,):
            return "ok", 0  # killed in its first start before the tables existed (they are made in one transaction)
        with conn.transaction():  # one snapshot for every count
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            problems = _postgres_problems(conn)
            newest = conn.execute("SELECT max(ts) FROM commits").fetchone()[0] or 0
    return ("; ".join(problems) or "ok"), int(newest)


def _postgres_problems(conn: psycopg.Connection[Any]) -> list[str]:
    problems: list[str] = []
    dangling = conn.execute("SELECT count(*) FROM index_entries e "
                            "WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc = e.doc)").fetchone()[0]
    if dangling:
        problems.append(f"{dangling} index entries point to no document")
    orphans = conn.execute("SELECT count(*) FROM documents d "
                           "WHERE NOT EXISTS (SELECT 1 FROM tables t WHERE t.number = d.table_number)").fetchone()[0]
    if orphans:
        problems.append(f"{orphans} documents belong to no table")
    indexes = conn.execute("SELECT i.index_id, t.name, i.name, i.kind, t.number FROM indexes i "
                           "JOIN tables t ON t.number = i.table_number ORDER BY i.index_id").fetchall()
    for index_id, table, name, kind, number in indexes:
        documents = conn.execute("SELECT count(*) FROM documents WHERE table_number = %s", (number,)).fetchone()[0]
        if kind == "search":
            search = sql.Identifier(f"search_{index_id}")
            stray = conn.execute(sql.SQL("SELECT count(*) FROM {} s WHERE NOT EXISTS (SELECT 1 FROM documents d "
                                         "WHERE d.doc = s.doc AND d.table_number = %s)").format(search),
                                 (number,)).fetchone()[0]
            if stray:
                problems.append(f"search index {table}.{name}: {stray} rows without their document")
            continue
        entries = conn.execute("SELECT count(*), count(DISTINCT d.doc) FROM index_entries e LEFT JOIN documents d "
                               "ON d.doc = e.doc AND d.table_number = %s WHERE e.index_id = %s",
                               (number, index_id)).fetchone()
        if tuple(entries) != (documents, documents):
            problems.append(f"index {table}.{name}: {entries[0]} entries for {entries[1]} of {documents} documents")
    return problems
