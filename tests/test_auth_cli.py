"""`albertplus token` and `albertplus admin-key` as a user runs them (subprocesses, no network)."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

from albertplus_cli.auth import DEV_ISSUER, build_verifier, load_or_create_admin_key

ALBERTPLUS = Path(sys.executable).parent / "albertplus"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ALBERTPLUS), *args], capture_output=True, text=True, timeout=60)


def test_token_command_prints_a_trusted_jwt(tmp_path: Path) -> None:
    (tmp_path / "functions").mkdir()
    result = run("token", "--dir", str(tmp_path), "--subject", "user_x", "--claims", '{"is_admin": true}')
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", token)
    key_file = tmp_path / ".albertplus" / "dev_signing_key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    identity = build_verifier(tmp_path, tmp_path / ".albertplus").verify(token)
    assert identity == {
        "tokenIdentifier": f"{DEV_ISSUER}|user_x",
        "subject": "user_x",
        "issuer": DEV_ISSUER,
        "is_admin": True,
    }
    # the same key signs the next token
    second = run("token", "--dir", str(tmp_path), "--subject", "user_y", "--expires-in", "60")
    assert second.returncode == 0
    assert (
        build_verifier(tmp_path, tmp_path / ".albertplus").verify(second.stdout.split()[-1])["subject"]
        == "user_y"
    )


def test_token_command_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "functions").mkdir()
    for claims, reason in [
        ("{not json", "not valid JSON"),
        ("[1]", "must be a JSON object"),
        ('{"sub": "x"}', "sub"),
    ]:
        result = run("token", "--dir", str(tmp_path), "--subject", "u", "--claims", claims)
        assert result.returncode == 2
        assert "--claims" in result.stderr and reason in result.stderr
        assert result.stdout == ""
    assert run("token", "--dir", str(tmp_path)).returncode == 2  # --subject is required
    assert run("token", "--dir", str(tmp_path / "missing"), "--subject", "u").returncode == 2
    assert run("token", "--dir", str(tmp_path), "--subject", "u", "--expires-in", "0").returncode == 2


def test_help_has_examples() -> None:
    for command in ("token", "admin-key"):
        result = run(command, "--help")
        assert result.returncode == 0 and "Examples" in result.stdout


def test_admin_key_command(tmp_path: Path) -> None:
    (tmp_path / "functions").mkdir()
    first = run("admin-key", "--dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"albertplus\|[0-9a-f]{64}", key)
    assert stat.S_IMODE((tmp_path / ".albertplus" / "admin_key").stat().st_mode) == 0o600
    assert run("admin-key", "--dir", str(tmp_path)).stdout.strip() == key
    assert load_or_create_admin_key(tmp_path / ".albertplus") == key


def test_admin_key_and_token_refuse_a_folder_that_is_not_a_project(tmp_path: Path) -> None:
    for args in (("admin-key",), ("token", "--subject", "u")):
        result = run(*args, "--dir", str(tmp_path))
        assert result.returncode == 1, result.stdout
        assert "is not an albertplus project" in result.stderr and "albertplus init" in result.stderr
        assert result.stdout == "" and "Traceback" not in result.stderr
    assert not (tmp_path / ".albertplus").exists()
