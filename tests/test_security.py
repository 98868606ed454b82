"""Security defaults of a real `albertplus dev` (issue 11, part 4).

- It listens on 127.0.0.1 unless `--host` says otherwise (read from the kernel's socket table, not our config).
- Admin routes (`/api/function`, `/api/albertplus/stats`, the log routes) and internal functions (over HTTP and
  the sync socket) need the admin key.
- `.albertplus/admin_key` and `.albertplus/dev_signing_key.pem` are mode 0600, also when a CLI command creates
  them first or a user loosened them.
- Tokens and keys never appear in the server's output or in its error messages, whatever credential is sent.
- CORS lets a browser app on another localhost port call the HTTP API as Convex's does (preflight, then the
  request), including with an `Authorization` header.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from protocol_support import RawSync, protocol_project
from server_process import DevServer

from albertplus_cli.server.dev_server import DevOptions

ALBERTPLUS = str(Path(sys.executable).parent / "albertplus")
ORIGIN = "http://localhost:5173"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("security"))) as running:
        yield running


def _listening(port: int) -> set[str]:
    """The local addresses the kernel has a listening TCP socket on for `port` (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
ANY_V4 = "00000000"


def _json(response: httpx.Response) -> Any:
    return response.json()


# -- listening address ------------------------------------------------------------------------------------------------


def test_it_listens_on_loopback_only_by_default(server: DevServer) -> None:
    assert DevOptions(Path(".")).host == "127.0.0.1"
    for port in (server.port, server.site_port):
        assert _listening(port) == {LOOPBACK_V4}, (port, _listening(port))
    written = json.loads((server.project_dir / ".albertplus" / "server.json").read_text())
    assert written["url"].startswith("http://127.0.0.1:"), written


def test_host_flag_listens_where_told(tmp_path: Path) -> None:
    with DevServer(protocol_project(tmp_path), "--host", "0.0.0.0") as everywhere:
        assert _listening(everywhere.port) == {ANY_V4}
        assert _listening(everywhere.site_port) == {ANY_V4}
        assert httpx.get(everywhere.url + "/instance_name").status_code == 200


# -- the admin key -----------------------------------------------------------------------------------------------------


def _refused(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 401, (response.status_code, response.text)
    body = _json(response)
    assert set(body) == {"code", "message"} and body["code"], body
    return dict(body)


@pytest.mark.parametrize(("method", "route", "body"), [
    ("POST", "/api/function", {"path": "messages:list", "args": {}}),
    ("GET", "/api/albertplus/stats", None),
    ("GET", "/api/albertplus/logs", None),
    ("GET", "/api/stream_function_logs?cursor=0", None),
])
def test_admin_routes_need_the_admin_key(server: DevServer, method: str, route: str, body: Any) -> None:
    def send(headers: dict[str, str], suffix: str = "") -> httpx.Response:
        url = server.url + route + (("&" if "?" in route else "?") + suffix if suffix else "")
        return httpx.request(method, url, json=body, headers=headers, timeout=30)

    wrong = "albertplus|" + "0" * 64
    for headers in ({}, {"authorization": f"Bearer {server.token('user_a')}"},
                    {"authorization": f"Convex {wrong}"}, {"authorization": f"Convex {server.admin_key}x"}):
        _refused(send(headers))
    _refused(send({}, f"adminKey={wrong}"))
    assert send({"authorization": f"Convex {server.admin_key}"}).status_code == 200
    assert send({}, f"adminKey={server.admin_key}").status_code == 200


def test_internal_functions_need_the_admin_key_over_http(server: DevServer) -> None:
    user = {"authorization": f"Bearer {server.token('intruder')}"}
    attempts = [
        ("/api/query", {"path": "messages:secret", "args": {}}),
        ("/api/mutation", {"path": "messages:internalSend", "args": {"author": "intruder", "body": "x"}}),
        ("/api/action", {"path": "messages:secret", "args": {}}),
        ("/api/run/messages/secret", {"args": {}}),
        ("/api/run/messages/internalSend", {"args": {"author": "intruder", "body": "x"}}),
        ("/api/query_batch", {"queries": [{"path": "messages:secret", "args": {}}]}),
    ]
    for headers in ({}, user):
        for route, body in attempts:
            response = httpx.post(server.url + route, json=body, headers=headers, timeout=30)
            assert response.status_code == 200, response.text
            result = _json(response)
            result = result["results"][0] if "results" in result else result
            assert result["status"] == "error", (route, headers, result)
            assert "Could not find public function" in result["errorMessage"], result
        response = httpx.get(server.url + "/api/query", params={"path": "messages:secret", "args": "{}"},
                             headers=headers)
        assert _json(response)["status"] == "error", response.text
    admin = {"authorization": f"Convex {server.admin_key}"}
    secret = httpx.post(server.url + "/api/function", json={"path": "messages:secret", "args": {}}, headers=admin)
    assert _json(secret) == {"status": "success", "value": "classified"}
    count = httpx.post(server.url + "/api/query", json={"path": "messages:count", "args": {"author": "intruder"}})
    assert _json(count)["value"] == 0, "an internal mutation ran for a caller without the admin key"


def test_internal_functions_need_the_admin_key_over_the_sync_socket(server: DevServer) -> None:
    with RawSync(server) as raw:
        raw.modify([(0, "messages:secret", {})])
        failed = raw.expect("Transition")["modifications"][0]
        assert failed["type"] == "QueryFailed" and "Could not find public function" in failed["errorMessage"]
        raw.mutation("messages:internalSend", {"author": "intruder", "body": "x"})
        response = raw.expect("MutationResponse")
        assert response["success"] is False and "Could not find public function" in response["result"], response
        raw.authenticate("User", server.token("intruder"))
        while (message := raw.recv())["type"] != "Transition" or not message["modifications"]:
            pass
        assert message["modifications"][0]["type"] == "QueryFailed", message
        raw.authenticate("Admin", server.admin_key)
        while (message := raw.recv())["type"] != "Transition" or not message["modifications"]:
            pass
        updated = message["modifications"][0]
        assert updated["type"] == "QueryUpdated" and updated["value"] == "classified", message


# -- secret files ------------------------------------------------------------------------------------------------------

SECRET_FILES = ("admin_key", "dev_signing_key.pem")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secret_files_are_0600(server: DevServer) -> None:
    state = server.project_dir / ".albertplus"
    for name in SECRET_FILES:
        assert _mode(state / name) == 0o600, (name, oct(_mode(state / name)))


def test_secret_files_made_by_cli_commands_are_0600_and_loosened_ones_are_tightened(tmp_path: Path) -> None:
    project = protocol_project(tmp_path)
    state = project / ".albertplus"
    old_umask = os.umask(0o000)  # the most permissive umask a user could have
    try:
        for command in (["token", "--subject", "u"], ["admin-key"]):
            result = subprocess.run([ALBERTPLUS, *command, "--dir", str(project)], capture_output=True, text=True,
                                    timeout=60)
            assert result.returncode == 0, result.stderr
    finally:
        os.umask(old_umask)
    for name in SECRET_FILES:
        assert _mode(state / name) == 0o600, (name, oct(_mode(state / name)))
        os.chmod(state / name, 0o644)
    with DevServer(project):
        pass
    for name in SECRET_FILES:
        assert _mode(state / name) == 0o600, f"{name} was left {oct(_mode(state / name))} after a server start"


# -- secrets in output and errors --------------------------------------------------------------------------------------


def test_tokens_and_keys_never_appear_in_output_or_error_messages(tmp_path: Path) -> None:
    project = protocol_project(tmp_path)
    with DevServer(project) as server:
        good_token = server.token("user_good")
        expired = server.token("user_old", expires_in=-120)
        tampered = good_token[:-6] + ("AAAAAA" if not good_token.endswith("AAAAAA") else "BBBBBB")
        foreign = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2V2aWwuZXhhbXBsZS5jb20iLCJzdWIiOiJ4Iiw"
                   "iYXVkIjoiY29udmV4IiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLXRoYXQtaXMtbm90LXZhbGlk")
        bad_key = "albertplus|" + "5a" * 32
        near_key = server.admin_key[:-1] + ("0" if not server.admin_key.endswith("0") else "1")
        secrets = {"admin key": server.admin_key, "good token": good_token, "expired token": expired,
                   "tampered token": tampered, "foreign token": foreign, "invalid admin key": bad_key,
                   "almost the admin key": near_key}
        pem = (project / ".albertplus" / "dev_signing_key.pem").read_text()
        secrets["signing key"] = "".join(pem.splitlines()[1:3])  # the first two lines of the key's base64
        answers: list[str] = []

        for auth in (f"Bearer {t}" for t in (good_token, expired, tampered, foreign)):
            for route, body in (("/api/query", {"path": "messages:whoami", "args": {}}),
                                ("/api/mutation", {"path": "messages:send", "args": {"author": "a", "body": "b"}}),
                                ("/api/action", {"path": "messages:countViaAction", "args": {"author": "a"}}),
                                ("/api/function", {"path": "messages:secret", "args": {}}),
                                ("/api/query", {"path": "messages:boom", "args": {}})):
                answers.append(httpx.post(server.url + route, json=body, headers={"authorization": auth}).text)
        for key in (bad_key, near_key, f"{server.admin_key}:not-base64!", f"{bad_key}:e30="):
            for route in ("/api/function", "/api/query"):
                answers.append(httpx.post(server.url + route, json={"path": "messages:secret", "args": {}},
                                          headers={"authorization": f"Convex {key}"}).text)
            answers.append(httpx.get(server.url + "/api/albertplus/stats", params={"adminKey": key}).text)
        for token_type, value in (("User", expired), ("User", tampered), ("User", foreign), ("Admin", bad_key),
                                  ("Admin", near_key), ("User", good_token), ("Admin", server.admin_key)):
            with RawSync(server) as raw:
                try:
                    raw.authenticate(token_type, value)
                    raw.modify([(0, "messages:whoami", {})])  # may find the socket already closed (AuthError)
                    raw.mutation("messages:fail", {"data": "boom"})
                    for _ in range(4):
                        answers.append(json.dumps(raw.recv(3)))
                except Exception:  # noqa: BLE001 - closed after an AuthError: what it sent is in raw.received
                    pass
                answers.extend(json.dumps(m) for m in raw.received)
        admin = {"authorization": f"Convex {server.admin_key}"}
        answers.append(httpx.get(server.url + "/api/albertplus/logs", headers=admin).text)
        answers.append(httpx.get(server.url + "/api/stream_function_logs", params={"cursor": 0}, headers=admin).text)
        output = server.output()

    assert "Unauthenticated" in "".join(answers) and "AuthError" in "".join(answers), "no refusal was exercised"
    assert "token expired" in "".join(answers) and "admin key is invalid" in "".join(answers)
    for what, secret in secrets.items():
        assert secret not in output, f"the {what} appears in the server's output"
        for answer in answers:
            assert secret not in answer, f"the {what} appears in a response: {answer[:300]}"
    # Convex's error texts name the problem without echoing the credential back.
    for needle in ("eyJ", "albertplus|", "BEGIN"):
        assert needle not in output, f"{needle!r} in the server output"


# -- CORS --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["/api/query", "/api/mutation", "/api/action", "/api/query_ts", "/api/query_at_ts",
                                   "/api/query_batch", "/api/function", "/api/run/messages/list"])
