"""TypeScript for the web app: `api.d.ts`/`api.js`, `dataModel.d.ts`, `server.d.ts`/`server.js`.

The same files `npx convex dev` writes in its static-analysis mode (convex/src/cli/codegen_templates):
explicit `FunctionReference<"query", "public", Args, Returns>` types derived from each function's
validators, and a `DataModel` spelled out table by table, all against the `convex` npm package's public
types — so `useQuery(api.courses.getCourses, {...})` type-checks in the app.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from albertplus_cli.codegen.model import FunctionModel, Json, ProjectModel, TableModel, api_tree
from albertplus_cli.values.json_formats import decode
from albertplus_cli.values.types import Int64

_JS_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
WIDTH = 100


def header(description: str) -> str:
    return (
        "/* eslint-disable */\n"
        "/**\n"
        f" * {description}\n"
        " *\n"
        " * THIS CODE IS AUTOMATICALLY GENERATED.\n"
        " *\n"
        " * To regenerate, run `albertplus codegen` (`albertplus dev` does on every push).\n"
        " * @module\n"
        " */\n"
    )


def _key(name: str) -> str:
    return name if _JS_IDENT.match(name) else json.dumps(name)


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Int64):
        return f"{value.value}n"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer() and math.isfinite(value):
            return str(int(value))
        return repr(value) if math.isfinite(value) else "number"
    if isinstance(value, str):
        return json.dumps(value)
    return "any"


def ts_type(validator: Json, indent: int = 0) -> str:
    """The TypeScript type of a validator JSON (Convex's validatorToType, with line breaks for long objects)."""
    kind = validator.get("type")
    if kind in ("null", "number", "boolean", "string", "any"):
        return str(kind)
    if kind in ("int64", "bigint"):
        return "bigint"
    if kind == "bytes":
        return "ArrayBuffer"
    if kind == "literal":
        return _literal(decode(validator["value"]))
    if kind == "id":
        return f"Id<{json.dumps(validator['tableName'])}>"
    if kind == "array":
        return f"Array<{ts_type(validator['value'], indent)}>"
    if kind == "record":
        return f"Record<{ts_type(validator['keys'], indent)}, {ts_type(validator['values']['fieldType'], indent)}>"
    if kind == "union":
        members = [ts_type(m, indent) for m in validator["value"]]
        return " | ".join(members) if members else "never"
    if kind == "object":
        return _object_type(validator["value"], indent)
    return "any"


def _object_type(fields: dict[str, Any], indent: int) -> str:
    if not fields:
        return "{}"
    parts = [(f"{_key(name)}{'?' if f.get('optional') else ''}", f["fieldType"]) for name, f in fields.items()]
    flat = "{ " + "; ".join(f"{k}: {ts_type(t, 99 if indent >= 99 else 0)}" for k, t in parts) + " }"
    if indent >= 99 or (len(flat) + 2 * indent + 24 <= WIDTH and "\n" not in flat):
        return flat
    pad = "  " * (indent + 1)
    body = "".join(f"{pad}{k}: {ts_type(t, indent + 1)};\n" for k, t in parts)
    return "{\n" + body + "  " * indent + "}"


def _with_system_fields(table: TableModel) -> Json:
    def add(obj: Json) -> Json:
        fields = dict(obj["value"])
        fields["_id"] = {"fieldType": {"type": "id", "tableName": table.name}, "optional": False}
        fields["_creationTime"] = {"fieldType": {"type": "number"}, "optional": False}
        return {"type": "object", "value": fields}

    doc = table.document
    if doc.get("type") == "object":
        return add(doc)
    if doc.get("type") == "union":
        return {"type": "union", "value": [add(m) if m.get("type") == "object" else m for m in doc["value"]]}
    return {"type": "any"}


def _field_paths(validator: Json) -> list[str]:
    """Convex's extractFieldPaths: every field and nested object field, `${string}` under records."""
    out: list[list[str]] = []

    def walk(v: Json, prefix: list[str]) -> None:
        kind = v.get("type")
        if kind == "object":
            for name, f in v["value"].items():
                out.append([*prefix, name])
                walk(f["fieldType"], [*prefix, name])
        elif kind == "union":
            for member in v["value"]:
                walk(member, prefix)
        elif kind == "record" and prefix:
            out.append([*prefix, "${string}"])

    walk(validator, [])
    return sorted({".".join(p) for p in out})


def _string_union(items: list[str] | tuple[str, ...]) -> str:
    if not items:
        return "never"
    return " | ".join(f"`{i}`" if "${" in i else json.dumps(i) for i in items)


def data_model_dts(model: ProjectModel) -> str:
    lines = [header("Generated data model types."),
             'import type { DocumentByName, TableNamesInDataModel, SystemTableNames, AnyDataModel } '
             'from "convex/server";',
             'import type { GenericId } from "convex/values";', ""]
    if not model.has_schema:
        lines += ["/** No schema.py: documents are `any`. */",
                  "export type TableNames = string;", "export type Doc = any;",
                  "export type Id<TableName extends TableNames = TableNames> = GenericId<TableName>;",
                  "export type DataModel = AnyDataModel;", ""]
        return "\n".join(lines)
    lines += [
        "/**",
        " * A type describing your data model: tables, their documents, and their indexes.",
        " *",
        " * This type is used to parameterize methods like `queryGeneric` and `mutationGeneric`.",
        " */",
        "export type DataModel = {",
    ]
    for table in model.tables:
        document = _with_system_fields(table)
        lines.append(f"  {_key(table.name)}: {{")
        lines.append(f"    document: {ts_type(document, 2)};")
        paths = _string_union(_field_paths(document)) if document["type"] != "any" else "string"
        lines.append(f"    fieldPaths: {paths};")
        lines.append("    indexes: {")
        lines.append('      by_id: ["_id"];')
        lines.append('      by_creation_time: ["_creationTime"];')
        for name, fields in table.indexes:
            lines.append(f"      {_key(name)}: {json.dumps([*fields, '_creationTime'])};")
        lines.append("    };")
        if table.search_indexes:
            lines.append("    searchIndexes: {")
            for name, search_field, filters in table.search_indexes:
                lines.append(f"      {_key(name)}: {{ searchField: {json.dumps(search_field)}; "
                             f"filterFields: {_string_union(filters)} }};")
            lines.append("    };")
        else:
            lines.append("    searchIndexes: {};")
        lines.append("    vectorIndexes: {};")
        lines.append("  };")
    lines.append("}" + ("" if model.schema_validation else " & AnyDataModel") + ";")
    lines += [
        "",
        "/** The names of all of your tables. */",
        "export type TableNames = TableNamesInDataModel<DataModel>;",
        "",
        "/**",
        " * The type of a document stored in a table.",
        " *",
        ' * @typeParam TableName - A string literal type of the table name (like "users").',
        " */",
        "export type Doc<TableName extends TableNames> = DocumentByName<DataModel, TableName>;",
        "",
        "/**",
        " * An identifier for a document. Ids are strings at run time; this type tells them apart by table.",
        " *",
        ' * @typeParam TableName - A string literal type of the table name (like "users").',
        " */",
        "export type Id<TableName extends TableNames | SystemTableNames> = GenericId<TableName>;",
        "",
    ]
    return "\n".join(lines)


def _reference_lines(name: str, fn: FunctionModel, indent: int) -> list[str]:
    """`name: FunctionReference<...>;`, broken over lines (as prettier would) when it is long."""
    pad = "  " * indent

    def params(level: int) -> list[str]:
        args = "any"
        if fn.args is not None and fn.args.get("type") in ("object", "any"):
            args = ts_type(fn.args, level)
        returns = ts_type(fn.returns, level) if fn.returns is not None else "any"
        return [f'"{fn.kind}"', f'"{fn.visibility}"', args, returns]

    flat = f"{pad}{_key(name)}: FunctionReference<{', '.join(params(99))}>;"
    if len(flat) <= WIDTH:
        return [flat]
    inner = "  " * (indent + 1)
    body = [f"{inner}{p}," for p in params(indent + 1)]
    body[-1] = body[-1][:-1]
    return [f"{pad}{_key(name)}: FunctionReference<", *body, f"{pad}>;"]


def _tree_lines(tree: dict[str, Any], indent: int) -> list[str]:
    pad = "  " * indent
    lines = []
    for name in sorted(tree):
        node = tree[name]
        if isinstance(node, FunctionModel):
            lines += _reference_lines(name, node, indent)
        else:
            lines.append(f"{pad}{_key(name)}: {{")
            lines += _tree_lines(node, indent + 1)
            lines.append(f"{pad}}};")
    return lines


def api_dts(model: ProjectModel) -> str:
    lines = [header("Generated `api` utility."),
             'import type { FunctionReference } from "convex/server";',
             'import type { GenericId as Id } from "convex/values";', ""]
    for name, visibility, what in (("api", "public", "public"), ("internal", "internal", "internal")):
        lines += [
            "/**",
            f" * A utility for referencing functions in your app's {what} API.",
            " *",
            " * Usage:",
            " * ```js",
            f" * const myFunctionReference = {name}.myModule.myFunction;",
            " * ```",
            " */",
            *_declare(name, _tree_lines(api_tree(model.functions, visibility), 1)),
            "",
        ]
    return "\n".join(lines)


def _declare(name: str, body: list[str]) -> list[str]:
    if not body:
        return [f"export declare const {name}: {{}};"]
    return [f"export declare const {name}: {{", *body, "};"]


def api_js() -> str:
    return (header("Generated `api` utility.")
            + 'import { anyApi } from "convex/server";\n\n'
            "/**\n * A utility for referencing functions in your app's API.\n *\n * Usage:\n * ```js\n"
            " * const myFunctionReference = api.myModule.myFunction;\n * ```\n */\n"
            "export const api = anyApi;\nexport const internal = anyApi;\n")


def server_dts() -> str:
    return header("Generated utilities for implementing server-side query and mutation functions.") + """import {
  ActionBuilder,
  HttpActionBuilder,
  MutationBuilder,
  QueryBuilder,
  GenericActionCtx,
  GenericMutationCtx,
  GenericQueryCtx,
  GenericDatabaseReader,
  GenericDatabaseWriter,
} from "convex/server";
import type { DataModel } from "./dataModel.js";

export declare const query: QueryBuilder<DataModel, "public">;
export declare const internalQuery: QueryBuilder<DataModel, "internal">;
export declare const mutation: MutationBuilder<DataModel, "public">;
export declare const internalMutation: MutationBuilder<DataModel, "internal">;
export declare const action: ActionBuilder<DataModel, "public">;
export declare const internalAction: ActionBuilder<DataModel, "internal">;
export declare const httpAction: HttpActionBuilder;

export type QueryCtx = GenericQueryCtx<DataModel>;
export type MutationCtx = GenericMutationCtx<DataModel>;
export type ActionCtx = GenericActionCtx<DataModel>;
export type DatabaseReader = GenericDatabaseReader<DataModel>;
export type DatabaseWriter = GenericDatabaseWriter<DataModel>;
"""


def server_js() -> str:
    return header("Generated utilities for implementing server-side query and mutation functions.") + """import {
  actionGeneric,
  httpActionGeneric,
  queryGeneric,
  mutationGeneric,
  internalActionGeneric,
  internalMutationGeneric,
  internalQueryGeneric,
} from "convex/server";

export const query = queryGeneric;
export const internalQuery = internalQueryGeneric;
export const mutation = mutationGeneric;
export const internalMutation = internalMutationGeneric;
export const action = actionGeneric;
export const internalAction = internalActionGeneric;
export const httpAction = httpActionGeneric;
"""


def typescript_files(model: ProjectModel) -> dict[str, str]:
    return {
        "api.d.ts": api_dts(model),
        "api.js": api_js(),
        "dataModel.d.ts": data_model_dts(model),
        "server.d.ts": server_dts(),
        "server.js": server_js(),
    }
