"""The storage backends the engine tests run on: SQLite files, and PostgreSQL databases made and dropped per test.

`storage_backend` is a parametrized, function-scoped fixture (ids `sqlite`, `postgres`). On PostgreSQL every
SQLite path a test opens (through `project_factory.open_database`/`open_engine`/`database_location`) maps to its
own fresh database on the server at ALBERTPLUS_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/),
so a test that reopens a path reopens the same database. `postgres_databases` hands out databases by URL.

Either way, every database a test made is dropped at that test's teardown, pass or fail (`DROP DATABASE ... WITH
(FORCE)`, so a server subprocess still connected does not hold it), and the drop is checked in `pg_database`.
Names carry the xdist worker and a random part, so parallel workers, and other test runs on the same server,
never collide.

Creating a database and its tables costs a few hundred milliseconds; most of it is the tables. So each test
process builds one template database with the tables already made (no connection left open, connections then
refused, as CREATE DATABASE ... TEMPLATE needs) and copies it per test; the template is dropped when the session
ends. `create(empty=True)` gives a database without the tables, for tests of their creation on first use.

When no server answers, the test fails saying so: the PostgreSQL tests are never skipped.
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import project_factory
import psycopg
import pytest
from psycopg import sql

from albertplus_cli.storage.postgres_storage import PostgresStorage

TEST_POSTGRES_URL = os.environ.get("ALBERTPLUS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
NAME_PREFIX = "albertplus_test_"


def _admin_url() -> str:
    return psycopg.conninfo.make_conninfo(TEST_POSTGRES_URL, dbname="postgres")


def url_for(name: str) -> str:
    """The URL of database `name` on the test server, as `albertplus --database` takes it."""
    info = psycopg.conninfo.conninfo_to_dict(TEST_POSTGRES_URL)
    user = info.get("user") or "postgres"
    host = info.get("host") or "127.0.0.1"
    port = info.get("port") or 5432
    password = f":{info['password']}" if info.get("password") else ""
    return f"postgresql://{user}{password}@{host}:{port}/{name}"


def name_of(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


def unique_name(label: str) -> str:
    """`albertplus_test_<worker>_<label>_<random>`, within PostgreSQL's 63 bytes."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:28]
    return f"{NAME_PREFIX}{worker}_{slug}_{secrets.token_hex(5)}" if slug else \
        f"{NAME_PREFIX}{worker}_{secrets.token_hex(5)}"


class DatabaseServer:
    """This test process's maintenance connection to the server, and its template database (made on first use)."""

    def __init__(self) -> None:
        try:
            self.admin = psycopg.connect(_admin_url(), autocommit=True, connect_timeout=5)
        except psycopg.Error as e:
            pytest.fail(
                f"The PostgreSQL tests need a server at {TEST_POSTGRES_URL} (ALBERTPLUS_TEST_POSTGRES_URL), and "
                f"none answered: {str(e).strip().splitlines()[0]}. Run the tests with scripts/test, which starts "
                "a throwaway cluster when none runs.", pytrace=False)
        self.template: str | None = None

    def create(self, name: str, template: str | None = None) -> None:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        self.admin.execute(statement)

    def drop(self, names: list[str]) -> None:
        """Drop the databases even while clients are still connected to them."""
        for name in names:
            if self.admin.info.server_version >= 130000:
                self.admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            elif self.existing([name]):  # no FORCE before PostgreSQL 13: refuse connections, end the open ones
                self.admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(
                    sql.Identifier(name)))
                self.admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                                   (name,))
                self.admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    def existing(self, names: list[str]) -> list[str]:
        """Which of these databases exist on the server."""
        rows = self.admin.execute("SELECT datname FROM pg_database WHERE datname = ANY(%s)", (names,)).fetchall()
        return [row[0] for row in rows]

    def tables_template(self) -> str:
        """A database with albertplus's tables made, copied by each test (built once per test process)."""
        if self.template is None:
            name = unique_name("template")
            self.create(name)
            try:
                PostgresStorage(url_for(name)).close()
                self.admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(
                    sql.Identifier(name)))
            except BaseException:
                self.drop([name])
                raise
            self.template = name
            atexit.register(self.drop_template)  # also when used outside a pytest session
        return self.template

    def drop_template(self) -> None:
        if self.template is not None and not self.admin.closed:
            self.drop([self.template])
            self.template = None


_server: DatabaseServer | None = None


def database_server() -> DatabaseServer:
    """The one `DatabaseServer` of this test process (each xdist worker has its own)."""
    global _server
    if _server is None or _server.admin.closed:
        _server = DatabaseServer()
    return _server


class PostgresDatabases:
    """The databases one test (or one fixture) made on the test server; `drop_all` drops every one of them."""

    def __init__(self, label: str = "") -> None:
        self.server = database_server()
        self.label = label
        self.names: list[str] = []
        self.by_path: dict[Path, str] = {}

    def create(self, empty: bool = False, template: str | None = None) -> str:
        """A new database, with albertplus's tables made (none if `empty`, or a copy of `template`); its URL."""
        name = unique_name(self.label)
        source = None if empty else template or self.server.tables_template()
        self.server.create(name, source)
        self.names.append(name)
        return url_for(name)

    def for_path(self, path: Path) -> str:
        """The database standing for a SQLite path in this test (the same path, the same database)."""
        key = Path(path).resolve()
        if key not in self.by_path:
            self.by_path[key] = self.create()
        return self.by_path[key]

    def drop_all(self) -> None:
        """Drop them all, and check that none is left."""
        names, self.names = self.names, []
        self.by_path.clear()
        self.server.drop(names)
        left = self.server.existing(names)
        assert not left, f"test databases still exist after DROP DATABASE: {left}"


@pytest.fixture(scope="session", autouse=True)
def postgres_template_cleanup() -> Iterator[None]:
    """Drop this test process's template database when the session ends (if a test made one)."""
    yield
    if _server is not None and not _server.admin.closed:
        _server.drop_template()
        _server.admin.close()


@pytest.fixture
def postgres_databases(request: pytest.FixtureRequest) -> Iterator[PostgresDatabases]:
    """Fresh databases for this test (`.create()` returns a URL), all dropped at its teardown."""
    databases = PostgresDatabases(request.node.name)
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(params=["sqlite", "postgres"])
def storage_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test once on SQLite files and once on PostgreSQL databases of its own, dropped at its teardown."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    databases = PostgresDatabases(request.node.name)
    project_factory.LOCATION_OVERRIDE = databases.for_path
    try:
        yield "postgres"
    finally:
        project_factory.LOCATION_OVERRIDE = None
        databases.drop_all()
