"""`albertplus dashboard` driven by Textual's pilot against a real `albertplus dev` on the seeded AlbertPlus data.

One server for the module (seeded on start); each test opens its own app, as a developer would, and changes
only documents it made or named.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea, Tree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_helpers import call, type_text, wait_for  # noqa: E402
from server_process import REPO, DevServer, copy_project, free_port  # noqa: E402

from albertplus_cli.dashboard import DashboardApp  # noqa: E402
from albertplus_cli.dashboard.data_view import DataView  # noqa: E402
from albertplus_cli.dashboard.functions_view import FunctionsView  # noqa: E402
from albertplus_cli.dashboard.health_view import HealthView  # noqa: E402
from albertplus_cli.dashboard.logs_view import LogsView  # noqa: E402
from albertplus_cli.dashboard.screens import DocumentScreen, EditDocumentScreen  # noqa: E402

TANDON = "Tandon School of Engineering"
MESSAGES = REPO / "tests" / "projects" / "messages"
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    project = copy_project(REPO, tmp_path_factory.mktemp("dashboard") / "albertplus", with_seed=True)
    with DevServer(project, seed=True) as dev:
        yield dev


def make_app(server: DevServer, **kwargs: Any) -> DashboardApp:
    return DashboardApp(server.url, server.admin_key, log_poll=0.2, **kwargs)


async def open_table(pilot: Any, app: DashboardApp, name: str) -> DataView:
    view = app.query_one(DataView)
    options = await wait_for(pilot, lambda: view.tables, what="the tables list")
    names = [t["name"] for t in options]
    tables = app.query_one("#tables", OptionList)
    tables.focus()
    await pilot.press("home", *(["down"] * names.index(name)), "enter")
    await wait_for(pilot, lambda: view.table == name and view.page, what=f"a page of {name}")
    return view


def course(code: str, school: str = TANDON, **extra: Any) -> dict[str, Any]:
    return {"code": code, "program": code.split()[0], "programName": "Testing", "level": "undergraduate",
            "title": f"Dashboard test {code}", "credits": 4, "school": school, "description": "made by a test",
            "courseUrl": "https://example.test/", **extra}


async def test_browse_filter_open_and_edit_courses(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_table(pilot, app, "courses")
        count = next(t["count"] for t in view.tables if t["name"] == "courses")
        assert count > 100
        grid = app.query_one("#grid", DataTable)
        assert grid.row_count == len(view.page) == 50
        labels = [str(c.label) for c in grid.columns.values()]
        assert labels[0] == "_id" and labels[-1] == "_creationTime"
        assert {"code", "title", "school", "credits"} <= set(labels)

        # Next page, and back: a cursor stack, one page at a time.
        first_ids = [d["_id"] for d in view.page]
        grid.focus()
        await pilot.press("n")
        await wait_for(pilot, lambda: view.page and view.page[0]["_id"] not in first_ids, what="page 2")
        await pilot.press("p")
        await wait_for(pilot, lambda: [d["_id"] for d in view.page] == first_ids, what="page 1 again")

        # Filter by school: `/`, type, enter. The server picks the by_school_level index.
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "data-filter"
        await type_text(pilot, f"school = {TANDON}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.page_info.get("index") == "by_school_level" and view.page,
                       what="the filtered page")
        assert all(doc["school"] == TANDON for doc in view.page)
        status = str(app.query_one("#data-status", Static).render())
        assert "school = " in status and "by_school_level" in status

        # Open the highlighted document.
        target = view.current_document()
        assert target is not None
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen.document
                                and app.screen, what="the document view")
        assert target["code"] in screen.text and target["_id"] in screen.text

        # Edit: a bad value is refused by the schema, and the error shows in the editor.
        await pilot.press("e")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, EditDocumentScreen) and app.screen,
                                what="the editor")
        text = json.loads(editor.query_one("#editor-text", TextArea).text)
        assert "_id" not in text and text["code"] == target["code"]
        editor.query_one("#editor-text", TextArea).text = json.dumps({**text, "credits": "four"})
        await pilot.press("ctrl+s")
        await pilot.press("y")
        error = editor.query_one("#editor-error", Static)
        await wait_for(pilot, lambda: error.display and "does not match the schema" in str(error.render()),
                       what="the validation error")
        assert "credits" in str(error.render())
        assert app.screen is editor  # still editing, text kept
        assert json.loads(editor.query_one("#editor-text", TextArea).text)["credits"] == "four"

        # A valid value saves; the open document view (live) shows it.
        editor.query_one("#editor-text", TextArea).text = json.dumps({**text, "credits": 7})
        await pilot.press("ctrl+s")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen, what="the editor to close")
        await wait_for(pilot, lambda: screen.document and screen.document.get("credits") == 7,
                       what="the live document view to show the edit")
        stored = call(server.url, server.admin_key, "_system/frontend/getDocument", {"id": target["_id"]})
        assert stored["value"]["document"]["credits"] == 7


async def test_insert_and_delete_ask_for_confirmation(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_table(pilot, app, "appConfigs")
        before = len(view.page)
        app.query_one("#grid").focus()
        await pilot.press("i")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, EditDocumentScreen) and app.screen)
        assert json.loads(editor.query_one("#editor-text", TextArea).text) == {"key": "", "value": ""}
        editor.query_one("#editor-text", TextArea).text = '{"key": "dashboard_test", "value": "1"}'
        await pilot.press("ctrl+s")
        await pilot.press("n")  # declined: nothing written, still editing
        assert app.screen is editor
        await pilot.press("ctrl+s")
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, EditDocumentScreen), what="the insert")
        await wait_for(pilot, lambda: len(view.page) == before + 1, what="the new row")
        assert view.page[0]["key"] == "dashboard_test"  # newest first

        grid = app.query_one("#grid", DataTable)
        grid.move_cursor(row=0)
        await pilot.press("d")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(view.page) == before, what="the row to go")
        assert all(doc["key"] != "dashboard_test" for doc in view.page)


async def test_run_get_courses_acting_as_a_user_stays_live_and_pages(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        view = app.query_one(FunctionsView)
        await wait_for(pilot, lambda: "courses:getCourses" in view.functions, what="the functions list")
        tree = app.query_one("#fn-tree", Tree)
        leaf = next(leaf for module in tree.root.children for leaf in module.children
                    if leaf.data and leaf.data.get("path") == "courses:getCourses")
        tree.move_cursor(leaf)
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.selected and view.selected["path"] == "courses:getCourses")
        signature = str(app.query_one("#fn-signature", Static).render())
        assert "level" in signature and "paginationOpts" in signature
        assert view.paginated and app.query("#page-size")  # the page size replaces the paginationOpts field

        # Without a user, the function's own auth check fails, and the error shows.
        app.query_one("#arg-level", Input).value = "undergraduate"
        app.query_one("#arg-schools", Input).value = json.dumps([TANDON])
        app.query_one("#page-size", Input).value = "5"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: view.result_error, what="the auth error")
        assert "Not authenticated" in view.result_error

        # Acting as the demo student: a live page of Tandon undergraduate courses.
        app.query_one("#fn-acting-as", Input).value = "user_demo"
        await pilot.press("ctrl+r")
        result = await wait_for(pilot, lambda: view.result, what="the first page")
        assert len(result["page"]) == 5 and not result["isDone"]
        assert all(c["school"] == TANDON and c["level"] == "undergraduate" for c in result["page"])
        first = [c["code"] for c in result["page"]]

        # Another client adds a Tandon course: the subscribed result updates by itself (newest first).
        call(server.url, server.admin_key, "courses:upsertCourseInternal", course("DASH-UY 1"))
        await wait_for(pilot, lambda: view.result and view.result["page"][0]["code"] == "DASH-UY 1",
                       what="the live update")
        assert view.updates >= 2

        # Paginated functions page.
        page1 = {c["code"] for c in view.result["page"]}
        assert page1 >= {"DASH-UY 1", *first[:4]}
        app.query_one("#fn-tree").focus()
        await pilot.press("n")
        await wait_for(pilot, lambda: view.result and not page1 & {c["code"] for c in view.result["page"]},
                       what="page 2")
        assert len(view.cursors) == 2 and view.result["page"][0]["code"] == first[4]


async def test_a_mutation_by_another_client_appears_in_grid_and_logs(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_table(pilot, app, "courses")
        count_before = next(t["count"] for t in view.tables if t["name"] == "courses")
        logs = app.query_one(LogsView)

        call(server.url, server.admin_key, "courses:upsertCourseInternal", course("LIVE-UY 42"))
        await wait_for(pilot, lambda: view.page[0]["code"] == "LIVE-UY 42", what="the new course in the grid")
        await wait_for(pilot, lambda: next(t["count"] for t in view.tables if t["name"] == "courses")
                       == count_before + 1, what="the live count")
        grid = app.query_one("#grid", DataTable)
        assert "LIVE-UY 42" in [str(cell) for cell in grid.get_row_at(0)]

        # A failing call (the schema refuses the school) is logged with its message.
        bad = call(server.url, server.admin_key, "courses:upsertCourseInternal",
                   course("LIVE-UY 43", school="Hogwarts"))
        assert bad["status"] == "error"
        await wait_for(pilot, lambda: any(e["path"] == "courses:upsertCourseInternal" and not e["ok"]
                                          for e in logs.entries), what="the failure in the logs")
        ok_entry = next(e for e in logs.entries if e["path"] == "courses:upsertCourseInternal" and e["ok"])
        assert ok_entry["kind"] == "mutation" and ok_entry["durationMs"] >= 0
        assert all(not e["path"].startswith("_system/") for e in logs.entries)  # the dashboard's own calls

        await pilot.press("3")
        table = app.query_one("#logs-table", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        app.query_one("#logs-function", Input).value = "upsertCourse"
        await pilot.pause()
        paths = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert paths == {"courses:upsertCourseInternal"}
        app.query_one("#logs-status").value = "failure"  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: table.row_count == 1, what="only the failure")
        assert "Hogwarts" in str(table.get_row_at(0)[5]) or "does not match" in str(table.get_row_at(0)[5])
        detail = str(app.query_one("#logs-detail", Static).render())
        assert "Hogwarts" in detail


async def test_search_and_sort_by_index(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_table(pilot, app, "courses")
        await pilot.press("slash")
        await type_text(pilot, "Dashboard test")
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.page_info.get("index") == "search_title", what="search results")
        assert view.page and all("Dashboard test" in d["title"] or "test" in d["title"].lower()
                                 or "dashboard" in d["title"].lower() for d in view.page[:2])

        await pilot.press("slash", "ctrl+u", "enter")  # clear the filter
        await wait_for(pilot, lambda: view.filter.empty and view.page_info.get("index") == "by_creation_time")
        await pilot.press("s")  # sort by the next index: by_course_code
        await wait_for(pilot, lambda: view.page_info.get("index") == "by_course_code", what="sorted page")
        await pilot.press("o")
        await wait_for(pilot, lambda: view.order == "asc" and view.page_info.get("index") == "by_course_code"
                       and view.page == sorted(view.page, key=lambda d: d["code"]), what="ascending codes")


async def test_no_server_says_how_to_start_one() -> None:
    app = DashboardApp(f"http://127.0.0.1:{free_port()}", "some-key", health_poll=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        offline = app.query_one("#offline", Static)
        await wait_for(pilot, lambda: "albertplus dev" in str(offline.render()), what="the no-server message")
        assert "No albertplus server is running" in str(offline.render())
        assert not app.query_one("#tabs").display
        await pilot.press("q")
    assert app.return_code == 0


async def test_wrong_admin_key_is_explained(server: DevServer) -> None:
    app = DashboardApp(server.url, "not-the-key")
    async with app.run_test(size=(80, 24)) as pilot:
        offline = app.query_one("#offline", Static)
        await wait_for(pilot, lambda: "refused the admin key" in str(offline.render()), what="the key message")


async def test_follow_an_id_to_another_table_and_keys_help(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_table(pilot, app, "prerequisites")
        prerequisite = view.current_document()
        assert prerequisite is not None
        app.query_one("#grid").focus()
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen.document
                                and app.screen, what="the prerequisite")
        links = screen.query_one("#document-links", OptionList)
        assert links.display and links.option_count == 1 and "courseId" in str(links.get_option_at_index(0).prompt)
        links.focus()
        await pilot.press("enter")
        course_screen = await wait_for(
            pilot, lambda: app.screen is not screen and isinstance(app.screen, DocumentScreen) and app.screen.document
            and app.screen, what="the followed course")
        assert course_screen.table == "courses" and course_screen.doc_id == prerequisite["courseId"]
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape", "question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


async def test_run_an_internal_mutation_with_raw_json_arguments(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        view = app.query_one(FunctionsView)
        path = "appConfigs:setAppConfigInternal"
        await wait_for(pilot, lambda: path in view.functions, what="the functions list")
        assert view.functions[path]["visibility"] == "internal" and view.functions[path]["kind"] == "mutation"
        tree = app.query_one("#fn-tree", Tree)
        tree.move_cursor(next(leaf for module in tree.root.children for leaf in module.children
                              if leaf.data and leaf.data.get("path") == path))
        await wait_for(pilot, lambda: view.selected and view.selected["path"] == path)
        app.query_one("#arg-key", Input).value = "dashboard_raw"
        await pilot.press("ctrl+t")  # raw JSON, prefilled from the form
        raw = app.query_one("#fn-raw", TextArea)
        assert raw.display and json.loads(raw.text) == {"key": "dashboard_raw"}
        raw.text = '{"key": "dashboard_raw", "value": "from the runner"}'
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "success" in str(app.query_one("#fn-status", Static).render()),
                       what="the mutation result")
        stored = call(server.url, server.admin_key, "appConfigs:getAppConfigInternal", {"key": "dashboard_raw"})
        assert stored["status"] == "success" and "from the runner" in json.dumps(stored["value"])
        raw.text = '{"key": 1}'
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: view.result_error, what="the argument error")
        assert "key" in view.result_error


def shown_lines(widget: Any) -> list[str]:
    """The text a widget shows on screen, line by line (what a person reads, cut where the screen cuts)."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def tree_labels(node: Any) -> list[str]:
    labels = []
    for child in node.children:
        labels.append(str(child.label))
        labels.extend(tree_labels(child))
    return labels


