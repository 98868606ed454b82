"""The executor: argument and return validation, Convex's error texts, ConvexError data, log lines, time limits,
internal functions, and actions calling queries and mutations — on an Engine over a real project folder."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from project_factory import MESSAGES_SCHEMA, open_engine

from albertplus_cli.auth import ADMIN, ANONYMOUS, Identity
from albertplus_cli.engine import Engine
from albertplus_cli.functions import deadline as deadline_module
from albertplus_cli.functions import executor as executor_module
from albertplus_cli.functions.outcome import Outcome
from albertplus_cli.values import Int64

pytestmark = pytest.mark.usefixtures("storage_backend")  # every test on SQLite and on PostgreSQL

MESSAGES = '''
import logging
import sys
import time

from albertplus_cli.server import (
    ConvexError, action, internal_action, internal_mutation, internal_query, mutation, query,
)
from albertplus_cli.values import v


@query(args={"author": v.optional(v.string())})
def list(ctx, args):
    q = ctx.db.query("messages")
    if "author" in args:
        q = q.with_index("by_author", lambda r: r.eq("author", args["author"]))
    return q.collect()


@mutation(args={"author": v.string(), "body": v.string()}, returns=v.id("messages"))
def send(ctx, args):
    if not args["body"]:
        raise ConvexError({"code": "EMPTY", "message": "empty body"})
    return ctx.db.insert("messages", args)


@mutation(args={"count": v.number()})
def send_then_fail(ctx, args):
    for i in range(int(args["count"])):
        ctx.db.insert("messages", {"author": "half", "body": str(i)})
    raise ValueError("failed half way")


@query(args={})
def noisy(ctx, args):
    print("hello", 1)
    print("two\\nlines")
    logging.info("info %s", "x")
    logging.warning("careful")
    logging.error("bad")
    logging.getLogger("user.module").info("named logger")
    print("to stderr", file=sys.stderr)
    return "done"


@query(args={})
def spin(ctx, args):
    while True:
        pass


@mutation(args={})
def spin_mutation(ctx, args):
    ctx.db.insert("messages", {"author": "spin", "body": "never committed"})
    while True:
        pass


@mutation(args={"seconds": v.number(), "body": v.string()})
def slow_send(ctx, args):
    end = time.monotonic() + args["seconds"]
    while time.monotonic() < end:
        pass
    return ctx.db.insert("messages", {"author": "slow", "body": args["body"]})


@internal_query(args={})
def secret(ctx, args):
    return "s3cret"


@internal_mutation(args={"body": v.string()})
def add_internal(ctx, args):
    return ctx.db.insert("messages", {"author": "internal", "body": args["body"]})


@internal_action(args={})
def inner_action(ctx, args):
    return "inner"


@action(args={"body": v.string()})
def relay(ctx, args):
    new_id = ctx.run_mutation("messages:add_internal", {"body": args["body"]})
    docs = ctx.run_query("messages:list", {"author": "internal"})
    print("relayed", len(docs))
    return {"id": new_id, "count": len(docs), "secret": ctx.run_query("messages:secret"),
            "inner": ctx.run_action("messages:inner_action")}


@action(args={})
def relay_error(ctx, args):
    ctx.run_mutation("messages:send", {"author": "a", "body": ""})


@action(args={})
def catch_inner_error(ctx, args):
    try:
        ctx.run_query("messages:raises_plain")
    except KeyError as e:
        return f"caught KeyError {e}"


@action(args={})
def relay_plain_error(ctx, args):
    ctx.run_mutation("messages:send_then_fail", {"count": 1})


@query(args={}, returns=v.string())
def wrong_return(ctx, args):
    return 5


@query
def no_validator(ctx, args):
    return args


@query(args={"x": v.int64(), "b": v.bytes()})
def echo(ctx, args):
    return [args["x"], args["b"]]


@query(args={})
def who(ctx, args):
    return ctx.auth.get_user_identity()


@query(args={})
def write_in_query(ctx, args):
    return ctx.db.insert("messages", {"author": "a", "body": "b"})


@query(args={})
def raises_plain(ctx, args):
    raise KeyError("missing")


@query(args={})
def nested_query(ctx, args):
    return len(ctx.run_query("messages:list", {}))


@mutation(args={"body": v.string()})
def nested_mutation(ctx, args):
    first = ctx.run_mutation("messages:add_internal", {"body": args["body"]})
    second = ctx.run_mutation("messages:add_internal", {"body": args["body"] + "!"})
    return [first, second]


default = query(lambda ctx, args: "the default")
'''

TOOLS = '''
from albertplus_cli.server import query
from albertplus_cli.values import v


@query(args={"n": v.number()})
def double(ctx, args):
    return args["n"] * 2
'''


@pytest.fixture
def engine(tmp_path: Path, storage_backend: str) -> Iterator[Engine]:
    """A fresh engine per test: its own SQLite file, or its own PostgreSQL database (dropped after the test)."""
    with open_engine(tmp_path / "project", MESSAGES_SCHEMA, {"messages.py": MESSAGES, "admin/tools.py": TOOLS}) as eng:
        yield eng


def test_the_engine_stores_on_the_backend_under_test(engine: Engine, storage_backend: str) -> None:
    """open_engine on PostgreSQL opens the PostgreSQL database, not a SQLite file named after its URL."""
    assert type(engine.db.store).__name__ == {"sqlite": "SqliteStorage", "postgres": "PostgresStorage"}[storage_backend]


def query(engine: Engine, path: str, args: Any = None, identity: Identity = ANONYMOUS, **kw: Any) -> Outcome:
    return engine.executor.run_query(path, {} if args is None else args, identity, **kw)


def mutation(engine: Engine, path: str, args: Any = None, identity: Identity = ANONYMOUS, **kw: Any) -> Outcome:
    return engine.executor.run_mutation(path, {} if args is None else args, identity, **kw)


def action(engine: Engine, path: str, args: Any = None, identity: Identity = ANONYMOUS, **kw: Any) -> Outcome:
    return engine.executor.run_action(path, {} if args is None else args, identity, **kw)


def error_text(outcome: Outcome) -> str:
    """The message after Convex's `[Request ID: ...] Server Error` line."""
    assert not outcome.ok and outcome.error_message is not None
    first, _, rest = outcome.error_message.partition("\n")
    assert first.startswith("[Request ID: ") and first.endswith("] Server Error")
    return rest


