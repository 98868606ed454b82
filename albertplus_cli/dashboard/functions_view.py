"""Tab 2, Functions: every function by module, and a runner with a form built from the argument validators.

A query's result is a live subscription (it updates when the data it read changes); mutations and actions run
once through `/api/function`. Acting as a user: the runner's sync connection authenticates with the admin
key and `impersonating`, and HTTP calls send `Convex <key>:<base64 identity>`. A function with a
`paginationOpts` argument gets page controls instead of that field.

`/` filters the list by name (Enter opens the first match); Tab goes from the list to the argument fields, each
a visible input on its label's row.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea, Tree

from albertplus_cli.dashboard.client import FunctionResult, short_error
from albertplus_cli.dashboard.formatting import is_textual, object_fields, validator_text
from albertplus_cli.dashboard.sync_connection import QueryResult, Subscription
from albertplus_cli.dashboard.view import DashboardView
from albertplus_cli.dashboard.widgets import EllipsisTree
from albertplus_cli.values.json_formats import InvalidValueError, decode

KIND_LETTER = {"query": "Q", "mutation": "M", "action": "A"}
KIND_STYLE = {"query": "cyan", "mutation": "magenta", "action": "yellow"}
PAGINATION = "paginationOpts"


class ArgumentError(ValueError):
    pass


def parse_argument(name: str, text: str, validator: Any) -> Any:
    """Form text -> value: plain text for string-like validators, JSON otherwise (then Convex-decoded)."""
    stripped = text.strip()
    if is_textual(validator) and not stripped.startswith('"'):
        return text
    try:
        return decode(orjson.loads(stripped))
    except orjson.JSONDecodeError:
        raise ArgumentError(f"{name}: not valid JSON ({validator_text(validator)} expected)") from None
    except InvalidValueError as e:
        raise ArgumentError(f"{name}: {e}") from None


def parse_identity(text: str) -> dict[str, Any] | None:
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise ArgumentError("act as: not valid JSON") from None
        if not isinstance(value, dict) or not isinstance(value.get("subject"), str):
            raise ArgumentError("act as: an identity needs a string `subject`")
        return value
    return {"subject": text}


def matches(fn: dict[str, Any], needle: str) -> bool:
    """Whether a function's path holds every word of the filter (case-insensitive)."""
    path = fn["path"].lower()
    return all(word in path for word in needle.lower().split())


