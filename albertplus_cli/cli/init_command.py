"""`albertplus init [DIR]`: scaffold a minimal runnable project (as `npx convex init` / `npm create convex`)."""

from __future__ import annotations

from pathlib import Path

import typer

from albertplus_cli.cli.common import err_console, fail
from albertplus_cli.cli.init_template import files
from albertplus_cli.cli.main import app

INIT_HELP = """Create a minimal runnable project in DIR (default: the current folder).

Writes schema.py (a `tasks` table), functions/tasks.py (the query `tasks:list` and the mutation `tasks:add`),
a README.md with how to run it, and a .gitignore for the local state folder .albertplus/. A folder that
already is a project (it has schema.py or functions/) is refused; existing README.md and .gitignore files are
kept.

Examples:

  albertplus init my-app && cd my-app && albertplus dev

  albertplus init                      # in the current, empty folder

  albertplus init --dir ./my-app
"""


@app.command("init", help=INIT_HELP)
def init_command(
    directory: Path | None = typer.Argument(None, metavar="[DIR]", help="Where to create the project."),
    project_dir: Path | None = typer.Option(None, "--dir", help="Same as DIR.", file_okay=False, dir_okay=True),
) -> None:
    if directory is not None and project_dir is not None and directory.resolve() != project_dir.resolve():
        raise fail(f"DIR ({directory}) and --dir ({project_dir}) name different folders; give one", 2)
    target = (directory or project_dir or Path(".")).resolve()
    if target.exists() and not target.is_dir():
        raise fail(f"{target} exists and is not a folder", 2)
    existing = [name for name in ("schema.py", "functions") if (target / name).exists()]
    if existing:
        raise fail(f"{target} already is an albertplus project (it has {' and '.join(existing)}); "
                   "run `albertplus dev` there, or choose an empty folder")
    written, kept = [], []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for rel, content in files(target.name).items():
            path = target / rel
            if path.exists():
                kept.append(rel)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            written.append(rel)
    except OSError as e:
        raise fail(f"could not write the project in {target}: {e.strerror or e}") from None
    err_console.print(f"[green]✔[/green] Created an albertplus project in [bold]{target}[/bold]", markup=True)
    for rel in written:
        err_console.print(f"  + {rel}", markup=False)
    for rel in kept:
        err_console.print(f"  = {rel} (kept: it already existed)", markup=False)
    here = Path.cwd().resolve()
    step = "" if target == here else f"cd {_shown(target, here)} && "
    err_console.print(f"\nNext: {step}albertplus dev", markup=False)


def _shown(target: Path, here: Path) -> str:
    try:
        return str(target.relative_to(here))
    except ValueError:
        return str(target)