async def test_names_show_whole_or_end_in_an_ellipsis_and_the_sidebars_follow_the_terminal(
        server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(160, 45)) as pilot:
        view = await open_table(pilot, app, "appConfigs")
        tables = app.query_one("#tables", OptionList)
        await pilot.pause(0.2)
        wide = shown_lines(tables)
        for table in view.tables:
            assert any(line.startswith(table["name"] + " ") for line in wide), (table["name"], wide)
        wide_width = app.query_one("#tables-pane").size.width

        await pilot.press("2")
        functions = app.query_one(FunctionsView)
        await wait_for(pilot, lambda: "courseOfferings:getCourseOfferingsByCourseCodes" in functions.functions)
        tree = app.query_one("#fn-tree", Tree)
        await pilot.press("slash")
        await type_text(pilot, "courseOfferings:get")  # the module's queries, all on screen at both sizes
        await pilot.pause(0.2)
        assert any(line.endswith("getCourseOfferingsByCourseCodes") for line in shown_lines(tree))
        tree_width = tree.size.width

        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: tree.size.width < tree_width, what="the functions list to narrow")
        await pilot.pause(0.2)
        narrow_tree = shown_lines(tree)
        assert any("getCourseOfferingsBy" in line and line.endswith("…") for line in narrow_tree), narrow_tree
        assert all(len(line) <= tree.size.width for line in narrow_tree)

        await pilot.press("escape", "1")
        await wait_for(pilot, lambda: app.query_one("#tables-pane").size.width < wide_width,
                       what="the table list to narrow")
        await pilot.pause(0.2)
        narrow = shown_lines(tables)
        long_name = next(line for line in narrow if line.startswith("userCourseOffer"))
        assert "…" in long_name and long_name.endswith("5")  # cut with a mark, the count still shown
        assert any(line.startswith("courses ") for line in narrow)  # short names stay whole


