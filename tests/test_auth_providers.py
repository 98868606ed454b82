"""load_providers: Convex-shaped `functions/auth.config.py` files, and clear errors for malformed ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from albertplus_cli.auth import AuthConfigError, load_providers


def project(tmp_path: Path, source: str) -> Path:
    (tmp_path / "functions").mkdir(exist_ok=True)
    (tmp_path / "functions" / "auth.config.py").write_text(source)
    return tmp_path


def test_missing_file_means_no_providers(tmp_path: Path) -> None:
    assert load_providers(tmp_path) == []


def test_oidc_and_custom_jwt(tmp_path: Path) -> None:
    (tmp_path / "jwks.json").write_text('{"keys": []}')
    providers = load_providers(
        project(
            tmp_path,
            "import os\n"
            "providers = [\n"
            "  {'domain': 'https://clerk.example.com/', 'applicationID': 'convex'},\n"
            "  {'domain': os.environ.get('SURELY_UNSET_ALBERTPLUS_VAR'), 'applicationID': 'convex'},\n"
            "  {'domain': '', 'applicationID': 'convex'},\n"
            "  {'type': 'customJwt', 'issuer': 'https://a.example', 'jwks': 'jwks.json',\n"
            "   'algorithm': 'ES256'},\n"
            "  {'type': 'customJwt', 'issuer': 'https://b.example', 'jwks': 'https://b.example/jwks',\n"
            "   'algorithm': 'RS256', 'applicationID': 'my-app'},\n"
            "]\n",
        )
    )
    assert [(p.issuer, p.application_id, p.algorithms, p.discovery) for p in providers] == [
        ("https://clerk.example.com/", "convex", ("RS256", "ES256"), True),
        ("https://a.example", None, ("ES256",), False),
        ("https://b.example", "my-app", ("RS256",), False),
    ]
    assert providers[0].discovery_url == "https://clerk.example.com/.well-known/openid-configuration"
    assert providers[1].jwks_source == str((tmp_path / "jwks.json").resolve())


def test_convex_style_default_export_is_accepted(tmp_path: Path) -> None:
    source = "default = {'providers': [{'domain': 'https://x.example', 'applicationID': 'convex'}]}\n"
    assert [p.issuer for p in load_providers(project(tmp_path, source))] == ["https://x.example"]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ("'nope'", "`providers` must be a list"),
        ("[42]", "providers[0] must be a dict"),
        ("[{'applicationID': 'convex'}]", "providers[0]: missing 'domain'"),
        (
            "[{'domain': 'clerk.example.com', 'applicationID': 'convex'}]",
            "providers[0]: 'domain' must be an http(s) URL",
        ),
        ("[{'domain': 'https://x'}]", "providers[0]: missing 'applicationID'"),
        ("[{'domain': 'https://x', 'applicationId': 'convex'}]", "providers[0]: unknown key 'applicationId'"),
        (
            "[{'domain': 'https://x', 'applicationID': 'convex'}, {'type': 'saml'}]",
            "providers[1]: unknown 'type' 'saml'",
        ),
        ("[{'type': 'customJwt', 'jwks': 'x', 'algorithm': 'RS256'}]", "providers[0]: missing 'issuer'"),
        ("[{'type': 'customJwt', 'issuer': 'i', 'algorithm': 'RS256'}]", "providers[0]: missing 'jwks'"),
        (
            "[{'type': 'customJwt', 'issuer': 'i', 'jwks': 'data:,{}', 'algorithm': 'HS256'}]",
            "providers[0]: 'algorithm' must be one of RS256, ES256, got 'HS256'",
        ),
        (
            "[{'type': 'customJwt', 'issuer': 'i', 'jwks': 'data:,{}'}]",
            "providers[0]: 'algorithm' must be one of RS256, ES256, got None",
        ),
        (
            "[{'type': 'customJwt', 'issuer': 'i', 'jwks': 'nowhere.json', 'algorithm': 'RS256'}]",
            "providers[0]: 'jwks' file",
        ),
        (
            "[{'type': 'customJwt', 'issuer': 'i', 'jwks': 'data:,{}', 'algorithm': 'RS256',"
            " 'applicationID': 3}]",
            "providers[0]: 'applicationID' must be a non-empty string",
        ),
    ],
)
def test_malformed_entries_name_index_and_key(tmp_path: Path, entries: str, expected: str) -> None:
    with pytest.raises(AuthConfigError) as info:
        load_providers(project(tmp_path, f"providers = {entries}\n"))
    assert expected in str(info.value)
    assert "auth.config.py" in str(info.value)


def test_broken_config_file(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigError, match="failed to load: SyntaxError"):
        load_providers(project(tmp_path, "providers = [\n"))
    with pytest.raises(AuthConfigError, match="define a module-level `providers` list"):
        load_providers(project(tmp_path, "x = 1\n"))
