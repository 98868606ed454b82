"""Imports go down the layers of README.md's architecture, never up (checked on the source with `ast`, so an
import inside a function or under TYPE_CHECKING counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "albertplus_cli"

# Top to bottom. A module may import its own layer and the layers below it; the side modules sit where their
# users and their dependencies put them (`codegen` above `engine`: the runtime gets codegen only as a hook).
LAYERS: list[set[str]] = [
    {"cli"},
    {"dashboard", "seed", "audit"},
    {"server"},
    {"sync"},
    {"codegen", "transfer"},
    {"backend", "placement"},  # placement: which calls the backend runs on the loop
    {"engine"},
    {"project"},
    {"functions"},
    {"auth"},
    {"database"},
    {"storage", "database_url"},  # database_url: which storage a URL names
    {"schema"},
    {"values"},
    {"private_files", "terminal_text"},  # leaf helpers every layer may use: owner-only files, escaped text
]
RANK = {component: depth for depth, layer in enumerate(LAYERS) for component in layer}

# (importing file, imported component) pairs allowed for now, each with its reason.
ALLOWED: set[tuple[str, str]] = set()  # (file, component) pairs allowed to import upwards: none today


def component_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "albertplus_cli" or len(parts) < 2:
        return None
    return parts[1]


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every albertplus_cli module `path` imports (relative imports resolved), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = [PACKAGE.name, *path.relative_to(PACKAGE).parent.parts]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((module, node.lineno))
    return found


def test_every_component_has_a_layer() -> None:
    components = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
                  if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")}
    assert components == set(RANK), "place the new module in LAYERS (and in README.md's layer map)"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    own = relative.parts[0] if len(relative.parts) > 1 else relative.stem
    if own == "__init__":
        return
    upward = []
    for module, line in imported_modules(path):
        target = component_of(module)
        if target is None or target == own or (relative.as_posix(), target) in ALLOWED:
            continue
        if RANK[target] < RANK[own]:
            upward.append(f"{relative}:{line} imports {module} ({target} is above {own})")
    assert not upward, "\n".join(upward)


def test_sync_does_not_import_server_and_engine_does_not_import_codegen() -> None:
    sync_imports = {component_of(m) for p in (PACKAGE / "sync").rglob("*.py") for m, _ in imported_modules(p)}
    assert "server" not in sync_imports
    engine_imports = {component_of(m) for m, _ in imported_modules(PACKAGE / "engine.py")}
    assert "codegen" not in engine_imports
