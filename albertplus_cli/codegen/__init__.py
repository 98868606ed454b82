"""Codegen: `functions/_generated/` with TypeScript types for the web app and Python types for user code.

    from albertplus_cli.codegen import write_generated
    report = write_generated(engine.project)        # after every successful push; `albertplus codegen`

`generate(project)` returns the files as a dict (name -> text), a pure function of the project's schema and
function validators. `ensure_bootstrap(project_dir)` writes a first version from `schema.py` alone when the
folder is missing, so function modules that import `functions._generated` can load the first time.
"""

from __future__ import annotations

from pathlib import Path

from albertplus_cli.codegen.model import CodegenError, ProjectModel, project_model
from albertplus_cli.codegen.python_types import python_files
from albertplus_cli.codegen.references import AnyApi, EmptyArgs, FunctionReference, TypedClient, any_api
from albertplus_cli.codegen.typescript import typescript_files
from albertplus_cli.codegen.writer import WriteReport, write_files
from albertplus_cli.functions.loader import Project, load_schema

GENERATED_DIR = "_generated"

__all__ = [
    "GENERATED_DIR", "AnyApi", "CodegenError", "EmptyArgs", "FunctionReference", "TypedClient", "WriteReport",
    "any_api", "ensure_bootstrap", "generate", "generated_dir", "write_generated",
]


def generated_dir(project_dir: Path) -> Path:
    return Path(project_dir) / "functions" / GENERATED_DIR


def generate_from_model(model: ProjectModel) -> dict[str, str]:
    return {**typescript_files(model), **python_files(model)}


def generate(project: Project) -> dict[str, str]:
    """Every generated file of a loaded project: name -> content (deterministic)."""
    return generate_from_model(project_model(project))


def write_generated(project: Project, directory: Path | None = None) -> WriteReport:
    """Write `functions/_generated/` (or `directory`), touching only files whose content changed."""
    target = Path(directory) if directory is not None else generated_dir(project.directory)
    return write_files(target, generate(project))


def ensure_bootstrap(project_dir: Path) -> bool:
    """Write `_generated/` from schema.py alone if it is missing (the functions are not loaded yet: `api`
    has no typed tree, but resolves any name at run time). Returns True when it wrote something."""
    target = generated_dir(project_dir)
    if (target / "api.py").exists() and (target / "__init__.py").exists():
        return False
    if not (Path(project_dir) / "functions").is_dir():
        return False
    try:
        schema = load_schema(Path(project_dir).resolve())
    except Exception:  # noqa: BLE001 - a broken schema.py is reported by the real load that follows
        schema = None
    write_files(target, generate_from_model(project_model(None, schema)))
    return True
