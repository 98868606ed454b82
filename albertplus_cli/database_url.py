"""Which database a command uses: `--database URL`, else `ALBERTPLUS_DATABASE_URL`, else the project's SQLite file.

`postgresql://user@host:port/db` (or `postgres://`) selects PostgreSQL; a path or `sqlite:///path` selects SQLite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ENV_VAR = "ALBERTPLUS_DATABASE_URL"
POSTGRES_SCHEMES = ("postgresql", "postgres")


class DatabaseUrlError(ValueError):
    """A database URL this version cannot use; the message names the URL and what is accepted."""


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database location: a SQLite file path or a PostgreSQL connection URL."""

    kind: str  # "sqlite" | "postgres"
    sqlite_path: Path | None = None
    postgres_url: str | None = None

    def __str__(self) -> str:
        return str(self.sqlite_path) if self.kind == "sqlite" else redact(self.postgres_url or "")


def parse_database_url(text: str) -> DatabaseUrl:
    """`postgresql://…`, `sqlite:///path` or a plain path; raises DatabaseUrlError for anything else."""
    text = text.strip()
    if not text:
        raise DatabaseUrlError("--database: the database URL is empty")
    if "://" not in text:
        return DatabaseUrl("sqlite", sqlite_path=Path(text).expanduser())
    scheme = text.split("://", 1)[0].lower()
    if scheme == "sqlite":
        path = text.split("://", 1)[1]
        if not path or path == "/":
            raise DatabaseUrlError(f"--database: {text!r} names no file (use sqlite:///path/to/file.sqlite3)")
        # sqlite:///abs/path -> /abs/path; sqlite://rel/path -> rel/path (as SQLAlchemy reads them).
        return DatabaseUrl("sqlite", sqlite_path=Path(path).expanduser())
    if scheme in POSTGRES_SCHEMES:
        parts = urlsplit(text)
        try:
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            raise DatabaseUrlError(f"--database: {redact(text)!r} has an invalid port") from None
        return DatabaseUrl("postgres", postgres_url=text)
    raise DatabaseUrlError(
        f"--database: unknown scheme {scheme!r} in {redact(text)!r}; use postgresql://user@host:port/db, "
        "sqlite:///path or a file path"
    )


def resolve_database_url(flag: str | None, default_path: Path) -> DatabaseUrl:
    """The flag wins over ALBERTPLUS_DATABASE_URL, which wins over the project's default SQLite file."""
    text = flag if flag else os.environ.get(ENV_VAR)
    if not text:
        return DatabaseUrl("sqlite", sqlite_path=default_path)
    return parse_database_url(text)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