async def test_schema_view_shows_every_branch_of_a_union_table(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.ever_connected, what="the server")
        await pilot.press("4")
        health = app.query_one(HealthView)
        await wait_for(pilot, lambda: health.schema, what="the schema")
        tree = app.query_one("#schema-tree", Tree)
        nodes = {str(node.label): node for node in tree.root.children}
        for table, extra in (("requirements", "courseLevels"), ("prerequisites", "creditsRequired")):
            labels = tree_labels(nodes[table])
            for kind in ("required", "alternative", "options"):
                assert any(f'type: "{kind}"' in label for label in labels), (table, kind, labels)
            assert sum("branch" in label for label in labels) == 3
            options = next(node for node in nodes[table].children if 'type: "options"' in str(node.label))
            assert any(label.startswith(extra) for label in tree_labels(options))
            assert any(label.startswith("courses: array<string>") for label in labels)


async def test_keys_digits_stay_in_inputs_t_jumps_to_tables_and_functions_filter_with_slash(
        server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_table(pilot, app, "courses")
        tabs = app.query_one("#tabs")
        await pilot.press("slash", "2", "3")  # digits typed in the filter are text, not tab switches
        assert app.query_one("#data-filter", Input).value == "23" and tabs.active == "data"  # type: ignore[attr-defined]
        await pilot.press("escape", "2")
        assert tabs.active == "functions"  # type: ignore[attr-defined]

        functions = app.query_one(FunctionsView)
        await wait_for(pilot, lambda: len(functions.functions) == 49, what="the 49 functions")
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "fn-filter"
        assert app.focused.placeholder == "/ filter 49 functions"
        await type_text(pilot, "zzz")
        tree = app.query_one("#fn-tree", Tree)
        assert [str(node.label) for node in tree.root.children] == ["no function matches 'zzz'"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "ByCourse")
        shown = functions.shown_paths()
        assert 0 < len(shown) < 49 and all("bycourse" in path.lower() for path in shown)
        leaves = [leaf.data["path"] for module in tree.root.children for leaf in module.children]
        assert leaves == shown
        await pilot.press("enter")  # opens the first match, ready for its arguments
        await wait_for(pilot, lambda: functions.selected and functions.selected["path"] == shown[0])
        assert isinstance(app.focused, Input) and (app.focused.id or "").startswith("arg-")

        # From the list, Tab reaches the first argument field (nothing invisible in between).
        tree.focus()
        await pilot.press("tab")
        assert isinstance(app.focused, Input) and (app.focused.id or "").startswith("arg-")

        await pilot.press("escape", "t")  # `t`: the table list, from any tab
        assert tabs.active == "data" and app.focused is app.query_one("#tables")  # type: ignore[attr-defined]

        # Ctrl+C quits, even from an input.
        await pilot.press("slash", "ctrl+c")
    assert app.return_code == 0


async def test_enter_after_a_filter_opens_the_first_matching_document(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(120, 30)) as pilot:
        view = await open_table(pilot, app, "courses")
        target = view.page[7]["code"]  # not the first row before filtering
        await pilot.press("slash")
        await type_text(pilot, f"code = {target}")
        await pilot.press("enter", "enter")  # at once: the filtered page has not arrived yet
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen.document
                                and app.screen, what="the document view")
        assert screen.document["code"] == target