class FunctionsView(DashboardView):
    name_filter = var("", init=False)

    BINDINGS = [
        Binding("ctrl+r", "run", "Run"),
        Binding("ctrl+t", "toggle_raw", "Raw JSON"),
        Binding("n", "next_page", "Next", show=False),
        Binding("p", "previous_page", "Prev", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.functions: dict[str, dict[str, Any]] = {}
        self.selected: dict[str, Any] | None = None
        self.raw = False
        self.result: Any = None
        self.result_error: str | None = None
        self.updates = 0
        self.cursors: list[str | None] = [None]
        self.page_result: dict[str, Any] | None = None
        self._run_sub: Subscription | None = None
        self._run_args: dict[str, Any] | None = None
        self._acting_as: dict[str, Any] | None = None
        self._form_for: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="fn-sidebar"):
                yield Input(placeholder="/ filter functions", id="fn-filter", compact=True)
                tree: EllipsisTree[dict[str, Any]] = EllipsisTree("functions", id="fn-tree")
                tree.show_root = False
                yield tree
            detail = VerticalScroll(id="fn-detail")
            detail.can_focus = False  # Tab goes from the list straight to the first argument
            with detail:
                yield Static("Select a function on the left.", id="fn-header", classes="title")
                yield Static(id="fn-signature")
                yield Vertical(id="fn-form")
                yield TextArea("{}", id="fn-raw", show_line_numbers=False)
                yield Input(placeholder="act as: subject or identity JSON (optional)", id="fn-acting-as",
                            compact=True)
                with Horizontal(id="fn-actions", classes="buttons"):
                    yield Button("Run (ctrl+r)", id="fn-run", variant="primary", compact=True)
                    yield Button("JSON args", id="fn-raw-toggle", compact=True)
                    yield Button("◀ prev", id="fn-prev", compact=True)
                    yield Button("next ▶", id="fn-next", compact=True)
                yield Static(id="fn-status", classes="status")
                yield Static(id="fn-result")

    def on_mount(self) -> None:
        for selector in ("#fn-raw", "#fn-acting-as", "#fn-actions", "#fn-prev", "#fn-next"):
            self.query_one(selector).display = False

    def start(self) -> None:
        super().start()
        self.live("_system/frontend/functions", {}, self._on_functions)

    def focus_filter(self) -> None:
        self.query_one("#fn-filter", Input).focus()

    # -- the list ------------------------------------------------------------------------------------

    async def _on_functions(self, result: QueryResult) -> None:
        if not result.ok:
            self.query_one("#fn-header", Static).update(Text(short_error(result.error), style="red"))
            return
        self.functions = {f["path"]: f for f in result.value}
        self._fill_tree()
        if not self.functions:
            self.query_one("#fn-header", Static).update("This project has no functions yet (functions/*.py).")
        if self.selected is not None and self.selected["path"] in self.functions:
            fresh = self.functions[self.selected["path"]]
            if fresh != self.selected:
                await self.select_function(fresh["path"], force=True)

    def watch_name_filter(self) -> None:
        self._fill_tree()

    def shown_paths(self) -> list[str]:
        """The functions the list shows (those matching the filter), in list order."""
        return [fn["path"] for fn in self.functions.values() if matches(fn, self.name_filter)]

    def _fill_tree(self) -> None:
        tree = self.query_one("#fn-tree", EllipsisTree)
        cursor_path = tree.cursor_node.data.get("path") if tree.cursor_node and tree.cursor_node.data else None
        tree.clear()
        modules: dict[str, Any] = {}
        shown = set(self.shown_paths())
        for fn in self.functions.values():
            if fn["path"] not in shown:
                continue
            node = modules.get(fn["module"])
            if node is None:
                node = modules[fn["module"]] = tree.root.add(fn["module"], data={"module": fn["module"]},
                                                             expand=True)
            label = Text()
            label.append(KIND_LETTER.get(fn["kind"], "?") + " ", style=f"bold {KIND_STYLE.get(fn['kind'], '')}")
            label.append(fn["name"], style="dim" if fn["visibility"] == "internal" else "")
            if fn["visibility"] == "internal":
                label.append(" internal", style="dim italic")
            node.add_leaf(label, data=fn)
        if self.functions and not shown:
            tree.root.add_leaf(Text(f"no function matches {self.name_filter!r}", style="yellow"))
        self.query_one("#fn-filter", Input).placeholder = f"/ filter {len(self.functions)} functions"
        if cursor_path is not None:
            for node in tree.root.children:
                for leaf in node.children:
                    if leaf.data and leaf.data.get("path") == cursor_path:
                        tree.move_cursor(leaf)

    @on(Input.Changed, "#fn-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.name_filter = event.value.strip()

    @on(Input.Submitted, "#fn-filter")
    async def _filter_submitted(self) -> None:
        """Enter in the filter opens the first function it matches, ready for its arguments."""
        shown = self.shown_paths()
        if not shown:
            return
        tree = self.query_one("#fn-tree", EllipsisTree)
        for node in tree.root.children:
            for leaf in node.children:
                if leaf.data and leaf.data.get("path") == shown[0]:
                    tree.move_cursor(leaf)
        await self.select_function(shown[0])
        self._focus_form()

    def _focus_form(self) -> None:
        inputs = self.query("#fn-form Input")
        (inputs.first() if inputs else self.query_one("#fn-run")).focus()

    @on(Tree.NodeHighlighted, "#fn-tree")
    async def _highlighted(self, event: Tree.NodeHighlighted[dict[str, Any]]) -> None:
        data = event.node.data
        if data and "path" in data:
            await self.select_function(data["path"])

    @on(Tree.NodeSelected, "#fn-tree")
    async def _selected(self, event: Tree.NodeSelected[dict[str, Any]]) -> None:
        data = event.node.data
        if data and "path" in data:
            await self.select_function(data["path"])
            self._focus_form()

    # -- the runner ------------------------------------------------------------------------------------

    async def select_function(self, path: str, *, force: bool = False) -> None:
        fn = self.functions.get(path)
        if fn is None or (not force and self._form_for == path):
            return
        self.selected = fn
        self._form_for = path
        self._stop_live()
        self.result, self.result_error, self.page_result = None, None, None
        self.cursors = [None]
        kind_style = KIND_STYLE.get(fn["kind"], "")
        header = Text()
        header.append(fn["path"], style="bold")
        header.append(f"  {fn['kind']}", style=kind_style)
        header.append(f" · {fn['visibility']}", style="dim")
        self.query_one("#fn-header", Static).update(header)
        signature = Text()
        signature.append("args ", style="dim")
        signature.append(validator_text(fn["args"]) if fn["args"] is not None else "any")
        if fn.get("returns") is not None:
            signature.append("\nreturns ", style="dim")
            signature.append(validator_text(fn["returns"]))
        self.query_one("#fn-signature", Static).update(signature)
        await self._build_form(fn)
        for selector in ("#fn-acting-as", "#fn-actions"):
            self.query_one(selector).display = True
        paginated = self.paginated
        self.query_one("#fn-prev").display = paginated
        self.query_one("#fn-next").display = paginated
        self.query_one("#fn-status", Static).update("")
        self.query_one("#fn-result", Static).update("")

    @property
    def paginated(self) -> bool:
        return self.selected is not None and PAGINATION in object_fields(self.selected.get("args"))

    async def _build_form(self, fn: dict[str, Any]) -> None:
        form = self.query_one("#fn-form", Vertical)
        await form.remove_children()  # before mounting: the new inputs reuse the ids
        widgets: list[Widget] = []
        for name, (validator, optional) in object_fields(fn.get("args")).items():
            if name == PAGINATION:
                widgets.append(Horizontal(Label("page size", classes="arg-label"),
                                          Input("10", id="page-size", classes="arg-input", compact=True),
                                          classes="arg-row"))
                continue
            label = f"{name}{'?' if optional else ''}"
            widgets.append(Horizontal(Label(label, classes="arg-label"),
                                      Input(placeholder=validator_text(validator), id=f"arg-{name}",
                                            classes="arg-input", compact=True),
                                      classes="arg-row"))
        await form.mount_all(widgets)
        has_fields = bool(widgets)
        form.display = has_fields and not self.raw
        self.query_one("#fn-raw").display = self.raw or (fn.get("args") is not None and not has_fields
                                                         and fn["args"].get("type") != "object")

    def _args(self) -> dict[str, Any]:
        fn = self.selected
        assert fn is not None
        if self.query_one("#fn-raw").display:
            text = self.query_one("#fn-raw", TextArea).text.strip() or "{}"
            try:
                value = decode(orjson.loads(text))
            except (orjson.JSONDecodeError, InvalidValueError) as e:
                raise ArgumentError(f"arguments: not valid JSON ({e})") from None
            if not isinstance(value, dict):
                raise ArgumentError("arguments must be a JSON object")
            args = value
        else:
            args = {}
            for name, (validator, _optional) in object_fields(fn.get("args")).items():
                if name == PAGINATION:
                    continue
                text = self.query_one(f"#arg-{name}", Input).value
                if text == "":
                    continue
                args[name] = parse_argument(name, text, validator)
        if self.paginated:
            size_text = self.query_one("#page-size", Input).value if self.query("#page-size") else "10"
            try:
                size = int(size_text or "10")
            except ValueError:
                raise ArgumentError("page size must be a whole number") from None
            args[PAGINATION] = {"numItems": size, "cursor": self.cursors[-1]}
        return args

    async def action_toggle_raw(self) -> None:
        if self.selected is None:
            return
        if not self.raw:
            try:
                current = self._args()
                current.pop(PAGINATION, None)
            except ArgumentError:
                current = {}
            from albertplus_cli.values.json_formats import encode

            self.query_one("#fn-raw", TextArea).text = orjson.dumps(encode(current),
                                                                     option=orjson.OPT_INDENT_2).decode()
        self.raw = not self.raw
        await self._build_form(self.selected)

    @on(Button.Pressed, "#fn-raw-toggle")
    async def _raw_pressed(self) -> None:
        await self.action_toggle_raw()

    @on(Button.Pressed, "#fn-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Input.Submitted, "#fn-form Input, #fn-acting-as")
    def _submitted(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#fn-next")
    def _next_pressed(self) -> None:
        self.action_next_page()

    @on(Button.Pressed, "#fn-prev")
    def _prev_pressed(self) -> None:
        self.action_previous_page()

    def action_run(self, *, keep_pages: bool = False) -> None:
        fn = self.selected
        if fn is None:
            return
        if not keep_pages:
            self.cursors = [None]
        try:
            args = self._args()
            acting_as = parse_identity(self.query_one("#fn-acting-as", Input).value)
        except ArgumentError as e:
            self._show_status(Text(str(e), style="red"))
            return
        self._stop_live()
        self._run_args, self._acting_as = args, acting_as
        who = f" as {acting_as['subject']}" if acting_as else ""
        if fn["kind"] == "query":
            self.updates = 0
            self._show_status(Text(f"subscribing{who}…", style="dim"))
            self._run_sub = self.live(fn["path"], args, self._on_live_result, acting_as)
        else:
            self._show_status(Text(f"running{who}…", style="dim"))
            self._run_once(fn["path"], args, acting_as)

    def _stop_live(self) -> None:
        self.client.unsubscribe(self._run_sub)
        self._run_sub = None

    @work(exclusive=True, group="fn-run")
    async def _run_once(self, path: str, args: dict[str, Any], acting_as: dict[str, Any] | None) -> None:
        started = time.perf_counter()
        result: FunctionResult = await self.client.run_function(path, args, acting_as)
        elapsed = (time.perf_counter() - started) * 1000
        status = Text()
        if result.ok:
            status.append("✔ success", style="green")
        else:
            status.append("✖ error", style="red")
        status.append(f" · {self.fmt.duration(elapsed)}", style="dim")
        self._show_result(result.ok, result.value, result.error, result.error_data, result.log_lines, status)

    def _on_live_result(self, result: QueryResult) -> None:
        if self._run_sub is None:
            return
        self.updates += 1
        status = Text()
        status.append("● live" if result.ok else "✖ error", style="green" if result.ok else "red")
        status.append(f" · update {self.updates} at {self.fmt.clock(time.time())}", style="dim")
        if self._acting_as:
            status.append(f" · as {self._acting_as['subject']}", style="dim")
        if self.paginated and result.ok and isinstance(result.value, dict):
            self.page_result = result.value
            status.append(f" · page {len(self.cursors)}{'' if result.value.get('isDone') else ' · n: next'}",
                          style="dim")
        self._show_result(result.ok, result.value, result.error, result.error_data, result.log_lines, status)

    def _show_status(self, text: Text) -> None:
        self.query_one("#fn-status", Static).update(text)

    def _show_result(self, ok: bool, value: Any, error: str | None, error_data: Any, log_lines: list[str],
                     status: Text) -> None:
        self.result, self.result_error = (value, None) if ok else (None, short_error(error))
        self._show_status(status)
        body = self.query_one("#fn-result", Static)
        if ok:
            body.update(Syntax(self.fmt.document_json(value), "json", theme="ansi_dark", word_wrap=True,
                               background_color="default"))
        else:
            text = Text(short_error(error), style="red")
            if error_data is not None:
                text.append("\nerror data: ", style="dim")
                text.append(self.fmt.document_json(error_data))
            body.update(text)
        if log_lines:
            lines = Text("\n".join(log_lines), style="cyan")
            status.append("\n")
            status.append_text(lines)
            self._show_status(status)

    def action_next_page(self) -> None:
        if not self.paginated or not self.page_result or self.page_result.get("isDone"):
            return
        self.cursors.append(self.page_result.get("continueCursor"))
        self.action_run(keep_pages=True)

    def action_previous_page(self) -> None:
        if self.paginated and len(self.cursors) > 1:
            self.cursors.pop()
            self.action_run(keep_pages=True)
