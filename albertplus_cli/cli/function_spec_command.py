"""`albertplus function-spec`: each function's kind, visibility and validators, as `npx convex function-spec`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

from albertplus_cli.cli.common import PROJECT_OPTION, err_console, fail, project_root
from albertplus_cli.cli.main import app

FUNCTION_SPEC_HELP = """Print every function of the project with its argument and return validators, as JSON.

The shape is Convex's (`npx convex function-spec`): {"url": ..., "functions": [...]} where each function is
{"identifier": "courses.js:getCourses", "functionType": "Query" | "Mutation" | "Action",
"visibility": {"kind": "public" | "internal"}, "args": <validator JSON>, "returns": <validator JSON>}
(a function declared without args= or returns= has {"type": "any"}), and each HTTP route of functions/http.py
is {"functionType": "HttpAction", "method": "POST", "path": "/api/..."}. Identifiers keep Convex's `.js` module
suffix so tools written for Convex read them; the server accepts that form too. It reads the project's code
(what `albertplus dev` serves once the files are saved); no server is needed.

Examples:

  albertplus function-spec

  albertplus function-spec | jq '.functions[] | select(.visibility.kind == "public") | .identifier'

  albertplus function-spec --file        # writes function_spec_<ms>.json
"""

ANY = {"type": "any"}


@app.command("function-spec", help=FUNCTION_SPEC_HELP)
def function_spec_command(
    to_file: bool = typer.Option(False, "--file", help="Write the JSON to function_spec_<ms>.json instead."),
    project_dir: Path = PROJECT_OPTION,
) -> None:
    from albertplus_cli.functions.loader import ProjectLoadError, load_project

    root = project_root(project_dir)
    if not (root / "functions").is_dir():
        raise fail(f"{root} is not an albertplus project (no functions/ folder); run `albertplus init` or pass --dir")
    sys.dont_write_bytecode = True
    try:
        project = load_project(root)
    except ProjectLoadError as e:
        raise fail(f"the project failed to load: {e}") from None
    output = json.dumps({"url": _url(root), "functions": function_specs(project)}, indent=2)
    if to_file:
        name = f"function_spec_{int(time.time() * 1000)}.json"
        Path(name).write_text(output + "\n", encoding="utf-8")
        err_console.print(f"[green]Wrote function spec to {name}[/green]", markup=True)
    else:
        typer.echo(output)


def function_specs(project: Any) -> list[dict[str, Any]]:
    """Convex's `_system/cli/modules:apiSpec` entries for a loaded project."""
    out: list[dict[str, Any]] = []
    for path, fn in sorted(project.functions.items()):
        module, _, name = path.partition(":")
        out.append({
            "identifier": f"{module}.js:{name}",
            "functionType": fn.kind.capitalize(),
            "visibility": {"kind": fn.visibility},
            "args": fn.args.to_json() if fn.args is not None else ANY,
            "returns": fn.returns.to_json() if fn.returns is not None else ANY,
        })
    router = project.http_router
    for route in getattr(router, "routes", []):
        out.append({"functionType": "HttpAction", "method": route.method,
                    "path": route.path if route.path is not None else route.prefix})
    return out


def _url(root: Path) -> str:
    """The project's running server (as recorded by `albertplus dev`), else the default URL."""
    try:
        return str(json.loads((root / ".albertplus" / "server.json").read_text())["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return "http://127.0.0.1:3210"
