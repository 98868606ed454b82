"""Codegen (albertplus_cli/codegen): functions/_generated/ for the TypeScript app and for Python code.

The generated TypeScript is judged by `tsc --noEmit` against the real `convex` npm package; the generated
Python by importing it and by `mypy` on functions that use it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from codegen_support import BAD_LINES, JS_DIR, TSC, TYPED_BAD, run_mypy, run_tsc, write_project
from server_process import ALBERTPLUS, REPO, copy_project

from albertplus_cli.codegen import (
    FunctionReference,
    TypedClient,
    any_api,
    ensure_bootstrap,
    generate,
    generated_dir,
    write_generated,
)
from albertplus_cli.codegen.model import project_model
from albertplus_cli.codegen.python_types import python_files
from albertplus_cli.codegen.typescript import typescript_files
from albertplus_cli.functions.loader import ProjectLoadError, load_project, load_schema

needs_tsc = pytest.mark.skipif(not TSC.exists(), reason="typescript is not installed: npm ci --prefix tests/js")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "notes_app")


@pytest.fixture
def generated(project: Path) -> Path:
    ensure_bootstrap(project)
    write_generated(load_project(project))
    return generated_dir(project)


def test_files_written_and_loader_skips_them(generated: Path, project: Path) -> None:
    assert sorted(p.name for p in generated.iterdir() if p.is_file()) == [
        "__init__.py", "api.d.ts", "api.js", "api.py", "dataModel.d.ts", "data_model.py", "server.d.ts",
        "server.js", "server.py",
    ]
    loaded = load_project(project)
    assert sorted(loaded.functions) == ["admin/tools:run", "admin/tools:secret", "notes:add", "notes:bodyOf",
                                        "notes:byAuthor", "notes:count", "notes:summary"]
    assert not any("_generated" in path for path in loaded.modules)


def test_output_is_deterministic_and_rewritten_only_on_change(generated: Path, project: Path) -> None:
    first = {p.name: p.read_bytes() for p in generated.iterdir() if p.is_file()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in generated.iterdir() if p.is_file()}
    again = generate(load_project(project))
    assert {k: v.encode() for k, v in again.items()} == first
    report = write_generated(load_project(project))
    assert report.written == [] and not report.changed
    assert {p.name: p.stat().st_mtime_ns for p in generated.iterdir() if p.is_file()} == mtimes
    # a change to one function's validator rewrites exactly the files that describe it
    tools = project / "functions" / "admin" / "tools.py"
    tools.write_text(tools.read_text().replace('"dryRun": v.boolean()', '"dryRun": v.optional(v.boolean())'))
    report = write_generated(load_project(project))
    assert report.written == ["api.d.ts", "api.py"]
    assert "dryRun?: boolean" in (generated / "api.d.ts").read_text()


def _flat(ts: str) -> str:
    """TypeScript with the line breaks of long declarations undone (compare content, not layout)."""
    text = " ".join(ts.split())
    text = re.sub(r"<\s+", "<", text)
    return re.sub(r"\s+>", ">", text)


def test_typescript_api_matches_convex_static_codegen(generated: Path) -> None:
    api_dts = _flat((generated / "api.d.ts").read_text())
    assert 'import type { FunctionReference } from "convex/server";' in api_dts
    assert ('byAuthor: FunctionReference<"query", "public", { author: string; status?: "draft" | "published" }, '
            "Array<string>>;") in api_dts
    assert 'add: FunctionReference<"mutation", "public", { author: string; body: string }, Id<"notes">>;' in api_dts
    assert 'count: FunctionReference<"query", "public", {}, any>;' in api_dts
    assert ('admin: { tools: { run: FunctionReference<"mutation", "public", { dryRun: boolean; limit?: bigint; '
            'payload?: ArrayBuffer }, any>;') in api_dts
    public, internal = api_dts.split("export declare const internal")
    assert "bodyOf" not in public and "secret" not in public
    assert 'bodyOf: FunctionReference<"query", "internal", { noteId: Id<"notes"> }, string | null>;' in internal
    assert "deep: Array<{ x: 3 }>" in internal
    api_js = (generated / "api.js").read_text()
    assert 'import { anyApi } from "convex/server";' in api_js and "export const api = anyApi;" in api_js
    model = _flat((generated / "dataModel.d.ts").read_text())
    assert "document: { author: string; body: string; tags?: Array<string>;" in model
    assert 'by_author: ["author", "_creationTime"];' in model
    assert 'search_body: { searchField: "body"; filterFields: "author" };' in model
    assert '"meta.source"' in model and "`scores.${string}`" in model
    assert 'kind: "circle"; r: number; _id: Id<"shapes">; _creationTime: number } | {' in model
    assert "export type Doc<TableName extends TableNames> = DocumentByName<DataModel, TableName>;" in model


def test_python_types_import_and_api_references_work_at_run_time(generated: Path, project: Path) -> None:
    sys.path.insert(0, str(project))
    try:
        for name in [n for n in sys.modules if n == "functions" or n.startswith("functions.")]:
            del sys.modules[name]
        import functions._generated.api as api_module  # type: ignore[import-not-found]
        import functions._generated.data_model as data_model  # type: ignore[import-not-found]
        import functions._generated.server as server  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(project))
    assert api_module.api.notes.byAuthor.path == "notes:byAuthor"
    assert api_module.api.admin.tools.run.path == "admin/tools:run"
    assert str(api_module.internal.notes.bodyOf) == "notes:bodyOf"
    assert data_model.NotesDoc.__required_keys__ == {"_id", "_creationTime", "author", "body", "status"}
    assert "tags" in data_model.NotesDoc.__optional_keys__
    assert set(data_model.DOCUMENT_TYPES) == {"notes", "shapes"}
    assert api_module.NotesByAuthorArgs.__required_keys__ == {"author"}
    assert data_model.NotesId("abc") == "abc"
    # a type named by code saved before codegen ran imports as Any instead of failing the push
    assert api_module.SomeFunctionAddedASecondAgoArgs is not None
    assert server.QueryCtx.__module__ == "albertplus_cli.functions.context"


def test_any_api_and_typed_client() -> None:
    api = any_api()
    ref = api.admin.tools.run
    assert ref.path == "admin/tools:run" and isinstance(ref, FunctionReference)
    assert ref == FunctionReference("admin/tools:run") and hash(ref) == hash("admin/tools:run")
    assert api.messages.path == "messages"

    class Recorder:
        calls: list[tuple[str, str, object]] = []

        def query(self, name: str, args: object = None) -> object:
            self.calls.append(("query", name, args))
            return [1]

        def mutation(self, name: str, args: object = None) -> object:
            self.calls.append(("mutation", name, args))
            return "id"

        def action(self, name: str, args: object = None) -> object:
            self.calls.append(("action", name, args))
            return None

    recorder = Recorder()
    client = TypedClient(recorder)
    assert client.query(api.notes.byAuthor, {"author": "a"}) == [1]
    assert client.mutation(api.notes.add, {"author": "a", "body": "b"}) == "id"
    client.action(api.notes.count)
    assert recorder.calls == [("query", "notes:byAuthor", {"author": "a"}),
                              ("mutation", "notes:add", {"author": "a", "body": "b"}), ("action", "notes:count", {})]


def test_bootstrap_lets_modules_that_import_generated_types_load(project: Path) -> None:
    assert not generated_dir(project).exists()
    with pytest.raises(ProjectLoadError, match="_generated"):
        load_project(project)
    assert ensure_bootstrap(project) is True
    assert ensure_bootstrap(project) is False
    assert "NotesDoc" in (generated_dir(project) / "data_model.py").read_text()
    assert len(load_project(project).functions) == 7


def test_codegen_command(project: Path) -> None:
    run = subprocess.run([ALBERTPLUS, "codegen", "--dir", str(project)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "wrote functions/_generated/api.d.ts" in run.stdout and "wrote functions/_generated/api.py" in run.stdout
    again = subprocess.run([ALBERTPLUS, "codegen", "--dir", str(project)], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0 and "up to date" in again.stdout
    check = subprocess.run([ALBERTPLUS, "codegen", "--dir", str(project), "--check"], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    notes = project / "functions" / "notes.py"
    notes.write_text(notes.read_text().replace("def count(", "def countAll("))
    stale = subprocess.run([ALBERTPLUS, "codegen", "--dir", str(project), "--check"], capture_output=True,
                           text=True, timeout=120)
    assert stale.returncode == 1 and "out of date" in stale.stderr
    broken = subprocess.run([ALBERTPLUS, "codegen", "--dir", str(project.parent)], capture_output=True, text=True,
                            timeout=120)
    assert broken.returncode == 2 and "no functions/ folder" in broken.stderr


GOOD_TS = """
import { ConvexHttpClient } from "convex/browser";
import type { FunctionArgs, FunctionReturnType } from "convex/server";
import { api, internal } from "./functions/_generated/api.js";
import type { DataModel, Doc, Id } from "./functions/_generated/dataModel.js";
import type { QueryCtx } from "./functions/_generated/server.js";

