"""`albertplus codegen`: write functions/_generated/ (TypeScript and Python types), as `npx convex codegen`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from albertplus_cli.cli.common import PROJECT_OPTION, fail, project_root
from albertplus_cli.cli.main import app

CODEGEN_HELP = """Write functions/_generated/: TypeScript types for the web app and Python types for your functions.

TypeScript: api.d.ts + api.js (`api`/`internal` of typed FunctionReferences), dataModel.d.ts (Doc, Id,
DataModel) and server.d.ts + server.js, against the `convex` npm package's types. Python: data_model.py (a
TypedDict per table, an Id type per table), api.py (typed references) and server.py (typed ctx). Only files
whose content changes are rewritten. `albertplus dev` does this on every successful push.

Examples:

  albertplus codegen

  albertplus codegen --dir ./myproject

  albertplus codegen --check     # exit 1 if the generated files are out of date (CI)
"""


@app.command("codegen", help=CODEGEN_HELP)
def codegen_command(
    project_dir: Path = PROJECT_OPTION,
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if the files are out of date."),
) -> None:
    from albertplus_cli.codegen import CodegenError, ensure_bootstrap, generate, generated_dir, write_generated
    from albertplus_cli.functions.loader import ProjectLoadError, load_project
    from albertplus_cli.project import NotAProjectError, locate_project

    try:
        root = locate_project(project_root(project_dir)).root
    except NotAProjectError as e:
        raise fail(str(e), 2) from None
    console = Console(highlight=False)
    bootstrapped = False
    try:
        if not check:
            bootstrapped = ensure_bootstrap(root)
        project = load_project(root)
        target = generated_dir(root)
        if check:
            stale = sorted(name for name, text in generate(project).items()
                           if not (target / name).exists() or (target / name).read_text(encoding="utf-8") != text)
            if stale:
                raise fail(f"functions/_generated/ is out of date ({', '.join(stale)}): run `albertplus codegen`")
            console.print("functions/_generated/ is up to date")
            return
        report = write_generated(project)
    except ProjectLoadError as e:
        raise fail(f"the project failed to load:\n{e}") from None
    except CodegenError as e:
        raise fail(str(e)) from None
    written = sorted(set(report.written) | (set(report.written + report.unchanged) if bootstrapped else set()))
    if written or report.removed:
        for name in written:
            console.print(f"wrote functions/_generated/{name}")
        for name in report.removed:
            console.print(f"removed functions/_generated/{name}")
    else:
        console.print("functions/_generated/ is up to date")
