"""`albertplus serve`: the production server (no watching, no codegen), several processes on one database."""

from __future__ import annotations

from pathlib import Path

import typer

from albertplus_cli.cli.common import DATABASE_OPTION, PROJECT_OPTION, database_url, fail, project_root
from albertplus_cli.cli.main import app
from albertplus_cli.database import SchemaValidationError
from albertplus_cli.functions.loader import ProjectLoadError
from albertplus_cli.storage import StorageError

SERVE_HELP = """Serve the project in production: no file watching, no codegen, no dev secrets printed.

Several `serve` processes (or machines) may share one database; each learns of every commit through the
database's commit log. `--workers N` runs N processes on the same ports (SO_REUSEPORT). The local dev signing
key is trusted only with --trust-dev-key; Clerk/OIDC providers come from functions/auth.config.py.

Examples:

  albertplus serve --database postgresql://app@db.internal:5432/albertplus --host 0.0.0.0 --workers 2

  ALBERTPLUS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/app albertplus serve --log-format json

  albertplus serve --database .albertplus/data.sqlite3 --port 3210 --site-port 3211
"""


@app.command("serve", help=SERVE_HELP)
def serve_command(
    project_dir: Path = PROJECT_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (default: loopback only)."),
    port: int = typer.Option(3210, "--port", min=1, max=65535, help="Port of the API and sync WebSocket."),
    site_port: int = typer.Option(3211, "--site-port", min=1, max=65535, help="Port of the HTTP actions."),
    db: str | None = DATABASE_OPTION,
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Processes serving the same ports."),
    trust_dev_key: bool = typer.Option(False, "--trust-dev-key",
                                       help="Also accept tokens signed by the local dev key (testing only)."),
    log_format: str = typer.Option("text", "--log-format", help="Access log lines: text or json."),
) -> None:
    from albertplus_cli.server.dev_server import DevServerError
    from albertplus_cli.server.production_server import ServeOptions, serve_production

    if port == site_port:
        raise fail("--port and --site-port must differ", 2)
    if log_format not in ("text", "json"):
        raise fail(f"--log-format must be text or json, got {log_format!r}", 2)
    root = project_root(project_dir)
    options = ServeOptions(root, database_url(db, root), host, port, site_port, workers, trust_dev_key, log_format)
    try:
        code = serve_production(options)
    except DevServerError as e:
        raise fail(str(e)) from None
    except ProjectLoadError as e:
        raise fail(f"the project failed to load:\n{e}") from None
    except (SchemaValidationError, StorageError) as e:
        raise fail(str(e)) from None
    if code:
        raise typer.Exit(code)
