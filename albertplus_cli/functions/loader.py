"""Loads a project from disk: `schema.py` and every module under `functions/`.

Each load imports fresh module objects (the old ones stay alive for calls still running on them), so a hot
reload can build the new version beside the running one and swap only when it is whole. A broken file raises
ProjectLoadError with the file, line and source line.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import linecache
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from albertplus_cli.functions.paths import InvalidPathError, canonical_path, module_path_of
from albertplus_cli.functions.registry import FunctionDefinition
from albertplus_cli.functions.user_frames import user_frames
from albertplus_cli.schema import SchemaDefinition

FUNCTIONS_PACKAGE = "functions"
_added_paths: list[str] = []
_load_counter = 0


class ProjectLoadError(Exception):
    """A project file that fails to load; `location` is `file:line` when known."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 source_line: str | None = None, detail: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.source_line = source_line
        self.detail = detail
        where = f"{file}:{line}" if file and line else (file or "")
        text = f"{where}: {message}" if where else message
        if source_line:
            text += f"\n    {source_line.strip()}"
        super().__init__(text)


@dataclass
class Project:
    """One loaded version of a project's code."""

    directory: Path
    schema: SchemaDefinition | None
    functions: dict[str, FunctionDefinition]
    modules: dict[str, ModuleType] = field(default_factory=dict)
    http_router: Any = None

    def lookup(self, path: str) -> FunctionDefinition | None:
        try:
            return self.functions.get(canonical_path(path))
        except InvalidPathError:
            return None


def _error_from_exception(exc: BaseException, project_dir: Path) -> ProjectLoadError:
    """Point at the deepest frame of the user's own code (or the syntax error's own location)."""
    if isinstance(exc, SyntaxError):
        file = exc.filename or "?"
        rel = _relative(file, project_dir)
        return ProjectLoadError(f"{type(exc).__name__}: {exc.msg}", rel, exc.lineno, exc.text,
                                "".join(traceback.format_exception_only(type(exc), exc)))
    frames = user_frames(exc.__traceback__, project_dir)
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if frames:
        frame = frames[-1]
        rel = _relative(frame.filename, project_dir)
        source = frame.line or linecache.getline(frame.filename, frame.lineno or 0)
        return ProjectLoadError(f"{type(exc).__name__}: {exc}", rel, frame.lineno, source, detail)
    return ProjectLoadError(f"{type(exc).__name__}: {exc}", detail=detail)


def _relative(filename: str, project_dir: Path) -> str:
    try:
        return str(Path(filename).resolve().relative_to(project_dir.resolve()))
    except ValueError:
        return filename


def load_schema(project_dir: Path) -> SchemaDefinition | None:
    """Import `schema.py` (None when there is none).

    `functions.*` resolves to this project's folder first, so schema.py can build its tables from the
    validators its functions share (AlbertPlus keeps them in functions/helpers/validators.py, as the original
    keeps them in convex/schemas/): one definition for both.
    """
    project_dir = Path(project_dir).resolve()
    if not (project_dir / "schema.py").exists():
        return None
    if (project_dir / "functions").is_dir():
        _activate(project_dir)
    return _import_schema(project_dir)


def _import_schema(project_dir: Path) -> SchemaDefinition | None:
    path = project_dir / "schema.py"
    if not path.exists():
        return None
    global _load_counter
    _load_counter += 1
    name = f"_albertplus_schema_{_load_counter}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException as e:  # noqa: BLE001 - any failure in user code is a load error
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        raise _error_from_exception(e, project_dir) from e
    schema = getattr(module, "schema", None)
    if not isinstance(schema, SchemaDefinition):
        raise ProjectLoadError("schema.py must define `schema = define_schema({...})`", "schema.py")
    return schema


def discover_modules(functions_dir: Path) -> list[str]:
    """Relative paths (`courses.py`, `admin/tools.py`) of the function modules, sorted."""
    found = []
    for file in sorted(functions_dir.rglob("*.py")):
        rel = file.relative_to(functions_dir)
        parts = rel.parts
        if any(p.startswith(("_", ".")) for p in parts[:-1]) or parts[0] == "_generated":
            continue
        stem = rel.name[: -len(".py")]
        if stem.startswith("_") or "." in stem:
            continue  # __init__.py, private helpers, auth.config.py
        found.append(rel.as_posix())
    return found