def count(engine: Engine, author: str) -> int:
    outcome = query(engine, "messages:list", {"author": author})
    assert outcome.ok
    return len(outcome.value)


# -- success paths --------------------------------------------------------------------------------------


def test_mutation_then_query(engine: Engine) -> None:
    sent = mutation(engine, "messages:send", {"author": "ada", "body": "hi"})
    assert sent.ok and sent.kind == "mutation" and sent.ts > 0 and sent.written == 1
    listed = query(engine, "messages:list", {"author": "ada"})
    assert listed.ok and [doc["_id"] for doc in listed.value] == [sent.value]
    assert listed.ts >= sent.ts
    assert listed.read_set is not None


def test_path_forms(engine: Engine) -> None:
    assert query(engine, "messages.js:list", {"author": "nobody"}).value == []
    assert query(engine, "messages").value == "the default"
    assert query(engine, "admin/tools:double", {"n": 21}).value == 42
    run = engine.executor.run_any("admin/tools.js:double", {"n": 1}, ADMIN)
    assert run.ok and run.value == 2


def test_values_round_trip_through_arguments(engine: Engine) -> None:
    outcome = query(engine, "messages:echo", {"x": Int64(2**63 - 1), "b": b"\x00\xff"})
    assert outcome.ok and outcome.value == [Int64(2**63 - 1), b"\x00\xff"]


def test_no_args_validator_accepts_anything(engine: Engine) -> None:
    assert query(engine, "messages:no_validator", {"anything": [1, 2]}).value == {"anything": [1, 2]}
    assert query(engine, "messages:no_validator", None).value == {}


def test_identity(engine: Engine) -> None:
    assert query(engine, "messages:who").value is None
    user = Identity("user", {"subject": "user_1", "issuer": "https://x", "tokenIdentifier": "https://x|user_1",
                             "email": "a@b.c"})
    assert query(engine, "messages:who", identity=user).value == user.user


# -- errors ------------------------------------------------------------------------------------------


def test_function_not_found(engine: Engine) -> None:
    assert error_text(query(engine, "x:y")).startswith("Could not find public function for 'x:y'.")
    assert error_text(query(engine, "messages.js:nope")).startswith(
        "Could not find public function for 'messages:nope'.")
    assert "Invalid function path" in error_text(query(engine, "../etc:passwd"))