async def test_filter_errors_show_under_the_box_and_the_index_picker_agrees(server: DevServer) -> None:
    app = make_app(server)
    async with app.run_test(size=(120, 30)) as pilot:
        view = await open_table(pilot, app, "courses")
        error = app.query_one("#data-filter-error", Static)
        ids = [d["_id"] for d in view.page]

        await pilot.press("slash")
        await type_text(pilot, "credits >> 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: error.display, what="the parse error")
        assert "'>>' is not an operator" in str(error.render())
        assert view.filter.empty and [d["_id"] for d in view.page] == ids  # nothing queried

        await pilot.press("ctrl+u")
        assert not error.display  # editing clears the old error
        await type_text(pilot, "credit >= 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: error.display, what="the unknown field error")
        assert "no field 'credit'" in str(error.render()) and "credits" in str(error.render())
        assert view.filter.empty

        await pilot.press("ctrl+u")
        await type_text(pilot, f"school = {TANDON}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.page_info.get("index") == "by_school_level" and not view.fetching,
                       what="the filtered page")
        select = app.query_one("#data-index", Select)
        status = str(app.query_one("#data-status", Static).render())
        assert select.value == "by_school_level" and "by_school_level" in status and not error.display

        select.value = "by_course_code"  # the person picks another index
        await wait_for(pilot, lambda: view.page_info.get("index") == "by_course_code" and not view.fetching,
                       what="the page read by_course_code")
        status = str(app.query_one("#data-status", Static).render())
        assert select.value == "by_course_code" and "by_course_code" in status
        assert view.page and all(d["school"] == TANDON for d in view.page)


async def test_health_shows_the_port_and_pushes_in_plain_units(tmp_path: Path) -> None:
    project = copy_project(MESSAGES, tmp_path / "messages")
    with DevServer(project, watch=True, quiet=True) as dev:
        app = DashboardApp(dev.url, dev.admin_key, health_poll=0.3)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.ever_connected, what="the server")
            await pilot.press("4")
            health = app.query_one(HealthView).query_one("#health", Static)
            await wait_for(pilot, lambda: "none since the server started" in str(health.render()))
            assert f"127.0.0.1:{dev.port}" in str(health.render())
            source = project / "functions" / "messages.py"
            source.write_text(source.read_text() + "\n\n@query(args={})\ndef ping(ctx, args):\n    return 1\n")
            text = await wait_for(pilot, lambda: "applied in" in str(health.render()) and str(health.render()),
                                  timeout=30, what="the push in the health pane")
            assert "1 change, applied in " in text and " ms\n" in text and " s ago" in text
            assert "uptime" in text and (" s\n" in text or " min " in text)
