"""The storage backends the engine tests run on: SQLite files, and PostgreSQL databases made per test.

`storage_backend` is a parametrized fixture (ids `sqlite`, `postgres`). On PostgreSQL every SQLite path a test
opens (through `project_factory.open_database`/`open_engine`/`database_location`) maps to its own fresh
database on the server at ALBERTPLUS_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/), so a
test that reopens a path reopens the same database; all of them are dropped after the module's tests. When no server
answers, the test fails saying so: the PostgreSQL tests are never skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import project_factory
import psycopg
import pytest
from psycopg import sql

TEST_POSTGRES_URL = os.environ.get("ALBERTPLUS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")


def _admin_url() -> str:
    return psycopg.conninfo.make_conninfo(TEST_POSTGRES_URL, dbname="postgres")


def _url_for(name: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(TEST_POSTGRES_URL)
    user = info.get("user") or "postgres"
    host = info.get("host") or "127.0.0.1"
    port = info.get("port") or 5432
    password = f":{info['password']}" if info.get("password") else ""
    return f"postgresql://{user}{password}@{host}:{port}/{name}"


class PostgresDatabases:
    """Creates uniquely named databases on the test server and drops them all at the end."""

    def __init__(self) -> None:
        try:
            self._admin = psycopg.connect(_admin_url(), autocommit=True, connect_timeout=5)
        except psycopg.Error as e:
            pytest.fail(
                f"The PostgreSQL tests need a server at {TEST_POSTGRES_URL} (ALBERTPLUS_TEST_POSTGRES_URL), and "
                f"none answered: {str(e).strip().splitlines()[0]}. Run the tests with scripts/test, which starts "
                "a throwaway cluster when none runs.", pytrace=False)
        self.names: list[str] = []
        self.by_path: dict[Path, str] = {}

    def create(self) -> str:
        """A new empty database; its URL."""
        name = f"albertplus_test_{secrets.token_hex(6)}"
        self._admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.names.append(name)
        return _url_for(name)

    def for_path(self, path: Path) -> str:
        """The database standing for a SQLite path in this test (the same path, the same database)."""
        key = Path(path).resolve()
        if key not in self.by_path:
            self.by_path[key] = self.create()
        return self.by_path[key]

    def drop_all(self) -> None:
        for name in self.names:
            self._admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self._admin.close()


@pytest.fixture
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def storage_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a module's tests once on SQLite files and once on PostgreSQL databases.

    Module-scoped, so a module's own module-scoped fixtures (which must request this one) are made once per
    backend; each test still opens its own database (a fresh path, a fresh PostgreSQL database), and the
    module's PostgreSQL databases are dropped when its tests are done.
    """
    if request.param == "sqlite":
        yield "sqlite"
        return
    databases = PostgresDatabases()
    project_factory.LOCATION_OVERRIDE = databases.for_path
    try:
        yield "postgres"
    finally:
        project_factory.LOCATION_OVERRIDE = None
        databases.drop_all()
