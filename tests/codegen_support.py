"""A project that exercises every validator kind in codegen, and the type checkers that judge the output:
`tsc` from tests/js/node_modules against the real `convex` npm package, and `mypy` on typed functions."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from server_process import REPO

JS_DIR = REPO / "tests" / "js"
TSC = JS_DIR / "node_modules" / "typescript" / "bin" / "tsc"
MYPY = str(Path(sys.executable).parent / "mypy")

SCHEMA = '''
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "notes": define_table({
        "author": v.string(),
        "body": v.string(),
        "tags": v.optional(v.array(v.string())),
        "status": v.union(v.literal("draft"), v.literal("published")),
        "meta": v.optional(v.object({"views": v.number(), "source": v.union(v.string(), v.null())})),
        "scores": v.optional(v.record(v.string(), v.number())),
        "big": v.optional(v.int64()),
        "blob": v.optional(v.bytes()),
        "level": v.optional(v.union(v.literal(1), v.literal(2))),
        "anything": v.optional(v.any()),
    }).index("by_author", ["author"]).search_index("search_body", search_field="body", filter_fields=["author"]),
    "shapes": define_table(v.union(
        v.object({"kind": v.literal("circle"), "r": v.number()}),
        v.object({"kind": v.literal("square"), "side": v.number(), "noteId": v.optional(v.id("notes"))}),
    )),
})
'''

# Typed with the generated Python types; imports functions._generated before it exists (bootstrap).
NOTES = '''
from albertplus_cli.server import action, internal_query, mutation, query
from albertplus_cli.values import v

from functions._generated.api import NotesByAuthorArgs, api, internal
from functions._generated.data_model import NotesDoc, NotesId, ShapesDoc
from functions._generated.server import ActionCtx, MutationCtx, QueryCtx

status = v.union(v.literal("draft"), v.literal("published"))


@query(args={"author": v.string(), "status": v.optional(status)}, returns=v.array(v.string()))
def byAuthor(ctx: QueryCtx, args: NotesByAuthorArgs) -> list[str]:
    docs: list[NotesDoc] = ctx.db.query("notes").with_index(
        "by_author", lambda r: r.eq("author", args["author"])).collect()
    wanted = args.get("status")
    return [d["body"] for d in docs if wanted is None or d["status"] == wanted]


@query(args={})
def count(ctx: QueryCtx, args: dict[str, object]) -> int:
    shapes: list[ShapesDoc] = ctx.db.query("shapes").collect()
    areas = [s["r"] ** 2 * 3.14 if s["kind"] == "circle" else s["side"] ** 2 for s in shapes]
    return len(ctx.db.query("notes").collect()) + len(areas)


@mutation(args={"author": v.string(), "body": v.string()}, returns=v.id("notes"))
def add(ctx: MutationCtx, args: dict[str, str]) -> NotesId:
    note_id = ctx.db.insert("notes", {"author": args["author"], "body": args["body"], "status": "draft"})
    ctx.db.patch(note_id, {"tags": ["new"]})
    doc = ctx.db.get(note_id)
    assert doc is not None and doc["author"] == args["author"]
    ctx.db.insert("shapes", {"kind": "square", "side": 2, "noteId": note_id})
    return note_id


@internal_query(args={"noteId": v.id("notes")}, returns=v.union(v.string(), v.null()))
def bodyOf(ctx: QueryCtx, args: dict[str, NotesId]) -> str | None:
    doc = ctx.db.get(args["noteId"])
    return None if doc is None else doc["body"]


@action(args={"author": v.string()}, returns=v.object({"bodies": v.array(v.string()), "total": v.number()}))
def summary(ctx: ActionCtx, args: dict[str, str]) -> dict[str, object]:
    bodies = ctx.run_query(api.notes.byAuthor, {"author": args["author"]})
    total = ctx.run_query(api.notes.count)
    first = ctx.run_query(internal.notes.bodyOf, {"noteId": NotesId("x")}) if bodies else None
    return {"bodies": bodies + ([first] if first else []), "total": total}
'''

TOOLS = '''
from albertplus_cli.server import internal_mutation, mutation
from albertplus_cli.values import v


@mutation(args={"dryRun": v.boolean(), "limit": v.optional(v.int64()), "payload": v.optional(v.bytes())})
def run(ctx, args):
    return args["dryRun"]


@internal_mutation(args={"nested": v.object({"deep": v.array(v.object({"x": v.literal(3)}))})})
def secret(ctx, args):
    return None
'''

# Each line is a mistake mypy must report.
TYPED_BAD = '''
from albertplus_cli.server import mutation

from functions._generated.api import api
from functions._generated.data_model import NotesId
from functions._generated.server import MutationCtx


@mutation(args={})
def bad(ctx: MutationCtx, args: dict[str, object]) -> None:
    ctx.db.insert("notes", {"author": 1, "body": "x", "status": "draft"})  # E1: author is a str
    ctx.db.insert("notez", {})  # E2: no such table
    ctx.db.insert("notes", {"author": "a", "body": "b", "status": "archived"})  # E3: not a status
    ctx.run_mutation(api.notes.add, {"author": "a"})  # E4: body missing
    ctx.run_query(api.notes.add, {"author": "a", "body": "b"})  # E5: a mutation, not a query
    ids: list[int] = ctx.run_query(api.notes.byAuthor, {"author": "a"})  # E6: a list[str]
    note: int = ctx.db.get(NotesId("x"))  # E7: a NotesDoc | None
    ctx.db.get("plain string")  # E8: not an id type
'''
BAD_LINES = {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"}


def write_project(root: Path, *, typed: bool = True) -> Path:
    (root / "functions" / "admin").mkdir(parents=True, exist_ok=True)
    (root / "schema.py").write_text(textwrap.dedent(SCHEMA))
    (root / "functions" / "notes.py").write_text(textwrap.dedent(NOTES if typed else _untyped(NOTES)))
    (root / "functions" / "admin" / "tools.py").write_text(textwrap.dedent(TOOLS))
    return root


def _untyped(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if "_generated" not in line)


def run_tsc(project_dir: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Type-check `files` (name -> TypeScript) with the project's generated .d.ts, strict, no lib skipping."""
    modules = project_dir / "node_modules"
    if not modules.exists():
        modules.symlink_to(JS_DIR / "node_modules", target_is_directory=True)
    for name, text in files.items():
        (project_dir / name).write_text(text)
    config = {
        "compilerOptions": {
            "strict": True, "noEmit": True, "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
            "skipLibCheck": False, "lib": ["ES2022", "DOM"], "types": [],
        },
        "include": [*files, "functions/_generated/*.d.ts"],
    }
    import json

    (project_dir / "tsconfig.json").write_text(json.dumps(config))
    return subprocess.run(["node", str(TSC), "-p", str(project_dir / "tsconfig.json")], cwd=project_dir,
                          capture_output=True, text=True, timeout=180)


def run_mypy(project_dir: Path, *targets: str, check_untyped: bool = True) -> subprocess.CompletedProcess[str]:
    """mypy as a user runs it in the project folder; albertplus_cli is found through MYPYPATH (the editable
    install's import hook is invisible to mypy)."""
    stub_root = project_dir.parent / f"{project_dir.name}-mypypath"
    stub_root.mkdir(exist_ok=True)
    link = stub_root / "albertplus_cli"
    if not link.exists():
        link.symlink_to(REPO / "albertplus_cli", target_is_directory=True)
    env = {**os.environ, "MYPYPATH": str(stub_root)}
    return subprocess.run(
        [MYPY, "--explicit-package-bases", *(["--check-untyped-defs"] if check_untyped else []),
         "--follow-imports=silent", "--no-incremental", "--cache-dir", os.devnull, "--python-version", "3.11",
         *targets],
        cwd=project_dir, capture_output=True, text=True, timeout=300, env=env,
    )