def test_wrong_kind(engine: Engine) -> None:
    text = error_text(query(engine, "messages:send", {"author": "a", "body": "b"}))
    assert text == "Trying to execute messages:send as Query, but it is defined as Mutation."
    text = error_text(mutation(engine, "messages:list"))
    assert text == "Trying to execute messages:list as Mutation, but it is defined as Query."
    text = error_text(action(engine, "messages:list"))
    assert text == "Trying to execute messages:list as Action, but it is defined as Query."


def test_internal_functions_are_not_public(engine: Engine) -> None:
    assert error_text(query(engine, "messages:secret")).startswith(
        "Could not find public function for 'messages:secret'.")
    assert error_text(mutation(engine, "messages:add_internal", {"body": "x"})).startswith(
        "Could not find public function for 'messages:add_internal'.")
    assert error_text(action(engine, "messages:inner_action")).startswith("Could not find public function")
    assert query(engine, "messages:secret", public_only=False).value == "s3cret"
    assert engine.executor.run_any("messages:secret", {}, ADMIN).value == "s3cret"


def test_argument_validation(engine: Engine) -> None:
    text = error_text(mutation(engine, "messages:send", {"author": "a"}))
    assert text.startswith("ArgumentValidationError: Object is missing the required field `body`.")
    text = error_text(mutation(engine, "messages:send", {"author": "a", "body": 5}))
    assert text.startswith("ArgumentValidationError: Value does not match validator.\nPath: .body\nValue: 5\n"
                           "Validator: v.string()")
    text = error_text(mutation(engine, "messages:send", {"author": "a", "body": "b", "extra": 1}))
    assert "extra field `extra`" in text
    text = error_text(query(engine, "messages:echo", {"x": 1, "b": b""}))
    assert "Path: .x" in text and "Validator: v.int64()" in text
    text = error_text(query(engine, "messages:list", ["positional"]))
    assert text.startswith("ArgumentValidationError")
    assert count(engine, "a") == 0


def test_returns_validation(engine: Engine) -> None:
    text = error_text(query(engine, "messages:wrong_return"))
    assert text.startswith("ReturnsValidationError: Value does not match validator.")
    assert "Value: 5" in text and "Validator: v.string()" in text


def test_convex_error_data(engine: Engine) -> None:
    outcome = mutation(engine, "messages:send", {"author": "a", "body": ""})
    assert outcome.has_error_data
    assert outcome.error_data == {"code": "EMPTY", "message": "empty body"}
    assert error_text(outcome).startswith('Uncaught ConvexError: {"code":"EMPTY","message":"empty body"}')


def test_plain_exceptions_show_type_and_frame(engine: Engine) -> None:
    outcome = query(engine, "messages:raises_plain")
    text = error_text(outcome)
    assert text.startswith("Uncaught KeyError: 'missing'")
    assert "at raises_plain (functions/messages.py:" in text
    assert not outcome.has_error_data


def test_queries_cannot_write(engine: Engine) -> None:
    # A query's ctx.db is a reader: it has no insert at all (in Convex, `ctx.db.insert is not a function`).
    text = error_text(query(engine, "messages:write_in_query"))
    assert text.startswith("Uncaught AttributeError: 'DatabaseReader' object has no attribute 'insert'")


def test_failed_mutation_writes_nothing(engine: Engine) -> None:
    outcome = mutation(engine, "messages:send_then_fail", {"count": 25})
    assert error_text(outcome).startswith("Uncaught ValueError: failed half way")
    assert count(engine, "half") == 0


# -- logs --------------------------------------------------------------------------------------------


def test_print_and_logging_become_log_lines(engine: Engine) -> None:
    outcome = query(engine, "messages:noisy")
    assert outcome.ok and outcome.value == "done"
    assert outcome.log_lines == [
        "[LOG] hello 1",
        "[LOG] two",
        "[LOG] lines",
        "[INFO] info x",
        "[WARN] careful",
        "[ERROR] bad",
        "[INFO] named logger",
        "[ERROR] to stderr",
    ]


