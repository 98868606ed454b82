"""The `albertplus` typer application; each subcommand lives in its own module and registers here."""

from __future__ import annotations

import os
import sys
from importlib import metadata
from typing import Any

import typer


class AlbertplusApp(typer.Typer):
    """The CLI entry point: an exception no command handled is one `error:` line and exit 1, never a traceback
    (ALBERTPLUS_DEBUG=1 shows it), and Ctrl+C anywhere exits 130."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from albertplus_cli.cli.common import fail

        try:
            return typer.main.get_command(self)(*args, **kwargs)
        except KeyboardInterrupt:
            sys.exit(130)
        except Exception as e:
            if os.environ.get("ALBERTPLUS_DEBUG"):
                raise
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            fail(f"{type(e).__name__}{': ' + first if first else ''} (unexpected; run again with ALBERTPLUS_DEBUG=1 "
                 "for the traceback)")
            sys.exit(1)


app = AlbertplusApp(
    name="albertplus",
    help="A local, Convex-compatible reactive backend for AlbertPlus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def version() -> str:
    try:
        return metadata.version("albertplus")
    except metadata.PackageNotFoundError:
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"albertplus {version()}")
        raise typer.Exit()


@app.callback()
def main_options(
    show_version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                      callback=_print_version),
) -> None:
    """A local, Convex-compatible reactive backend for AlbertPlus."""


def _register_commands() -> None:
    """Import the command modules; each calls `app.command(...)` on import."""
    # One import per command module (keep sorted).
    import albertplus_cli.cli.admin_key_command  # noqa: F401
    import albertplus_cli.cli.codegen_command  # noqa: F401
    import albertplus_cli.cli.dashboard_command  # noqa: F401
    import albertplus_cli.cli.data_command  # noqa: F401
    import albertplus_cli.cli.dev_command  # noqa: F401
    import albertplus_cli.cli.env_command  # noqa: F401
    import albertplus_cli.cli.export_command  # noqa: F401
    import albertplus_cli.cli.function_spec_command  # noqa: F401
    import albertplus_cli.cli.import_audit_command  # noqa: F401
    import albertplus_cli.cli.import_command  # noqa: F401
    import albertplus_cli.cli.init_command  # noqa: F401
    import albertplus_cli.cli.logs_command  # noqa: F401
    import albertplus_cli.cli.run_command  # noqa: F401
    import albertplus_cli.cli.seed_command  # noqa: F401
    import albertplus_cli.cli.serve_command  # noqa: F401
    import albertplus_cli.cli.token_command  # noqa: F401


_register_commands()

if __name__ == "__main__":
    app()