const client = new ConvexHttpClient("http://127.0.0.1:3210");

export async function main(): Promise<void> {
  const bodies: string[] = await client.query(api.notes.byAuthor, { author: "x" });
  const published = await client.query(api.notes.byAuthor, { author: "x", status: "published" });
  const id: Id<"notes"> = await client.mutation(api.notes.add, { author: "a", body: "b" });
  await client.query(api.notes.count, {});
  await client.query(api.notes.count);
  await client.mutation(api.admin.tools.run, { dryRun: true, limit: 5n });
  const summary = await client.action(api.notes.summary, { author: "a" });
  const total: number = summary.total;
  const args: FunctionArgs<typeof internal.notes.bodyOf> = { noteId: id };
  const body: FunctionReturnType<typeof internal.notes.bodyOf> = null;
  const note: Doc<"notes"> | null = null;
  const shape: Doc<"shapes"> = { _id: "s" as Id<"shapes">, _creationTime: 0, kind: "circle", r: 1 };
  const tables: keyof DataModel = "shapes";
  const ctx: QueryCtx | null = null;
  console.log(bodies, published, total, args, body, note, shape, tables, ctx);
}
"""

BAD_TS = """
import { ConvexHttpClient } from "convex/browser";
import { api } from "./functions/_generated/api.js";
import type { Doc, Id } from "./functions/_generated/dataModel.js";

