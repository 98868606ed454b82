"""Convex's HTTP API on a real `albertplus dev`, request by request: every request error is a 4xx
`{"code", "message"}` (never a 500), function errors are HTTP 200 `status: "error"` with Convex's texts, log lines
carry `[LEVEL] ` prefixes, value formats, admin vs public, acting as a user, `/api/run`, `/api/query_ts` +
`/api/query_at_ts`, `/api/query_batch`, and the meta routes."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from protocol_support import call, protocol_project, ts_decode, ts_encode, value_of
from server_process import DevServer

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("httpapi"))) as running:
        yield running


def _post(server: DevServer, path: str, body: bytes | str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(server.url + path, content=body, headers={**JSON, **(headers or {})}, timeout=30)


def _request_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert body["code"] == code and isinstance(body["message"], str) and body["message"], body
    return str(body["message"])


# -- request errors ------------------------------------------------------------------------------------------------

ECHO = '{"path": "messages:echo", "args": %s, "format": "json"}'


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "code", "needle"),
    [
        ("/api/query", ECHO % '{"value": 1}', {"content-type": "text/plain"}, 400, "BadJsonBody", "Content-Type"),
        ("/api/query", "{not json", None, 400, "BadJsonBody", "JSON"),
        ("/api/query", "", None, 400, "BadJsonBody", "JSON"),
        ("/api/query", "[1, 2]", None, 400, "BadJsonBody", "object"),
        ("/api/query", '{"args": {}}', None, 400, "BadJsonBody", "path"),
        ("/api/query", '{"path": "messages:echo", "args": {"value": 1}, "format": "xml"}', None, 400, "BadFormat",
         "xml"),
        ("/api/query", '{"path": "messages:echo", "args": {"value": 1}, "format": 7}', None, 400, "BadFormat",
         "format"),
        ("/api/query", ECHO % '{"value": 1}', {"convex-client": "garbage"}, 400, "InvalidClientVersion", "garbage"),
        ("/api/query", ECHO % '[{"value": 1}, {"value": 2}]', None, 400, "InvalidArgs", "2 elements"),
        ("/api/query", ECHO % "[]", None, 400, "InvalidArgs", "0 elements"),
        ("/api/query", ECHO % '"text"', None, 400, "InvalidArgs", "object"),
        ("/api/query", ECHO % '{"$value": 1}', None, 400, "InvalidArgs", "$value"),
        ("/api/query", ECHO % '{"value": {"ok": {"$nested": 1}}}', None, 400, "InvalidArgs", "$nested"),
        ("/api/query", ECHO % '{"value": {"$integer": "AAA"}}', None, 400, "InvalidArgs", "$integer"),
        ("/api/query", ECHO % '{"value": {"$float": "AAAAAAAA8D8="}}', None, 400, "InvalidArgs",
         "should be encoded as a number"),
        ("/api/query_at_ts", '{"path": "messages:echo", "args": {"value": 1}, "ts": "nope"}', None, 400,
         "BadRequest", "ts"),
        ("/api/query_batch", '{"queries": 5}', None, 400, "BadJsonBody", "queries"),
        ("/api/run/echo", '{"args": {}}', None, 400, "BadRequest", "/api/run/"),
        ("/api/query", ECHO % '{"value": 1}', {"authorization": "Basic abc"}, 401, "InvalidAuthHeader", "bearer"),
        ("/api/query", ECHO % '{"value": 1}', {"authorization": "Convex albertplus|wrong"}, 401, "Unauthenticated",
         "admin key is invalid"),
        ("/api/query", ECHO % '{"value": 1}', {"authorization": "Bearer not-a-jwt"}, 401, "Unauthenticated",
         "malformed token"),
        ("/api/function", '{"path": "messages:secret", "args": {}}', None, 401, "Unauthenticated", "admin key"),
    ],
    ids=["no-content-type", "bad-json", "empty-body", "not-an-object", "no-path", "unknown-format",
         "format-not-a-string", "bad-client-header", "args-array-of-2", "args-array-of-0", "args-not-an-object",
         "dollar-key", "nested-dollar-key", "bad-integer", "normal-float-as-$float", "bad-ts", "batch-not-a-list",
         "run-path-without-module", "other-auth-scheme", "wrong-admin-key", "malformed-bearer",
         "function-without-admin"],
)
def test_request_errors_are_4xx_with_code_and_message(
    server: DevServer, path: str, body: str, headers: dict[str, str] | None, status: int, code: str, needle: str
) -> None:
    message = _request_error(_post(server, path, body, headers), status, code)
    assert needle.lower() in message.lower(), message


def test_client_headers_with_dashes_in_the_name_are_accepted(server: DevServer) -> None:
    clients = ("npm-1.48.0", "python-0.8.1", "npm-cli-1.4.1", "custom-swift-0.0.10-alpha.0", "albertplus-cli-0.1.0")
    for client in clients:
        response = _post(server, "/api/query", ECHO % '{"value": 1}', {"convex-client": client})
        assert response.status_code == 200 and response.json()["value"] == 1, (client, response.text)


def test_an_oversized_body_is_413_not_a_crash(server: DevServer) -> None:
    big = '{"path": "messages:echo", "args": {"value": "' + "x" * (17 << 20) + '"}}'
    _request_error(_post(server, "/api/query", big), 413, "PayloadTooLarge")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while streaming too
        yield b'{"path": "messages:echo", "args": {"value": "'
        for _ in range(17):
            yield b"y" * (1 << 20)
        yield b'"}}'

    response = httpx.post(server.url + "/api/mutation", content=chunks(), headers=JSON, timeout=30)
    _request_error(response, 413, "PayloadTooLarge")
    assert value_of(server, "query", "messages:echo", {"value": "still serving"}) == "still serving"


def test_function_calls_answer_with_the_same_headers_as_every_other_route(server: DevServer) -> None:
    """The function-call endpoints are answered outside Starlette (for speed); a browser must not see a difference:
    the same CORS and Vary headers as a Starlette route, JSON content type, and 405 for another method."""
    origin = {"origin": "http://localhost:3000"}
    posted = _post(server, "/api/query", ECHO % '{"value": 7}', origin)
    fetched = httpx.get(server.url + "/api/query", params={"path": "messages:echo", "args": '{"value": 7}'},
                        headers=origin, timeout=30)
    assert posted.status_code == fetched.status_code == 200 and posted.json() == fetched.json(), posted.text
    for name in ("access-control-allow-origin", "access-control-expose-headers", "vary", "content-type"):
        assert posted.headers.get(name) == fetched.headers.get(name), (name, posted.headers, fetched.headers)
    assert posted.headers["access-control-allow-origin"] == "*" and "Origin" in posted.headers["vary"]
    assert int(posted.headers["content-length"]) == len(posted.content)
    refused = _post(server, "/api/mutation", "{}", origin)  # a request error carries CORS too, so a page can read it
    assert refused.headers.get("access-control-allow-origin") == "*"
    _request_error(refused, 400, "BadJsonBody")
    without_origin = _post(server, "/api/query", ECHO % '{"value": 7}')
    assert "access-control-allow-origin" not in without_origin.headers
    for path in ("/api/query", "/api/mutation", "/api/action", "/api/function"):
        _request_error(httpx.put(server.url + path, content=b"{}", headers=JSON, timeout=30), 405,
                       "MethodNotAllowed")


def test_no_500_for_odd_but_well_formed_requests(server: DevServer) -> None:
    odd = [
        ("/api/query", '{"path": "::::", "args": {}}'),
        ("/api/query", '{"path": "a/../b:c", "args": {}}'),
        ("/api/query", '{"path": "messages:echo", "args": {"value": 1e308}}'),
        ("/api/query", '{"path": "messages:echo", "args": {"value": 18446744073709551616}}'),
        ("/api/query", '{"path": "messages:echo", "args": {"value": "\\u0000\\ud83d\\ude00"}}'),
        ("/api/query", '{"path": "messages:echo", "args": {"value": ' + "[" * 200 + "]" * 200 + "}}"),
        ("/api/mutation", '{"path": "messages:like", "args": {"id": "not-an-id"}}'),
        ("/api/action", '{"path": "messages:countViaAction", "args": {}}'),
        ("/api/query_at_ts", '{"path": "messages:echo", "args": {"value": 1}, "ts": "' + ts_encode(2**62) + '"}'),
        ("/api/query_batch", '{"queries": [{"path": 5}]}'),
        ("/api/run/messages/echo", "{}"),
        ("/api/run/messages/echo", '{"args": {"value": 1}, "format": "bogus"}'),
    ]
    for path, body in odd:
        response = _post(server, path, body)
        assert response.status_code in (200, 400, 401, 404, 413), (path, body[:60], response.status_code)
        if response.status_code != 200:
            assert set(response.json()) == {"code", "message"}, response.text
        else:
            assert response.json()["status"] in ("success", "error"), response.text


# -- function results and errors -----------------------------------------------------------------------------------


def test_function_errors_are_200_with_convex_texts(server: DevServer) -> None:
    missing = call(server, "query", "messages:nope")
    assert missing["status"] == "error" and missing["errorMessage"].startswith("[Request ID: ")
    assert "Could not find public function for 'messages:nope'" in missing["errorMessage"]
    wrong_kind = call(server, "query", "messages:send", {"author": "a", "body": "b"})
    assert "Trying to execute messages:send as Query, but it is defined as Mutation." in wrong_kind["errorMessage"]
    thrown = call(server, "query", "messages:boom")
    assert "Server Error\nUncaught ValueError: boom went the query" in thrown["errorMessage"]
    assert "errorData" not in thrown
    invalid = call(server, "mutation", "messages:send", {"author": "a", "body": 5})
    assert "ArgumentValidationError" in invalid["errorMessage"] and "Path: .body" in invalid["errorMessage"]
    convex_error = call(server, "mutation", "messages:send", {"author": "a", "body": ""}, fmt="convex_encoded_json")
    assert convex_error["status"] == "error"
    assert convex_error["errorData"] == {"code": "EMPTY", "message": "a message needs a body"}
    rolled_back = call(server, "mutation", "messages:mutationBoom")
    assert "boom went the mutation" in rolled_back["errorMessage"]
    assert value_of(server, "query", "messages:count", {"author": "boom"}) == 0


def test_log_lines_have_level_prefixes_and_are_omitted_when_empty(server: DevServer) -> None:
    logged = call(server, "query", "messages:logs")
    assert logged == {"status": "success", "value": "logged",
                      "logLines": ["[LOG] printed 1", "[INFO] an info line", "[WARN] a warning",
                                   "[ERROR] an error line"]}
    assert "logLines" not in call(server, "query", "messages:whoami")


def test_an_actions_nested_calls_print_in_the_terminal_not_in_its_log_lines(server: DevServer) -> None:
    body = call(server, "action", "messages:countViaAction", {"author": "nested"})
    assert body == {"status": "success", "value": 0}
    out = server.wait_for_output("Q messages:list")  # the query the action ran, in the dev terminal
    assert "A messages:countViaAction" in out


def test_value_formats(server: DevServer) -> None:
    encoded = {"$integer": base64.b64encode((5).to_bytes(8, "little", signed=True)).decode()}
    value = {"n": encoded, "b": {"$bytes": "AP8="}, "nan": {"$float": base64.b64encode(b"\x00" * 6 + b"\xf8\x7f")
                                                            .decode()}, "x": 1.5}
    body = {"path": "messages:echo", "args": {"value": value}}
    responses = {fmt: httpx.post(server.url + "/api/query", json={**body, "format": fmt}).json()["value"]
                 for fmt in ("convex_encoded_json", "convex_json", "json", "convex_clean_json", "export_json")}
    assert responses["convex_encoded_json"] == responses["convex_json"] == value
    assert responses["json"] == responses["convex_clean_json"] == {"n": "5", "b": "AP8=", "nan": "NaN", "x": 1.5}
    assert responses["export_json"]["n"] == 5 and responses["export_json"]["x"] == 1.5
    # no format: clean json
    assert httpx.post(server.url + "/api/query", json=body).json()["value"]["n"] == "5"
    # /api/run: the default is clean json too, and args come as an object
    run = httpx.post(server.url + "/api/run/messages/echo", json={"args": {"value": value}}).json()
    assert run["status"] == "success" and run["value"]["n"] == "5"
    run = httpx.post(server.url + "/api/run/messages/echo",
                     json={"args": {"value": value}, "format": "convex_encoded_json"}).json()
    assert run["value"] == value
    # GET /api/query with args in the query string
    got = httpx.get(server.url + "/api/query", params={"path": "messages:echo", "args": json.dumps({"value": 3})})
    assert got.json() == {"status": "success", "value": 3, "logLines": ["[LOG] echo called"]}


# -- admin and identities -----------------------------------------------------------------------------------------


def _acting_as(server: DevServer, identity: dict[str, Any]) -> dict[str, str]:
    encoded = base64.b64encode(json.dumps(identity).encode()).decode()
    return {"authorization": f"Convex {server.admin_key}:{encoded}"}


def test_admin_vs_public(server: DevServer) -> None:
    admin = {"authorization": f"Convex {server.admin_key}"}
    public = call(server, "query", "messages:secret")
    assert "Could not find public function for 'messages:secret'" in public["errorMessage"]
    assert call(server, "query", "messages:secret", headers=admin)["value"] == "classified"
    assert call(server, "query", "messages:secret", headers={"authorization": f"convex {server.admin_key}"})[
        "value"] == "classified"  # the scheme is case-insensitive
    by_param = httpx.post(server.url + "/api/query", params={"adminKey": server.admin_key},
                          json={"path": "messages:secret", "args": {}})
    assert by_param.json()["value"] == "classified"
    # /api/function runs any kind, internal ones included, for an admin only
    assert call(server, "function", "messages:secret", headers=admin)["value"] == "classified"
    new_id = call(server, "function", "messages:internalSend", {"author": "admin", "body": "x"}, headers=admin)
    assert isinstance(new_id["value"], str)
    assert call(server, "function", "messages:countViaAction", {"author": "admin"}, headers=admin)["value"] == 1
    user = {"authorization": f"Bearer {server.token('not-admin')}"}
    _request_error(_post(server, "/api/function", '{"path": "messages:secret", "args": {}}', user), 401,
                   "Unauthenticated")
    # /api/run stays public-only, even for an admin
    run = httpx.post(server.url + "/api/run/messages/secret", json={"args": {}}, headers=admin).json()
    assert "Could not find public function" in run["errorMessage"]


def test_acting_as_a_user(server: DevServer) -> None:
    identity = call(server, "query", "messages:identity",
                    headers=_acting_as(server, {"subject": "acted", "is_admin": True, "email": "a@nyu.edu"}))["value"]
    assert identity["subject"] == "acted" and identity["is_admin"] is True and identity["email"] == "a@nyu.edu"
    assert identity["tokenIdentifier"] == f"{identity['issuer']}|acted"
    explicit = call(server, "query", "messages:identity", headers=_acting_as(
        server, {"subject": "s", "issuer": "https://issuer.example", "tokenIdentifier": "custom|id"}))["value"]
    assert explicit["issuer"] == "https://issuer.example" and explicit["tokenIdentifier"] == "custom|id"
    # still an admin: internal functions run
    assert call(server, "query", "messages:secret", headers=_acting_as(server, {"subject": "x"}))["value"] == \
        "classified"
    bad = _post(server, "/api/query", ECHO % '{"value": 1}',
                {"authorization": f"Convex {server.admin_key}:%%%not-base64"})
    _request_error(bad, 401, "InvalidAuthHeader")
    no_subject = _acting_as(server, {"issuer": "x"})
    assert "subject" in _request_error(_post(server, "/api/query", ECHO % '{"value": 1}', no_subject), 401,
                                       "Unauthenticated")


# -- timestamps, batches, meta routes -----------------------------------------------------------------------------


def test_query_ts_and_query_at_ts(server: DevServer) -> None:
    value_of(server, "mutation", "messages:send", {"author": "ts", "body": "one"})
    first = httpx.post(server.url + "/api/query_ts")
    assert first.status_code == 200 and set(first.json()) == {"ts"}
    ts = ts_decode(first.json()["ts"])
    assert ts > 1_600_000_000 * 10**9  # nanoseconds since the epoch
    at = httpx.post(server.url + "/api/query_at_ts", json={
        "path": "messages:count", "args": {"author": "ts"}, "ts": first.json()["ts"], "format": "json"})
    assert at.json() == {"status": "success", "value": 1}
    value_of(server, "mutation", "messages:send", {"author": "ts", "body": "two"})
    later = ts_decode(httpx.post(server.url + "/api/query_ts").json()["ts"])
    assert later > ts
    # at the old ts: a query whose data did not change since is answered; one whose data changed is never
    # answered with the newer data (this backend keeps no old versions, so it refuses)
    unrelated = httpx.post(server.url + "/api/query_at_ts", json={
        "path": "messages:count", "args": {"author": "nobody"}, "ts": first.json()["ts"]})
    assert unrelated.json() == {"status": "success", "value": 0}
    changed = httpx.post(server.url + "/api/query_at_ts", json={
        "path": "messages:count", "args": {"author": "ts"}, "ts": first.json()["ts"]})
    _request_error(changed, 400, "TimestampTooOld")
    future = httpx.post(server.url + "/api/query_at_ts", json={
        "path": "messages:count", "args": {"author": "ts"}, "ts": ts_encode(later + 10**12)})
    assert "future" in _request_error(future, 400, "BadRequest")


def test_query_batch_runs_every_query_and_keeps_order(server: DevServer) -> None:
    value_of(server, "mutation", "messages:send", {"author": "batch", "body": "b"})
    response = httpx.post(server.url + "/api/query_batch", json={"queries": [
        {"path": "messages:count", "args": {"author": "batch"}},
        {"path": "messages:boom", "args": {}},
        {"path": "messages:echo", "args": {"value": {"$integer": "BQAAAAAAAAA="}}, "format": "convex_encoded_json"},
        {"path": "messages:secret", "args": {}},
    ]})
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["success", "error", "success", "error"]
    assert results[0]["value"] == 1 and results[2]["value"] == {"$integer": "BQAAAAAAAAA="}
    assert "Could not find public function" in results[3]["errorMessage"]


def test_meta_routes(server: DevServer) -> None:
    version = httpx.get(server.url + "/version")
    assert version.status_code == 200 and version.text.startswith("albertplus-")
    assert httpx.get(server.url + "/instance_version").text == version.text
    name = httpx.get(server.url + "/instance_name")
    assert name.status_code == 200 and name.text.strip()
    assert "running" in httpx.get(server.url + "/").text
