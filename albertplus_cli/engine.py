"""The engine: one project's loaded code, its database, the executor, and its auth secrets, together.

Every transport (HTTP, sync, `albertplus run`, `seed`) goes through an Engine. `reload()` builds the next
version of the code beside the running one and swaps it in only once its schema is pushed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from albertplus_cli.auth import TokenVerifier, build_verifier, load_or_create_admin_key, state_dir_for
from albertplus_cli.database import Database, SchemaChange
from albertplus_cli.database.schema_push import Progress
from albertplus_cli.functions.executor import Executor
from albertplus_cli.functions.loader import Project, ProjectLoadError, load_project

DB_FILE_NAME = "data.sqlite3"


@dataclass
class ReloadResult:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    schema: SchemaChange | None = None
    seconds: float = 0.0

    def summary_lines(self) -> list[str]:
        lines = [f"+ {p}" for p in self.added] + [f"~ {p}" for p in self.changed] + [f"- {p}" for p in self.removed]
        if self.schema is not None:
            lines += self.schema.summary()
        return lines


def _fingerprint(project: Project) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    for path, fn in project.functions.items():
        code = getattr(fn.handler, "__code__", None)
        out[path] = (
            fn.kind, fn.visibility,
            None if fn.args is None else repr(fn.args.to_json()),
            None if fn.returns is None else repr(fn.returns.to_json()),
            None if code is None else (code.co_code, code.co_consts),
        )
    return out


class Engine:
    def __init__(self, project_dir: Path, db_path: Path | None = None, progress: Progress | None = None) -> None:
        self.project_dir = Path(project_dir).resolve()
        if not (self.project_dir / "functions").is_dir():
            raise ProjectLoadError(
                f"{self.project_dir} is not an albertplus project: it has no functions/ folder "
                "(and schema.py). Run albertplus in a project folder or pass --dir."
            )
        self.state_dir = state_dir_for(self.project_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._project = load_project(self.project_dir)
        self.db = Database(Path(db_path) if db_path else self.state_dir / DB_FILE_NAME, None)
        self.db.push_schema(self._project.schema, progress)
        self.executor = Executor(self.db, lambda: self._project)
        self.admin_key = load_or_create_admin_key(self.state_dir)
        self.verifier: TokenVerifier = build_verifier(self.project_dir, self.state_dir)
        self.started_at = time.time()

    @property
    def project(self) -> Project:
        return self._project

    def reload(self, progress: Progress | None = None) -> ReloadResult:
        """Load the code again; on any error the running version stays (ProjectLoadError/SchemaValidationError)."""
        start = time.perf_counter()
        new = load_project(self.project_dir)
        change = self.db.push_schema(new.schema, progress)
        old_fp, new_fp = _fingerprint(self._project), _fingerprint(new)
        result = ReloadResult(
            added=sorted(set(new_fp) - set(old_fp)),
            removed=sorted(set(old_fp) - set(new_fp)),
            changed=sorted(p for p in set(new_fp) & set(old_fp) if new_fp[p] != old_fp[p]),
            schema=change,
        )
        self._project = new
        self.verifier = build_verifier(self.project_dir, self.state_dir)
        result.seconds = time.perf_counter() - start
        return result

    def close(self) -> None:
        self.db.close()
