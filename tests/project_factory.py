"""Small albertplus projects and databases on disk for the engine tests (real SQLite files, no mocks).

`write_project` lays out `schema.py` + `functions/*.py` as CONTRACT §1 describes; `open_database` opens a
`Database` on a file in a temporary folder; `write`/`read` run a function with a real `ctx.db`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter
from albertplus_cli.database_url import DatabaseUrl, parse_database_url
from albertplus_cli.engine import Engine
from albertplus_cli.functions.loader import load_schema
from albertplus_cli.schema import SchemaDefinition

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[1]

MESSAGES_SCHEMA = """
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "messages": define_table({"author": v.string(), "body": v.string(), "likes": v.optional(v.number())})
        .index("by_author", ["author"])
        .index("by_author_likes", ["author", "likes"])
        .search_index("search_body", search_field="body", filter_fields=["author"]),
    "users": define_table({"name": v.string(), "best": v.optional(v.id("messages"))}),
})
"""

MESSAGES_FUNCTIONS = """
from albertplus_cli.server import query, mutation, action, internal_query, internal_mutation, ConvexError
from albertplus_cli.values import v

@query(args={"author": v.optional(v.string())})
def list(ctx, args):
    q = ctx.db.query("messages")
    if "author" in args:
        q = q.with_index("by_author", lambda r: r.eq("author", args["author"]))
    return q.collect()

@mutation(args={"author": v.string(), "body": v.string()}, returns=v.id("messages"))
def send(ctx, args):
    if not args["body"]:
        raise ConvexError({"code": "EMPTY", "message": "empty body"})
    return ctx.db.insert("messages", args)
"""


def write_project(root: Path, schema: str | None, functions: dict[str, str]) -> Path:
    """Write `schema.py` (if given) and `functions/<relative path>` files; returns the project folder."""
    root.mkdir(parents=True, exist_ok=True)
    if schema is not None:
        (root / "schema.py").write_text(textwrap.dedent(schema), encoding="utf-8")
    functions_dir = root / "functions"
    functions_dir.mkdir(exist_ok=True)
    for rel, source in functions.items():
        path = functions_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def schema_from_source(folder: Path, source: str) -> SchemaDefinition:
    """Load a schema the way the loader does, from a `schema.py` written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schema.py").write_text(textwrap.dedent(source), encoding="utf-8")
    schema = load_schema(folder)
    assert schema is not None
    return schema


def albertplus_schema() -> SchemaDefinition:
    """The AlbertPlus `schema.py` at the repository root."""
    schema = load_schema(REPO_ROOT)
    assert schema is not None
    return schema


#: Set by the `storage_backend` fixture (tests/storage_backends.py) while a test runs on PostgreSQL.
LOCATION_OVERRIDE: Callable[[Path], str] | None = None


def database_location(path: Path) -> Path | str:
    """Where a test's database lives: the SQLite path, or the PostgreSQL database standing for it."""
    return path if LOCATION_OVERRIDE is None else LOCATION_OVERRIDE(path)


def engine_location(path: Path) -> Path | DatabaseUrl:
    """`database_location` as `Engine` takes it: the SQLite path, or the parsed PostgreSQL URL (Engine reads a bare
    str as a file path, so a URL string would silently open a SQLite file named after it)."""
    location = database_location(path)
    return parse_database_url(location) if isinstance(location, str) else location


@contextmanager
def open_database(path: Path, schema: SchemaDefinition | None) -> Iterator[Database]:
    db = Database(database_location(path), schema)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def open_engine(root: Path, schema: str | None, functions: dict[str, str]) -> Iterator[Engine]:
    project = write_project(root, schema, functions)
    engine = Engine(project, engine_location(project / ".albertplus" / "data.sqlite3"))
    try:
        yield engine
    finally:
        engine.close()


def write(db: Database, fn: Callable[[DatabaseWriter], T]) -> T:
    """Run `fn(ctx.db)` as one mutation and return its value once committed."""
    return db.write(lambda tx: fn(DatabaseWriter(tx))).value


def read(db: Database, fn: Callable[[DatabaseReader], T]) -> T:
    """Run `fn(ctx.db)` as one query on a fresh snapshot."""
    return db.read(lambda tx: fn(DatabaseReader(tx)))[0]


def messages_schema(folder: Path) -> SchemaDefinition:
    return schema_from_source(folder / "schema_src", MESSAGES_SCHEMA)


def insert_messages(db: Database, rows: list[dict[str, Any]]) -> list[str]:
    return write(db, lambda d: [d.insert("messages", row) for row in rows])
