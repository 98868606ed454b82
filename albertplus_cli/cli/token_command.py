"""`albertplus token`: mint a JWT with the project's local dev key, for development and tests.

`albertplus dev` trusts this key with no network, so the token works as a user's `Bearer` token (or with
`client.set_auth(token)`) without Clerk.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from albertplus_cli.auth import DEV_ISSUER, DevSigningKey
from albertplus_cli.cli.common import fail, require_project
from albertplus_cli.cli.main import app

TOKEN_HELP = """Print a JWT for a user, signed by the project's local dev key.

`albertplus dev` always trusts this key (issuer https://albertplus.dev/local, audience "convex"), with no network. The key is created on first use in PROJECT/.albertplus/dev_signing_key.pem. The token is the last line of stdout; use it as `Authorization: Bearer <token>` or with `client.set_auth(token)`.

Examples:

  albertplus token --subject user_123

  albertplus token --subject admin_1 --claims '{"is_admin": true}'

  TOKEN=$(albertplus token --subject user_123 --expires-in 600 --dir ./myproject)
"""  # noqa: E501


def _parse_claims(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        claims = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON ({exc.msg} at position {exc.pos})"
        raise typer.BadParameter(reason, param_hint="--claims") from None
    if not isinstance(claims, dict):
        raise typer.BadParameter("must be a JSON object, e.g. '{\"is_admin\": true}'", param_hint="--claims")
    reserved = sorted({"iss", "sub"}.intersection(claims))
    if reserved:
        raise typer.BadParameter(
            f"may not set {', '.join(reserved)} (use --subject; the issuer is the dev key's)",
            param_hint="--claims",
        )
    return claims


@app.command("token", help=TOKEN_HELP)
def token_command(
    subject: str = typer.Option(..., "--subject", help="The user id: the token's `sub`, `identity.subject`."),
    claims: str | None = typer.Option(
        None, "--claims", help="Extra claims as a JSON object, e.g. '{\"is_admin\": true}'."
    ),
    expires_in: int = typer.Option(3600, "--expires-in", min=1, help="Lifetime in seconds."),
    project_dir: Path = typer.Option(
        Path("."), "--dir", help="The project directory.", exists=True, file_okay=False, dir_okay=True
    ),
) -> None:
    if not subject:
        raise typer.BadParameter("must not be empty", param_hint="--subject")
    extra = _parse_claims(claims)
    from albertplus_cli.project import state_dir_for

    require_project(project_dir.resolve())
    try:
        key = DevSigningKey.load_or_create(state_dir_for(project_dir))
    except (OSError, ValueError) as exc:
        raise fail(f"cannot load the dev signing key: {exc}") from None
    jwt_text = key.sign(subject, extra, expires_in=expires_in)
    typer.echo(f"dev token for {subject!r} (issuer {DEV_ISSUER}, expires in {expires_in} s)", err=True)
    typer.echo(jwt_text)
