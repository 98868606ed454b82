"""`albertplus env set|get|list|remove`: the deployment's environment variables, as `npx convex env`.

Each sub-command is written once over `env_store.VariablesStore` (the running server, or the database)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from albertplus_cli.cli.common import PROJECT_OPTION, err_console, fail
from albertplus_cli.cli.env_store import variables_store
from albertplus_cli.cli.main import app
from albertplus_cli.cli.server_target import URL_OPTION
from albertplus_cli.functions import deployment_env

ENV_HELP = """Set and view the deployment's environment variables.

They are stored in the project's database, so every server process on it (`dev`, `serve` workers) sees
them, and functions read them with os.environ["NAME"] / os.environ.get("NAME") on their next call, without a
restart. A deployment variable wins over a process variable of the same name. Goes through the running
`albertplus dev` when there is one, else writes the database directly.

Examples:

  albertplus env set CONVEX_API_KEY s3cret

  albertplus env set SCRAPER_URL=http://127.0.0.1:8787

  echo "$TOKEN" | albertplus env set GITHUB_TOKEN

  albertplus env get SCRAPER_URL

  albertplus env list

  albertplus env remove SCRAPER_URL
"""

env_app = typer.Typer(name="env", help=ENV_HELP, no_args_is_help=True, add_completion=False,
                      pretty_exceptions_show_locals=False)
app.add_typer(env_app, name="env")


def _check(name: str, value: str | None = None) -> None:
    """Bad usage (exit 2) before anything is contacted or written."""
    try:
        deployment_env.check_name(name)
        if value is not None:
            deployment_env.check_value(name, value)
    except deployment_env.EnvironmentVariableError as e:
        raise fail(str(e), 2) from None


@env_app.command("set", help="""Set a variable (updating it if it exists).

Examples:

  albertplus env set CONVEX_API_KEY s3cret

  albertplus env set SCRAPER_URL=http://127.0.0.1:8787

  echo "$TOKEN" | albertplus env set GITHUB_TOKEN      # the value from stdin
""")
def env_set(
    name: str = typer.Argument(..., help="The variable's name, or NAME=value."),
    value: str | None = typer.Argument(None, help="The value (default: NAME=value, else stdin)."),
    project_dir: Path = PROJECT_OPTION,
    url: str | None = URL_OPTION,
) -> None:
    if value is None:
        if "=" in name:
            name, value = name.split("=", 1)
        elif not sys.stdin.isatty():
            value = sys.stdin.read()
            value = value[:-1] if value.endswith("\n") else value
        else:
            raise fail("missing VALUE: `albertplus env set NAME VALUE`, `NAME=VALUE`, or the value on stdin", 2)
    _check(name, value)
    variables_store(project_dir, url).apply([(name, value)])
    err_console.print(f"[green]✔[/green] Set {name}", markup=True)


@env_app.command("get", help="""Print a variable's value (exit 1 when it is not set).

Example:

  albertplus env get SCRAPER_URL
""")
def env_get(
    name: str = typer.Argument(..., help="The variable's name."),
    project_dir: Path = PROJECT_OPTION,
    url: str | None = URL_OPTION,
) -> None:
    _check(name)
    variables = variables_store(project_dir, url).read()
    if name not in variables:
        raise fail(f'environment variable "{name}" is not set')
    typer.echo(variables[name])


@env_app.command("list", help="""List every variable as NAME=value.

Example:

  albertplus env list
""")
def env_list(project_dir: Path = PROJECT_OPTION, url: str | None = URL_OPTION) -> None:
    variables = variables_store(project_dir, url).read()
    if not variables:
        err_console.print("No environment variables set.")
        return
    for key, val in sorted(variables.items()):
        typer.echo(f"{key}={val}")


def _remove(name: str, project_dir: Path, url: str | None) -> None:
    _check(name)
    variables_store(project_dir, url).apply([(name, None)])
    err_console.print(f"[green]✔[/green] Unset {name}", markup=True)


@env_app.command("remove", help="""Unset a variable (succeeds when it is not set). Aliases: rm, unset.

Example:

  albertplus env remove SCRAPER_URL
""")
def env_remove(
    name: str = typer.Argument(..., help="The variable's name."),
    project_dir: Path = PROJECT_OPTION,
    url: str | None = URL_OPTION,
) -> None:
    _remove(name, project_dir, url)


@env_app.command("rm", hidden=True)
def env_rm(name: str = typer.Argument(...), project_dir: Path = PROJECT_OPTION, url: str | None = URL_OPTION) -> None:
    _remove(name, project_dir, url)


@env_app.command("unset", hidden=True)
def env_unset(name: str = typer.Argument(...), project_dir: Path = PROJECT_OPTION,
              url: str | None = URL_OPTION) -> None:
    _remove(name, project_dir, url)
