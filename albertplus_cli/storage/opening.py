"""Open the storage a database URL names: the SQLite file, or the PostgreSQL database (tables made on first use)."""

from __future__ import annotations

from pathlib import Path

from albertplus_cli.database_url import DatabaseUrl, parse_database_url
from albertplus_cli.storage.protocol import Storage
from albertplus_cli.storage.sqlite_storage import SqliteStorage


def open_storage(location: DatabaseUrl | str | Path) -> Storage:
    """A Path is a SQLite file; a str is parsed as a database URL. Raises StorageError when it cannot be opened."""
    if isinstance(location, Path):
        return SqliteStorage(location)
    url = parse_database_url(location) if isinstance(location, str) else location
    if url.kind == "postgres":
        from albertplus_cli.storage.postgres_storage import PostgresStorage

        assert url.postgres_url is not None
        return PostgresStorage(url.postgres_url)
    assert url.sqlite_path is not None
    return SqliteStorage(url.sqlite_path)