def test_log_lines_of_failed_and_concurrent_calls_stay_separate(engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda _: query(engine, "messages:noisy"), range(8)))
    assert all(len(o.log_lines) == 8 for o in outcomes)
    relayed = action(engine, "messages:relay", {"body": "logged"})
    assert relayed.ok and any(line.startswith("[LOG] relayed") for line in relayed.log_lines)


# -- time limits ---------------------------------------------------------------------------------------


def test_a_query_that_never_returns_times_out(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor_module, "QUERY_TIMEOUT", 0.3)
    started = time.monotonic()
    outcome = query(engine, "messages:spin")
    assert time.monotonic() - started < 3
    assert error_text(outcome) == "Uncaught Error: Query messages:spin timed out: it ran longer than 0.3 s"
    # The thread that ran it is fine and runs the next call.
    assert query(engine, "messages:list", {"author": "nobody"}).ok
    # Also from another thread, like a server's worker.
    result: list[Outcome] = []
    worker = threading.Thread(target=lambda: result.extend([query(engine, "messages:spin"),
                                                            query(engine, "messages:list", {})]))
    worker.start()
    worker.join(10)
    assert not worker.is_alive()
    assert "timed out" in error_text(result[0]) and result[1].ok


def test_a_mutation_that_never_returns_times_out_and_writes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executor_module, "MUTATION_TIMEOUT", 0.3)
    outcome = mutation(engine, "messages:spin_mutation")
    assert error_text(outcome) == "Uncaught Error: Mutation messages:spin_mutation timed out: it ran longer than 0.3 s"
    assert count(engine, "spin") == 0
    # The writer thread survived.
    assert mutation(engine, "messages:send", {"author": "after", "body": "spin"}).ok


