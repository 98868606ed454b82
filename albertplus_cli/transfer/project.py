"""Opening a project's database for the data commands (`seed`, `export`, `import`) without its functions.

An `Engine` imports every module under functions/ (and sets up auth); moving data only needs the schema,
so these commands start faster and still work while a function module has an error. The schema is pushed
exactly as `Engine` does it, so a running `albertplus dev` on the same file sees no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from albertplus_cli.auth import state_dir_for
from albertplus_cli.database import Database
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.functions.loader import ProjectLoadError, load_schema

DB_FILE_NAME = "data.sqlite3"  # as albertplus_cli.engine.DB_FILE_NAME


@dataclass
class ProjectDatabase:
    project_dir: Path
    db: Database

    def close(self) -> None:
        self.db.close()


def open_project_database(project_dir: Path, db_path: Path | DatabaseUrl | None = None) -> ProjectDatabase:
    """The project's SQLite database (default `.albertplus/data.sqlite3`) with `schema.py` pushed.

    Raises ProjectLoadError (not a project, or schema.py fails) or SchemaValidationError (stored documents
    do not match the schema).
    """
    root = Path(project_dir).resolve()
    if not (root / "functions").is_dir():
        raise ProjectLoadError(
            f"{root} is not an albertplus project: it has no functions/ folder (and schema.py). "
            "Run albertplus in a project folder or pass --dir."
        )
    schema = load_schema(root)
    if db_path is None:
        state_dir = state_dir_for(root)
        state_dir.mkdir(parents=True, exist_ok=True)
        db_path = state_dir / DB_FILE_NAME
    db = Database(db_path, None)
    try:
        db.push_schema(schema)
    except BaseException:
        db.close()
        raise
    return ProjectDatabase(root, db)
