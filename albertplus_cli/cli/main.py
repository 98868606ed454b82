"""The `albertplus` typer application; each subcommand lives in its own module and registers here."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="albertplus",
    help="A local, Convex-compatible reactive backend for AlbertPlus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _register_commands() -> None:
    """Import the command modules; each calls `app.command(...)` on import."""
    # One import per command module (keep sorted).
    import albertplus_cli.cli.admin_key_command  # noqa: F401
    import albertplus_cli.cli.codegen_command  # noqa: F401
    import albertplus_cli.cli.dashboard_command  # noqa: F401
    import albertplus_cli.cli.dev_command  # noqa: F401
    import albertplus_cli.cli.export_command  # noqa: F401
    import albertplus_cli.cli.import_audit_command  # noqa: F401
    import albertplus_cli.cli.import_command  # noqa: F401
    import albertplus_cli.cli.run_command  # noqa: F401
    import albertplus_cli.cli.seed_command  # noqa: F401
    import albertplus_cli.cli.serve_command  # noqa: F401
    import albertplus_cli.cli.token_command  # noqa: F401


_register_commands()

if __name__ == "__main__":
    app()
