"""The official HTTP clients against a real `albertplus dev`: the PyPI `convex.http_client.ConvexHttpClient` and
the npm `ConvexHttpClient` (tests/js/http_client.mjs): int64/bytes/special floats, ConvexError data, validation
errors naming the field, admin vs public, `/api/function`, acting as a user, `consistentQuery`, log lines."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from convex import ConvexError, ConvexInt64
from convex.http_client import ConvexExecutionError, ConvexHttpClient
from js_runner import run_node
from protocol_support import protocol_project
from server_process import DevServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(protocol_project(tmp_path_factory.mktemp("httpclients"))) as running:
        yield running


# -- PyPI ConvexHttpClient ------------------------------------------------------------------------------------------


def test_pypi_http_client_values_round_trip(server: DevServer) -> None:
    client = ConvexHttpClient(server.url)
    value = {"i": ConvexInt64(2**53 + 1), "neg": ConvexInt64(-(2**63)), "b": b"\x00\x01\xfe\xff",
             "nan": math.nan, "inf": math.inf, "ninf": -math.inf, "negzero": -0.0, "f": 0.1,
             "nested": {"list": [ConvexInt64(1), None, False, "é"]}}
    back = client.query("messages:echo", {"value": value})
    assert back["i"] == ConvexInt64(2**53 + 1) and back["neg"] == ConvexInt64(-(2**63))
    assert back["b"] == b"\x00\x01\xfe\xff" and back["f"] == 0.1
    assert math.isnan(back["nan"]) and back["inf"] == math.inf and back["ninf"] == -math.inf
    assert math.copysign(1, back["negzero"]) == -1
    assert back["nested"] == {"list": [ConvexInt64(1), None, False, "é"]}
    assert client.query("messages:typed", {"n": ConvexInt64(3), "b": b"x", "f": 1}) == {
        "n": ConvexInt64(3), "b": b"x", "f": 1.0}
    doc_id = client.mutation("messages:send", {"author": "py-http", "body": "hi"})
    assert [d["_id"] for d in client.query("messages:list", {"author": "py-http"})] == [doc_id]
    assert client.action("messages:countViaAction", {"author": "py-http"}) == 1.0


def test_pypi_http_client_errors(server: DevServer) -> None:
    client = ConvexHttpClient(server.url)
    with pytest.raises(ConvexError) as dict_error:
        client.mutation("messages:send", {"author": "py-http", "body": ""})
    assert dict_error.value.data == {"code": "EMPTY", "message": "a message needs a body"}
    with pytest.raises(ConvexError) as str_error:
        client.mutation("messages:fail", {"data": "plain words"})
    assert str(str_error.value) == "plain words" and str_error.value.data == "plain words"
    with pytest.raises(ConvexError) as int_error:
        client.mutation("messages:fail", {"data": {"n": ConvexInt64(-5), "b": b"\x01"}})
    # errorData comes in the request's format (convex_encoded_json); this legacy client hands it over undecoded
    assert int_error.value.data == {"n": {"$integer": "+/////////8="}, "b": {"$bytes": "AQ=="}}
    with pytest.raises(ConvexExecutionError) as invalid:
        client.mutation("messages:send", {"author": "py-http", "body": 5})
    assert "ArgumentValidationError" in str(invalid.value) and "Path: .body" in str(invalid.value)
    with pytest.raises(ConvexExecutionError) as int64_field:
        client.query("messages:typed", {"n": 3, "b": b"x", "f": 1})
    assert "Path: .n" in str(int64_field.value) and "v.int64()" in str(int64_field.value)
    with pytest.raises(ConvexExecutionError) as thrown:
        client.query("messages:boom")
    assert "Uncaught ValueError: boom went the query" in str(thrown.value)


def test_pypi_http_client_admin_vs_public(server: DevServer) -> None:
    public = ConvexHttpClient(server.url)
    with pytest.raises(ConvexExecutionError, match="Could not find public function for 'messages:secret'"):
        public.query("messages:secret")
    admin = ConvexHttpClient(server.url)
    admin.set_admin_auth(server.admin_key)
    assert admin.query("messages:secret") == "classified"
    assert isinstance(admin.mutation("messages:internalSend", {"author": "py-admin", "body": "x"}), str)
    wrong = ConvexHttpClient(server.url)
    wrong.set_admin_auth("albertplus|" + "f" * 64)
    with pytest.raises(Exception, match="^401 Unauthenticated: The provided admin key is invalid$"):
        wrong.query("messages:whoami")
    user = ConvexHttpClient(server.url)
    user.set_auth(server.token("py-user", {"is_admin": True}))
    assert user.query("messages:whoami") == "py-user"
    assert user.query("messages:identity")["is_admin"] is True
    user.clear_auth()
    assert user.query("messages:whoami") is None


def test_pypi_http_client_prints_log_lines_in_debug(server: DevServer, capsys: pytest.CaptureFixture[str]) -> None:
    client = ConvexHttpClient(server.url)
    client.set_debug(True)
    assert client.query("messages:logs") == "logged"
    out = capsys.readouterr().out.splitlines()
    assert out == ["[LOG] printed 1", "[INFO] an info line", "[WARN] a warning", "[ERROR] an error line"]


# -- npm ConvexHttpClient -------------------------------------------------------------------------------------------


def test_npm_http_client(server: DevServer) -> None:
    result = run_node("http_client.mjs", "checks", server.url, server.admin_key)
    assert result["ok"], result.get("error")
    facts = result["facts"]
    assert "ArgumentValidationError" in facts["int64AsNumber"] and "Path: .n" in facts["int64AsNumber"]
    assert facts["convexErrorObject"]["convexError"] is True
    assert facts["convexErrorObject"]["data"] == {"code": "EMPTY", "message": "a message needs a body"}
    assert "Path: .body" in facts["validation"] and "Value: 5" in facts["validation"]
    assert "Uncaught ValueError: boom went the query" in facts["thrown"]
    assert "Could not find public function for 'messages:nope'" in facts["missing"]
    assert "Could not find public function for 'messages:secret'" in facts["internalAsPublic"]
    assert facts["action"] == 1
    # log lines parse ("[LEVEL] " prefix) and are shown with the function's name
    assert facts["unparsedLogs"] == []
    assert len(facts["logs"]) == 4 and all("[CONVEX Q(messages:logs)]" in line for line in facts["logs"])
    assert [line.split("] ")[1] for line in facts["logs"]] == ["[LOG", "[INFO", "[WARN", "[ERROR"]
    # admin
    assert facts["adminInternal"] == "classified"
    assert isinstance(facts["functionEndpoint"], str)
    assert facts["actingAs"]["subject"] == "acted-js" and facts["actingAs"]["is_admin"] is True
    assert facts["actingAs"]["tokenIdentifier"] == "https://issuer.example|acted-js"
    assert '"code":"Unauthenticated"' in facts["functionWithoutAdmin"]
    assert "The provided admin key is invalid" in facts["badAdminKey"]
    # consistentQuery: one timestamp per client; a write the query did not read leaves it answerable, a write
    # it read is never served as if it happened before the client's timestamp
    assert facts["consistentBefore"] == 0 and facts["consistentAfterUnrelatedWrite"] == 0
    assert facts["consistentAfterRelatedWrite"] != {"value": 1}
    assert "TimestampTooOld" in facts["consistentAfterRelatedWrite"]["error"]
    assert facts["consistentFresh"] == 1
    assert facts["queueInOrder"] is True