def _activate(project_dir: Path) -> None:
    try:
        _activate_project_path(project_dir)
    except BaseException as e:  # noqa: BLE001 - a broken functions/__init__.py is a load error too
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        raise _error_from_exception(e, project_dir) from e


def _activate_project_path(project_dir: Path) -> None:
    """Make `functions.*` resolve to this project's folder, forgetting any previously loaded version."""
    path = str(project_dir.resolve())
    for old in list(_added_paths):
        if old in sys.path:
            sys.path.remove(old)
        _added_paths.remove(old)
    sys.path.insert(0, path)
    _added_paths.append(path)
    for name in [n for n in sys.modules if n == FUNCTIONS_PACKAGE or n.startswith(FUNCTIONS_PACKAGE + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    _install_package(project_dir / "functions")


def _install_package(functions_dir: Path) -> None:
    """Register `functions` as a regular package rooted at exactly this folder.

    Without an `__init__.py`, Python would make `functions` a namespace package merged from every `functions/`
    folder on sys.path (the current directory's included), so `functions._generated` or a helper module could
    silently come from another project."""
    init = functions_dir / "__init__.py"
    if init.exists():
        spec = importlib.util.spec_from_file_location(
            FUNCTIONS_PACKAGE, init, submodule_search_locations=[str(functions_dir)])
    else:
        spec = importlib.machinery.ModuleSpec(FUNCTIONS_PACKAGE, None, is_package=True)
        spec.submodule_search_locations = [str(functions_dir)]
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[FUNCTIONS_PACKAGE] = module
    if spec.loader is not None:
        spec.loader.exec_module(module)


def load_project(project_dir: Path) -> Project:
    """Import schema.py and every function module; raises ProjectLoadError on the first broken file."""
    project_dir = Path(project_dir).resolve()
    functions_dir = project_dir / "functions"
    if not functions_dir.is_dir():
        raise ProjectLoadError(f"{project_dir} has no functions/ folder")
    _activate(project_dir)
    schema = _import_schema(project_dir)  # in the same activation: it shares helper modules with the functions
    functions: dict[str, FunctionDefinition] = {}
    modules: dict[str, ModuleType] = {}
    http_router = None
    for rel in discover_modules(functions_dir):
        module_path = module_path_of(rel)
        dotted = FUNCTIONS_PACKAGE + "." + module_path.replace("/", ".")
        try:
            module = importlib.import_module(dotted)
        except BaseException as e:  # noqa: BLE001 - any failure in user code is a load error
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            raise _error_from_exception(e, project_dir) from e
        modules[module_path] = module
        for attr, value in vars(module).items():
            if not isinstance(value, FunctionDefinition) or attr.startswith("_"):
                continue
            if value.module and value.module != dotted:
                continue  # imported from another module: registered there
            try:
                path = canonical_path(f"{module_path}:{attr}")
            except InvalidPathError as e:
                raise ProjectLoadError(str(e), f"functions/{rel}") from None
            functions[path] = value
        if module_path == "http":
            http_router = getattr(module, "http", None)
    _check_duplicates(functions_dir, modules)
    return Project(project_dir, schema, functions, modules, http_router)


def _check_duplicates(functions_dir: Path, modules: dict[str, ModuleType]) -> None:
    """A function defined twice in one module silently shadows the first: refuse it, as a linter would."""
    import ast

    for module_path, module in modules.items():
        file = getattr(module, "__file__", None)
        if not file:
            continue
        try:
            tree = ast.parse(Path(file).read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        seen: dict[str, int] = {}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list:
                if node.name in seen:
                    rel = f"functions/{module_path}.py"
                    raise ProjectLoadError(
                        f"function {node.name!r} is defined twice (first at line {seen[node.name]})",
                        rel, node.lineno, linecache.getline(file, node.lineno),
                    )
                seen[node.name] = node.lineno