const client = new ConvexHttpClient("http://127.0.0.1:3210");

export async function main(): Promise<void> {
  await client.query(api.notes.byAuthor, { author: 42 });
  await client.query(api.notes.byAuthor, { author: "x", status: "archived" });
  await client.mutation(api.notes.add, { author: "a" });
  await client.query(api.notes.nope, {});
  const id: Id<"notes"> = "plain string";
  const shape: Doc<"shapes"> = { _id: "s" as Id<"shapes">, _creationTime: 0, kind: "circle", side: 1 };
  const wrong: number = await client.query(api.notes.byAuthor, { author: "x" });
  await client.query(api.notes.add, { author: "a", body: "b" });
  console.log(id, shape, wrong);
}
"""


@needs_tsc
def test_generated_typescript_type_checks_against_the_convex_package(generated: Path, project: Path) -> None:
    good = run_tsc(project, {"app.ts": GOOD_TS})
    assert good.returncode == 0, good.stdout + good.stderr


@needs_tsc
def test_wrong_argument_types_fail_tsc(generated: Path, project: Path) -> None:
    bad = run_tsc(project, {"bad.ts": BAD_TS})
    assert bad.returncode != 0
    errors = [line for line in bad.stdout.splitlines() if line.startswith("bad.ts(")]
    lines = sorted({int(re.match(r"bad\.ts\((\d+),", e).group(1)) for e in errors})  # type: ignore[union-attr]
    # one error for each of the eight mistakes (lines 9..16 of BAD_TS), and nothing in the generated files
    assert lines == list(range(9, 17)), bad.stdout
    assert "Type 'number' is not assignable to type 'string'" in bad.stdout
    assert "_generated" not in bad.stdout


def test_mypy_accepts_functions_typed_with_the_generated_types(generated: Path, project: Path) -> None:
    result = run_mypy(project, "functions")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_reports_misuse_of_the_generated_types(generated: Path, project: Path) -> None:
    (project / "functions" / "typed_bad.py").write_text(TYPED_BAD)
    result = run_mypy(project, "functions/typed_bad.py")
    assert result.returncode == 1
    source = TYPED_BAD.splitlines()
    reported = {source[int(m.group(1)) - 1].split("# ")[-1].split(":")[0]
                for m in re.finditer(r"typed_bad\.py:(\d+): error", result.stdout)}
    assert reported == BAD_LINES, result.stdout


def _albertplus_model_files(tmp_path: Path) -> tuple[Path, bool]:
    """The repository's AlbertPlus project, generated; False when its functions/ has no modules yet."""
    target = copy_project(REPO, tmp_path / "albertplus")
    shutil.rmtree(generated_dir(target), ignore_errors=True)
    ensure_bootstrap(target)
    has_functions = any(p.name != "auth.config.py" for p in (target / "functions").glob("*.py"))
    try:
        write_generated(load_project(target))
    except ProjectLoadError:
        # the port is mid-edit: judge the types of the schema alone
        from albertplus_cli.codegen.writer import write_files

        model = project_model(None, load_schema(target))
        write_files(generated_dir(target), {**typescript_files(model), **python_files(model)})
        has_functions = False
    return target, has_functions


