"""Issue 17 items 3 and 11 (client-visible frames), issue 18 item 9: what callers send never drives the
developer's terminal, and errors point at the user's own code only.

- Escape sequences in arguments (`ESC ]0;` retitles the window, `ESC ]52;` writes the clipboard, `ESC [2K` and
  `\\r` erase a line) reach the dev terminal through function log lines, error messages, a failing HTTP
  action and an invalid function path, and the dashboard's Logs tab through the log stream. They must show
  as `\\x1b`-style escapes. So must the control characters and bidi overrides of a stored document's strings in
  the dashboard's Data grid, its document view and its editor.
- A project that holds albertplus itself (a `.venv` inside the project folder, or this repository) used to get
  `albertplus_cli/values/validators.py:284` as the location of a bad validator, and internal frames in the
  error stacks sent to clients.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from dashboard_helpers import wait_for
from hardening_support import hardening_project
from protocol_support import wait_until
from server_process import REPO, DevServer
from textual.widgets import DataTable, Static, TextArea

from albertplus_cli.dashboard import DashboardApp
from albertplus_cli.dashboard.data_view import DataView
from albertplus_cli.dashboard.logs_view import LogsView
from albertplus_cli.dashboard.screens import DocumentScreen, EditDocumentScreen
from albertplus_cli.terminal_text import safe_line, safe_text

ATTACK = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2K\rforged line\x9b31mred\x7f"
RAW_CONTROLS = ("\x1b", "\x07", "\r", "\x9b", "\x7f")
# A stored string with every kind: C0 (ESC sequences, BEL, CR, NUL), DEL, C1 (CSI, NEL) and the bidi override,
# embedding and isolates that make "gnp.exe" read as "exe.png".
STORED_ATTACK = "\x1b]0;pwned\x07\x1b[2K\rforged\x00\x9b31m\x85\x7f\u202egnp.exe\u202c\u2067x\u2069\u202ay"
ANY_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_controls(text: str) -> list[str]:
    return [repr(c) for c in RAW_CONTROLS if c in text]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(hardening_project(tmp_path_factory.mktemp("terminal") / "project")) as running:
        yield running


def post(server: DevServer, kind: str, path: str, args: dict[str, object]) -> dict[str, object]:
    response = httpx.post(f"{server.url}/api/{kind}", json={"path": path, "args": args}, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_escaping_shows_every_control_character_and_nothing_else() -> None:
    assert safe_line(ATTACK) == "\\x1b]0;pwned\\x07\\x1b]52;c;ZXZpbA==\\x07\\x1b[2K\\x0dforged line\\x9b31mred\\x7f"
    assert safe_text("a\n\tb\x1b") == "a\n\tb\\x1b" and safe_line("a\n\tb") == "a\\x0a\\x09b"
    assert safe_line(safe_line(ATTACK)) == safe_line(ATTACK)
    assert safe_line("Zoë — 東京 ok") == "Zoë — 東京 ok"
    assert safe_line("\u202egnp.exe\u202c \u2066x\u2069") == "\\u202egnp.exe\\u202c \\u2066x\\u2069"
    assert safe_text("שלום \u202bעולם") == "שלום \\u202bעולם"


def test_escape_sequences_in_arguments_never_reach_the_dev_terminal(server: DevServer) -> None:
    marker = "attack-1"
    assert post(server, "query", "notes:echoLog", {"text": marker + ATTACK})["status"] == "success"
    assert post(server, "query", "notes:fail", {"text": marker + ATTACK})["status"] == "error"
    assert post(server, "mutation", "notes:failWithData", {"data": marker + ATTACK})["status"] == "error"
    assert post(server, "query", "notes:echoLog\x1b]0;path\x07", {"text": "x"})["status"] == "error"
    crashed = httpx.post(f"{server.site_url}/crash", content=(marker + ATTACK).encode(), timeout=30)
    assert crashed.status_code == 500
    escaped = safe_line(ATTACK)
    output = server.wait_for_output("HTTP action POST /crash failed")
    wait_until(lambda: server.output().count(marker + escaped) >= 4, timeout=10,
               what="the log line, both errors and the HTTP action's error, escaped")
    output = server.output()
    assert "notes:echoLog\\x1b]0;path\\x07" in output
    assert raw_controls(output) == [], output[-3000:]


def test_the_log_stream_and_the_dashboard_logs_tab_show_escapes(server: DevServer) -> None:
    marker = "attack-2"
    post(server, "query", "notes:echoLog", {"text": marker + ATTACK})
    post(server, "query", "notes:fail", {"text": marker + ATTACK})
    entries = httpx.get(f"{server.url}/api/albertplus/logs", headers={"Authorization": f"Convex {server.admin_key}"},
                        timeout=30).json()["entries"]
    ours = [e for e in entries if marker in " ".join(e["logLines"]) + (e["error"] or "")]
    assert len(ours) == 2
    for entry in ours:
        assert raw_controls(" ".join(entry["logLines"]) + (entry["error"] or "") + entry["path"]) == []

    import anyio

    async def look() -> None:
        app = DashboardApp(server.url, server.admin_key, log_poll=0.2)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("3")
            logs = app.query_one(LogsView)
            table = app.query_one("#logs-table", DataTable)
            await wait_for(pilot, lambda: any(marker in " ".join(e.get("logLines", [])) for e in logs.entries),
                           what="the attack's log line in the Logs tab")
            cells = [str(cell) for i in range(table.row_count) for cell in table.get_row_at(i)]
            shown = [c for c in cells if marker in c]
            assert shown and all("\\x1b]0;pwned" in c for c in shown), shown
            assert raw_controls(" ".join(cells)) == []
            table.move_cursor(row=table.row_count - 1)
            await pilot.pause(0.2)
            detail = str(app.query_one("#logs-detail", Static).render())
            assert marker in detail and raw_controls(detail) == [], detail

    anyio.run(look)


def test_the_dashboard_data_tab_shows_document_strings_escaped(server: DevServer) -> None:
    marker = "attack-3"
    stored = marker + STORED_ATTACK
    added = post(server, "mutation", "notes:add", {"text": stored})
    assert added["status"] == "success", added
    short = "a4\u202eg\x85\x9b\u2069"  # C1 and bidi within the grid column's width
    assert post(server, "mutation", "notes:add", {"text": short})["status"] == "success"

    import anyio

    async def look() -> None:
        app = DashboardApp(server.url, server.admin_key, log_poll=0.2)
        async with app.run_test(size=(160, 30)) as pilot:
            view = app.query_one(DataView)
            grid = app.query_one("#grid", DataTable)
            await wait_for(pilot, lambda: view.table == "notes" and {stored, short} <= {d["text"] for d in view.page},
                           what="the stored attacks in the notes grid")
            cells = [str(cell) for i in range(grid.row_count) for cell in grid.get_row_at(i)]
            shown = [c for c in cells if c.startswith(marker)]
            # the escaped string, cut to the column's width
            assert shown and all(c.startswith(marker + "\\x1b]0;pwned\\x0") and safe_line(stored).startswith(
                c.removesuffix("…")) for c in shown), shown
            assert "a4\\u202eg\\x85\\x9b\\u2069" in cells, cells
            assert ANY_CONTROL.findall(" ".join(cells)) == [], cells

            # The document view: JSON with every control a \u escape, still the same value.
            grid.focus()
            grid.move_cursor(row=[d["_id"] for d in view.page].index(added["value"]))
            await pilot.press("enter")
            screen = await wait_for(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen.document
                                    and app.screen, what="the document view")
            assert ANY_CONTROL.findall(screen.text) == [], screen.text
            assert "\\u001b]0;pwned\\u0007" in screen.text and "\\u009b31m\\u0085\\u007f\\u202egnp" in screen.text
            assert json.loads(screen.text)["text"] == stored

            # The editor shows the same escaped JSON; saving it unchanged keeps the string as stored.
            await pilot.press("e")
            editor = await wait_for(pilot, lambda: isinstance(app.screen, EditDocumentScreen) and app.screen,
                                    what="the editor")
            text = editor.query_one("#editor-text", TextArea).text
            assert ANY_CONTROL.findall(text) == [] and json.loads(text)["text"] == stored, text

    anyio.run(look)


# -- only the user's own frames ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_with_albertplus_inside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """A project whose folder holds its virtualenv with albertplus installed in it (imported from there)."""
    project = hardening_project(tmp_path_factory.mktemp("venv-inside") / "project")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = project / ".venv" / "lib" / version / "site-packages"
    shutil.copytree(REPO / "albertplus_cli", site_packages / "albertplus_cli",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with DevServer(project, watch=True, env={"PYTHONPATH": str(site_packages)}) as running:
        yield running


def test_the_server_runs_albertplus_from_inside_the_project(project_with_albertplus_inside: DevServer) -> None:
    """The premise of the two tests below: albertplus's own files are inside the project folder."""
    import subprocess

    server = project_with_albertplus_inside
    where = subprocess.run([sys.executable, "-c", "import albertplus_cli; print(albertplus_cli.__file__)"],
                           env=server.env, cwd=server.project_dir, capture_output=True, text=True,
                           check=True).stdout
    assert where.startswith(str(server.project_dir / ".venv")), where


def test_errors_sent_to_clients_carry_only_the_users_frames(project_with_albertplus_inside: DevServer) -> None:
    body = post(project_with_albertplus_inside, "mutation", "notes:intoMissingTable", {})
    message = str(body["errorMessage"])
    assert body["status"] == "error" and "no_such_table" in message, message
    assert "(functions/notes.py:" in message, message
    assert "albertplus_cli" not in message and ".venv" not in message, message


def test_a_bad_validator_is_reported_at_the_users_line(project_with_albertplus_inside: DevServer) -> None:
    server = project_with_albertplus_inside
    time.sleep(0.3)
    (server.project_dir / "functions" / "bad.py").write_text(
        "from albertplus_cli.server import query\n\n\n@query(args={\"n\": float})\ndef half(ctx, args):\n"
        "    return args[\"n\"] / 2\n")
    output = server.wait_for_output("functions/bad.py:4", timeout=30)
    assert "validators.py" not in output and "albertplus_cli/" not in output, output[-3000:]
