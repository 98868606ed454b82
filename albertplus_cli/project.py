"""A project on disk: its layout (functions/, schema.py, the `.albertplus` state folder) and opening its database.

Every command that works on a project finds it here, so the layout, the database file name and the "not a
project" message exist once. `Engine` opens a project with its functions (to serve or run them);
`open_project_database` opens only its database with the schema pushed, which is all the data commands
(`seed`, `export`, `import`) need: they start faster and still work while a function module has an error.
Both push the schema the same way, so a running `albertplus dev` on the same file sees no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from albertplus_cli.database import Database
from albertplus_cli.database.schema_push import Progress
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.functions.loader import ProjectLoadError, load_schema
from albertplus_cli.private_files import ensure_private_dir
from albertplus_cli.schema import SchemaDefinition

STATE_DIR_NAME = ".albertplus"
DB_FILE_NAME = "data.sqlite3"


class NotAProjectError(ProjectLoadError):
    """The folder given as the project has no functions/ folder."""


def state_dir_for(project_dir: Path) -> Path:
    """`<project>/.albertplus`: the database, the admin key, the dev signing key, server.json."""
    return Path(project_dir) / STATE_DIR_NAME


@dataclass(frozen=True)
class ProjectLayout:
    """Where a project keeps its code and its local state."""

    root: Path

    @property
    def functions_dir(self) -> Path:
        return self.root / "functions"

    @property
    def schema_file(self) -> Path:
        return self.root / "schema.py"

    @property
    def state_dir(self) -> Path:
        return state_dir_for(self.root)

    @property
    def database_file(self) -> Path:
        """The default SQLite file (commands take `--db` to use another)."""
        return self.state_dir / DB_FILE_NAME


def locate_project(project_dir: Path) -> ProjectLayout:
    """The layout of the project in `project_dir`; raises NotAProjectError when it has no functions/ folder."""
    layout = ProjectLayout(Path(project_dir).resolve())
    if not layout.functions_dir.is_dir():
        missing = "no functions/ folder" + ("" if layout.schema_file.exists() else " and no schema.py")
        raise NotAProjectError(
            f"{layout.root} is not an albertplus project: it has {missing}. Pass --dir PROJECT, or create "
            "one with `albertplus init`."
        )
    return layout


def open_database(layout: ProjectLayout, schema: SchemaDefinition | None, db_path: Path | DatabaseUrl | None = None,
                  progress: Progress | None = None) -> Database:
    """The project's database (default `.albertplus/data.sqlite3`) with `schema` pushed.

    Raises SchemaValidationError (stored documents do not match the schema) after closing the database.
    """
    db = Database(_database_path(layout, db_path), None)
    try:
        db.push_schema(schema, progress)
    except BaseException:
        db.close()
        raise
    return db


def _database_path(layout: ProjectLayout, db_path: Path | DatabaseUrl | None) -> Path | DatabaseUrl:
    """The database to open: the one named (a SQLite file or a URL), else the project's default SQLite file."""
    if isinstance(db_path, DatabaseUrl):
        return db_path
    if db_path is None:
        ensure_private_dir(layout.state_dir)
        return layout.database_file
    return Path(db_path)


@dataclass
class ProjectDatabase:
    """A project's database opened without its functions (what the data commands use)."""

    project_dir: Path
    db: Database

    def close(self) -> None:
        self.db.close()


def open_project_database(project_dir: Path, db_path: Path | DatabaseUrl | None = None, *,
                          push_schema: bool = True) -> ProjectDatabase:
    """The project's database with `schema.py` pushed, its functions not imported.

    Raises ProjectLoadError (not a project, or schema.py fails) or SchemaValidationError (stored documents
    do not match the schema). `push_schema=False` opens the stored tables as they are, without reading
    schema.py: a backup must work exactly when the schema is broken or rejects the data.
    """
    layout = locate_project(project_dir)
    if not push_schema:
        return ProjectDatabase(layout.root, Database(_database_path(layout, db_path), None))
    db = open_database(layout, load_schema(layout.root), db_path)
    return ProjectDatabase(layout.root, db)
