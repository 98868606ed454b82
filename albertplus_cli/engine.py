"""The engine: one project's loaded code, its database, the executor, and its auth secrets, together.

Every way of calling a function (HTTP, sync, `albertplus run`) goes through an Engine; the data commands open
only the database (`project.open_project_database`). `reload()` builds the next version of the code beside
the running one and swaps it in only once its schema is pushed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from albertplus_cli.auth import DEV_KEY_FILE, TokenVerifier, build_verifier, load_or_create_admin_key
from albertplus_cli.auth.providers import auth_config_path
from albertplus_cli.database import SchemaChange
from albertplus_cli.database.schema_push import Progress
from albertplus_cli.database_url import DatabaseUrl
from albertplus_cli.functions.executor import Executor
from albertplus_cli.functions.loader import Project, load_project
from albertplus_cli.private_files import ensure_private_dir
from albertplus_cli.project import locate_project, open_database

#: Called with the project folder before each load of its code (`albertplus dev` and `run` pass codegen's
#: bootstrap, which writes functions/_generated/ when it is missing so modules importing it can load).
BeforeLoad = Callable[[Path], object]


@dataclass
class ReloadResult:
    """What one successful reload changed (function paths, indexes) and how long its steps took."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    schema: SchemaChange | None = None
    seconds: float = 0.0
    load_seconds: float = 0.0  # importing schema.py and functions/
    schema_seconds: float = 0.0  # pushing the schema (validation, index backfills)

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
            None if code is None else (code.co_code, code.co_consts, code.co_names),
        )
    return out


class Engine:
    """One opened project: its loaded code (swapped whole by `reload`), its database, the executor that runs
    its functions, and the secrets that authenticate callers (admin key, token verifier).

    Raises NotAProjectError or ProjectLoadError (the code fails to load), or SchemaValidationError (the stored
    documents do not match the schema).
    """

    def __init__(self, project_dir: Path, db_path: Path | DatabaseUrl | None = None,
                 progress: Progress | None = None, *, before_load: BeforeLoad | None = None,
                 trust_dev_key: bool = True) -> None:
        layout = locate_project(project_dir)
        self.project_dir = layout.root
        self.state_dir = layout.state_dir
        ensure_private_dir(self.state_dir)  # the database and the keys live here: owner-only
        self._before_load = before_load
        self._project = self._load()
        self.db = open_database(layout, self._project.schema, db_path, progress)
        self.executor = Executor(self.db, lambda: self._project)
        self.admin_key = load_or_create_admin_key(self.state_dir)
        self.trust_dev_key = trust_dev_key
        self.verifier: TokenVerifier = build_verifier(self.project_dir, self.state_dir, trust_dev_key=trust_dev_key)
        self._verifier_key = self._auth_inputs()
        self.started_at = time.time()

    @property
    def project(self) -> Project:
        return self._project

    def reload(self, progress: Progress | None = None) -> ReloadResult:
        """Load the code again beside the running version and swap only once the schema is pushed.

        On any error the running version stays: ProjectLoadError (file:line) or SchemaValidationError.
        """
        start = time.perf_counter()
        new = self._load()
        # Auth next (a broken auth.config.py must fail the push before the schema changes); rebuilding the
        # verifier parses the dev key, so only do it when its inputs changed.
        auth_key = self._auth_inputs()
        verifier = self.verifier if auth_key == self._verifier_key else build_verifier(
            self.project_dir, self.state_dir, trust_dev_key=self.trust_dev_key)
        loaded = time.perf_counter()
        change = self.db.push_schema(new.schema, progress)
        pushed = time.perf_counter()
        old_fp, new_fp = _fingerprint(self._project), _fingerprint(new)
        result = ReloadResult(
            added=sorted(set(new_fp) - set(old_fp)),
            removed=sorted(set(old_fp) - set(new_fp)),
            changed=sorted(p for p in set(new_fp) & set(old_fp) if new_fp[p] != old_fp[p]),
            schema=change,
            load_seconds=loaded - start,
            schema_seconds=pushed - loaded,
        )
        self.verifier, self._verifier_key = verifier, auth_key
        self._project = new
        result.seconds = time.perf_counter() - start
        return result

    def _load(self) -> Project:
        if self._before_load is not None:
            self._before_load(self.project_dir)
        _drop_bytecode(self.project_dir)
        return load_project(self.project_dir)

    def _auth_inputs(self) -> tuple[bytes | None, bytes | None]:
        """What the verifier is built from: auth.config.py and the dev signing key (env is fixed per process)."""
        def read(path: Path) -> bytes | None:
            try:
                return path.read_bytes()
            except OSError:
                return None

        return read(auth_config_path(self.project_dir)), read(self.state_dir / DEV_KEY_FILE)

    def close(self) -> None:
        self.db.close()


def _drop_bytecode(project_dir: Path) -> None:
    """Remove cached bytecode of the project's modules before importing them again.

    CPython trusts a `.pyc` whose recorded source mtime (whole seconds) and size match: two saves of a
    same-sized edit within one second would otherwise import the old code.
    """
    for cache in (project_dir / "functions").rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(project_dir / "__pycache__", ignore_errors=True)
