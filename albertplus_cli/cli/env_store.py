"""Where `albertplus env` reads and writes the deployment's variables: one small interface, two places.

`variables_store` picks the place by `server_target`'s rule: the running server's admin routes
(`server/environment_routes.py`) when one serves the project, else the project's database directly. The
commands in `env_command.py` are each written once over `VariablesStore`, so a sub-command cannot behave one
way through a server and another on the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from albertplus_cli.cli.common import fail, project_root
from albertplus_cli.cli.server_target import Server, find_server
from albertplus_cli.functions import deployment_env

if TYPE_CHECKING:
    from albertplus_cli.database import Database

# (name, value) pairs; a value of None removes the variable.
Changes = list[tuple[str, str | None]]


class VariablesStore(Protocol):
    def read(self) -> dict[str, str]:
        """Every variable, name to value."""

    def apply(self, changes: Changes) -> None:
        """Apply every change together, or none (exit 1 with the reason when one is refused)."""


class ServerVariables:
    """The running server's admin routes: it writes its own database, which its live queries watch."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def read(self) -> dict[str, str]:
        data = self.server.get("/api/albertplus/environment_variables")
        return {item["name"]: item["value"] for item in data.get("variables", [])}

    def apply(self, changes: Changes) -> None:
        self.server.post("/api/update_environment_variables",
                         {"changes": [{"name": n} if v is None else {"name": n, "value": v} for n, v in changes]})


class DatabaseVariables:
    """The project's database, when no server runs. Reading never creates it; the first change does."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self) -> dict[str, str]:
        db = self._open(create=False)
        if db is None:
            return {}
        try:
            return deployment_env.read(db)
        finally:
            db.close()

    def apply(self, changes: Changes) -> None:
        db = self._open(create=True)
        assert db is not None
        try:
            deployment_env.apply_changes(db, changes)
        except deployment_env.EnvironmentVariableError as e:
            raise fail(str(e)) from None
        finally:
            db.close()

    def _open(self, create: bool) -> Database | None:
        from albertplus_cli.database import Database
        from albertplus_cli.project import NotAProjectError, locate_project

        try:
            path = locate_project(self.root).database_file
        except NotAProjectError as e:
            raise fail(str(e)) from None
        if not path.exists() and not create:
            return None
        return Database(path)


def variables_store(project_dir: Path, url: str | None) -> VariablesStore:
    """The running server's variables (by `--url`, ALBERTPLUS_URL or the project's `dev`), else the database's."""
    root = project_root(project_dir)
    server = find_server(root, url)
    return DatabaseVariables(root) if server is None else ServerVariables(server)