@needs_tsc
def test_albertplus_types_check_with_tsc_and_mypy(tmp_path: Path) -> None:
    target, has_functions = _albertplus_model_files(tmp_path)
    model = (generated_dir(target) / "dataModel.d.ts").read_text()
    assert 'by_course_code: ["code", "_creationTime"];' in model
    usage = """
import type { Doc, Id } from "./functions/_generated/dataModel.js";
export const level: Doc<"courses">["level"] = "graduate";
export function program(r: Doc<"requirements">): Id<"programs"> {
  return r.type === "options" ? r.programId : r.programId;
}
export const term: Doc<"userCourses">["term"] = "j-term";
"""
    result = run_tsc(target, {"usage.ts": usage})
    assert result.returncode == 0, result.stdout + result.stderr
    # The port's own function bodies are mostly unannotated: check them as a user's default `mypy` would.
    checked = run_mypy(target, "functions" if has_functions else "functions/_generated", check_untyped=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_typescript_install_is_pinned() -> None:
    package = (JS_DIR / "package.json").read_text()
    assert '"typescript"' in package


def test_same_input_same_bytes_across_processes(project: Path, tmp_path: Path) -> None:
    """No hash-seed or set-order dependence: two processes with different PYTHONHASHSEED write equal files."""
    import os

    outputs = []
    for seed in ("1", "2"):
        copy = shutil.copytree(project, tmp_path / f"seed{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([ALBERTPLUS, "codegen", "--dir", str(copy)], capture_output=True, text=True, env=env,
                             timeout=120)
        assert run.returncode == 0, run.stderr
        outputs.append({p.name: p.read_bytes() for p in generated_dir(copy).iterdir() if p.is_file()})
    assert outputs[0] == outputs[1]


def test_a_function_and_a_module_with_one_api_name_is_a_clear_error() -> None:
    """Python cannot import `admin.py` beside `admin/`, but the tree builder still refuses such a clash."""
    from albertplus_cli.codegen import CodegenError
    from albertplus_cli.codegen.model import FunctionModel, api_tree

    fn = FunctionModel("admin:tools", ("admin",), "tools", "query", "public", None, None)
    nested = FunctionModel("admin/tools:run", ("admin", "tools"), "run", "query", "public", None, None)
    with pytest.raises(CodegenError, match="admin"):
        api_tree((fn, nested), "public")
    with pytest.raises(CodegenError, match="admin"):
        api_tree((nested, fn), "public")
