"""Shared fixtures: real projects copied into tmp folders, and real `albertplus dev` servers on them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_process import REPO, DevServer, copy_project  # noqa: E402
from storage_backends import postgres_databases, postgres_template_cleanup, storage_backend  # noqa: E402, F401 - fixtures

MESSAGES_PROJECT = REPO / "tests" / "projects" / "messages"  # the conformance kit's project, vendored


@pytest.fixture
def messages_project(tmp_path: Path) -> Path:
    """A copy of the conformance kit's one-table project (messages)."""
    return copy_project(MESSAGES_PROJECT, tmp_path / "messages")


@pytest.fixture
def albertplus_project(tmp_path: Path) -> Path:
    """A copy of this repository's AlbertPlus project (schema.py, functions/, seed/)."""
    return copy_project(REPO, tmp_path / "albertplus", with_seed=True)


@pytest.fixture
def dev_server() -> Iterator[Callable[..., DevServer]]:
    """Factory: `dev_server(project_dir, *args, **kw)` starts a server and stops it after the test."""
    servers: list[DevServer] = []

    def start(project_dir: Path, *args: str, **kwargs: object) -> DevServer:
        server = DevServer(project_dir, *args, **kwargs).start()  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
