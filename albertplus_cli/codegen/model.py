"""What codegen reads from a loaded project: tables and functions, as Convex's validator JSON.

Working from the JSON form (the same shape `npx convex dev`'s analysis returns) keeps the generators
independent of the validator classes, and makes the output a pure function of it: same project, same bytes.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

from albertplus_cli.functions.loader import Project
from albertplus_cli.schema import SchemaDefinition

Json = dict[str, Any]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CodegenError(Exception):
    """The project cannot be turned into types (two functions claim one `api` name)."""


@dataclass(frozen=True)
class TableModel:
    name: str
    document: Json  # the validator JSON of the user fields (object, union of objects, or any)
    indexes: tuple[tuple[str, tuple[str, ...]], ...]
    search_indexes: tuple[tuple[str, str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class FunctionModel:
    path: str  # "admin/tools:run"
    module: tuple[str, ...]  # ("admin", "tools")
    name: str  # "run"
    kind: str  # query | mutation | action
    visibility: str  # public | internal
    args: Json | None
    returns: Json | None


@dataclass(frozen=True)
class ProjectModel:
    tables: tuple[TableModel, ...]
    schema_validation: bool
    has_schema: bool
    functions: tuple[FunctionModel, ...]

    @property
    def table_names(self) -> set[str]:
        return {t.name for t in self.tables}


def schema_model(schema: SchemaDefinition | None) -> tuple[tuple[TableModel, ...], bool]:
    if schema is None:
        return (), True
    tables = []
    for name in sorted(schema.tables):
        table = schema.tables[name]
        tables.append(TableModel(
            name,
            table.validator.to_json(),
            tuple((i.name, tuple(i.fields)) for i in sorted(table.indexes.values(), key=lambda i: i.name)),
            tuple((s.name, s.search_field, tuple(s.filter_fields))
                  for s in sorted(table.search_indexes.values(), key=lambda s: s.name)),
        ))
    return tuple(tables), schema.schema_validation


def project_model(project: Project | None, schema: SchemaDefinition | None = None) -> ProjectModel:
    """The model of a loaded project (or, with `project=None`, of a schema alone: no functions yet)."""
    if project is not None:
        schema = project.schema
    tables, validation = schema_model(schema)
    functions = []
    for path, fn in sorted((project.functions if project else {}).items()):
        module_path, _, name = path.partition(":")
        functions.append(FunctionModel(
            path, tuple(module_path.split("/")), name, fn.kind, fn.visibility,
            None if fn.args is None else fn.args.to_json(),
            None if fn.returns is None else fn.returns.to_json(),
        ))
    return ProjectModel(tables, validation, schema is not None, tuple(functions))


def api_tree(functions: tuple[FunctionModel, ...], visibility: str) -> dict[str, Any]:
    """Nested dict: module segments, then export names mapping to FunctionModel (Convex's buildApiTree)."""
    root: dict[str, Any] = {}
    for fn in functions:
        if fn.visibility != visibility:
            continue
        node = root
        for segment in fn.module:
            child = node.setdefault(segment, {})
            if isinstance(child, FunctionModel):
                raise CodegenError(f"`api.{'.'.join(fn.module)}` is both the function {child.path} and a module")
            node = child
        if fn.name in node:
            raise CodegenError(f"`{fn.path}` clashes with the module functions/{'/'.join((*fn.module, fn.name))}")
        node[fn.name] = fn
    return root


def is_identifier(name: str) -> bool:
    """A name usable as a Python attribute (and a bare JS property key)."""
    return bool(_IDENT.match(name)) and not keyword.iskeyword(name)


def pascal(*parts: str) -> str:
    """`("admin/tools", "run")` -> "AdminToolsRun"; keeps inner capitals (`userCourses` -> "UserCourses")."""
    out = []
    for part in parts:
        for word in re.split(r"[^A-Za-z0-9]+", part):
            if word:
                out.append(word[0].upper() + word[1:])
    name = "".join(out) or "X"
    return name if not name[0].isdigit() else "_" + name