def test_cors_lets_a_browser_app_on_another_localhost_port_call_the_api(server: DevServer, route: str) -> None:
    preflight = httpx.options(server.url + route, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization,convex-client"})
    assert preflight.status_code in (200, 204), (preflight.status_code, preflight.text)
    allowed_origin = preflight.headers.get("access-control-allow-origin")
    assert allowed_origin in ("*", ORIGIN), preflight.headers
    assert "POST" in preflight.headers.get("access-control-allow-methods", ""), preflight.headers
    allowed_headers = preflight.headers.get("access-control-allow-headers", "").lower()
    for header in ("content-type", "authorization", "convex-client"):
        # "*" does not cover Authorization in the Fetch standard: it must be named.
        assert header in allowed_headers, preflight.headers
    body = {"path": "messages:list", "args": {}} if route != "/api/query_batch" else {"queries": []}
    response = httpx.post(server.url + route, json=body, headers={
        "Origin": ORIGIN, "convex-client": "npm-1.48.0", "authorization": f"Bearer {server.token('browser')}"})
    assert response.headers.get("access-control-allow-origin") in ("*", ORIGIN), response.headers


def test_cors_on_errors_and_the_site_port(server: DevServer) -> None:
    """A refused request still carries the CORS header (else the browser hides Convex's error from the app)."""
    refused = httpx.post(server.url + "/api/query", content=b"{not json", headers={
        "Origin": ORIGIN, "content-type": "application/json"})
    assert refused.status_code == 400 and refused.headers.get("access-control-allow-origin") in ("*", ORIGIN)
    unauthorized = httpx.post(server.url + "/api/query", json={"path": "messages:list", "args": {}},
                              headers={"Origin": ORIGIN, "authorization": "Bearer nope"})
    assert unauthorized.status_code == 401
    assert unauthorized.headers.get("access-control-allow-origin") in ("*", ORIGIN)
    preflight = httpx.options(server.site_url + "/anything", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.headers.get("access-control-allow-origin") in ("*", ORIGIN), preflight.headers