def test_each_mutation_in_a_batch_has_its_own_time_limit(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutations queued together run one after another; none may be charged for the time of the others."""
    monkeypatch.setattr(executor_module, "MUTATION_TIMEOUT", 0.6)
    futures = [engine.executor.submit_mutation("messages:slow_send", {"seconds": 0.25, "body": str(i)}, ANONYMOUS)
               for i in range(5)]
    outcomes = [f.result(timeout=30) for f in futures]
    assert [o.error_message for o in outcomes] == [None] * 5
    time.sleep(0.8)  # past every deadline: the writer thread must not receive a stray timeout
    assert mutation(engine, "messages:send", {"author": "after", "body": "batch"}).ok
    assert count(engine, "slow") >= 5


def test_finished_calls_leave_no_time_limit_behind(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A finished call's deadline is dropped at once, not kept until it would have expired: 2,000 calls under
    a 60 s limit once left 2,000 objects for every full garbage collection to walk (100 ms pauses under load).
    A spinning query still times out afterwards."""
    monkeypatch.setattr(executor_module, "MUTATION_TIMEOUT", 60.0)
    monkeypatch.setattr(executor_module, "QUERY_TIMEOUT", 60.0)

    def live_deadlines() -> int:
        gc.collect()
        return sum(isinstance(o, deadline_module.Deadline) for o in gc.get_objects())

    before = live_deadlines()
    for i in range(1000):
        assert mutation(engine, "messages:send", {"author": "deadline", "body": str(i)}).ok
        assert query(engine, "messages:list", {"author": f"nobody-{i}"}).ok  # a miss: runs, with a deadline
    assert live_deadlines() <= before + 4  # the last calls' objects may still be referenced; not 2,000
    monkeypatch.setattr(executor_module, "QUERY_TIMEOUT", 0.3)
    assert "timed out" in error_text(query(engine, "messages:spin"))


# -- actions and nested calls -------------------------------------------------------------------------------


def test_action_runs_queries_and_mutations(engine: Engine) -> None:
    before = count(engine, "internal")
    outcome = action(engine, "messages:relay", {"body": "via action"})
    assert outcome.ok, outcome.error_message
    assert outcome.value["count"] == before + 1
    assert outcome.value["secret"] == "s3cret" and outcome.value["inner"] == "inner"
    assert outcome.value["id"].startswith("j5")


def test_action_sees_convex_errors_of_its_calls(engine: Engine) -> None:
    outcome = action(engine, "messages:relay_error")
    assert outcome.error_data == {"code": "EMPTY", "message": "empty body"}


def test_an_action_gets_the_error_its_call_raised(engine: Engine) -> None:
    assert action(engine, "messages:catch_inner_error").value == "caught KeyError 'missing'"
    text = error_text(action(engine, "messages:relay_plain_error"))
    assert text.startswith("Uncaught ValueError: failed half way\n") and "RuntimeError" not in text
    assert "at send_then_fail (functions/messages.py:" in text
    assert "at relay_plain_error (functions/messages.py:" in text


def test_a_failing_listener_is_logged_and_the_call_still_answers(engine: Engine,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    def broken(_outcome: Outcome) -> None:
        raise RuntimeError("listener broke")

    engine.executor.listeners.append(broken)
    try:
        with caplog.at_level(logging.ERROR, logger="albertplus.executor"):
            assert query(engine, "messages:list").ok
    finally:
        engine.executor.listeners.remove(broken)
    logged = [r for r in caplog.records if "execution listener" in r.getMessage()]
    assert logged and logged[0].exc_info is not None and "listener broke" in str(logged[0].exc_info[1])


def test_nested_calls_share_the_transaction(engine: Engine) -> None:
    total = count(engine, "internal")
    assert query(engine, "messages:nested_query").value >= total
    outcome = mutation(engine, "messages:nested_mutation", {"body": "n"})
    assert outcome.ok and len(outcome.value) == 2
    assert count(engine, "internal") == total + 2


def test_listeners_see_every_outcome(engine: Engine) -> None:
    seen: list[Outcome] = []
    engine.executor.listeners.append(seen.append)
    try:
        query(engine, "messages:list", {})
        mutation(engine, "messages:send", {"author": "l", "body": "x"})
        query(engine, "x:y")
    finally:
        engine.executor.listeners.remove(seen.append)
    assert [(o.path, o.kind, o.ok) for o in seen] == [
        ("messages:list", "query", True), ("messages:send", "mutation", True), ("x:y", "query", False),
    ]


# -- several calls in one transaction (commands such as import-audit) ---------------------------------------


def test_run_in_transaction_commits_every_call_at_once(engine: Engine) -> None:
    before_ts, before = engine.db.read_latest_ts(), count(engine, "tx")

    def body(call: Any) -> int:
        call("mutation", "messages:send", {"author": "tx", "body": "one"})
        call("mutation", "messages:send", {"author": "tx", "body": "two"})
        call("query", "messages:noisy", {})
        return len(call("query", "messages:list", {"author": "tx"}))  # sees the writes above

    value, logs = engine.executor.run_in_transaction(body, ADMIN)
    assert value == before + 2 and count(engine, "tx") == before + 2
    assert len(engine.db.commits_after(before_ts)) == 1
    assert "[LOG] hello 1" in logs


def test_run_in_transaction_with_rollback_answers_and_writes_nothing(engine: Engine) -> None:
    before_ts, before = engine.db.read_latest_ts(), count(engine, "dry")

    def body(call: Any) -> int:
        call("mutation", "messages:send", {"author": "dry", "body": "rehearsed"})
        return len(call("query", "messages:list", {"author": "dry"}))

    value, _logs = engine.executor.run_in_transaction(body, ADMIN, rollback=True)
    assert value == before + 1
    assert count(engine, "dry") == before and engine.db.read_latest_ts() == before_ts


def test_run_in_transaction_writes_nothing_when_a_later_call_fails(engine: Engine) -> None:
    before = count(engine, "undone")

    def body(call: Any) -> None:
        call("mutation", "messages:send", {"author": "undone", "body": "first"})
        call("mutation", "messages:send", {"author": "undone", "body": ""})  # raises ConvexError EMPTY

    with pytest.raises(executor_module.ConvexError) as raised:
        engine.executor.run_in_transaction(body, ADMIN)
    assert raised.value.data == {"code": "EMPTY", "message": "empty body"}
    assert count(engine, "undone") == before


def test_run_in_transaction_has_the_mutation_time_limit(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor_module, "MUTATION_TIMEOUT", 0.3)
    for rollback in (False, True):
        with pytest.raises(executor_module.FunctionTimeout):
            engine.executor.run_in_transaction(lambda call: call("mutation", "messages:spin_mutation", {}), ADMIN,
                                               rollback=rollback)
    assert count(engine, "spin") == 0
    time.sleep(0.5)  # past the deadline: the writer thread must not receive a stray timeout
    assert mutation(engine, "messages:send", {"author": "after", "body": "transaction"}).ok
