"""Tab 1, Data: the tables with live counts, and a live, paged grid of one table's documents.

Each page is one `_system/frontend/tableData` subscription (index, order, filters, search, cursor): the server
re-runs it only when a write lands in the page's index range, and pushes the new page. Paging keeps a stack
of cursors, so `p` goes back exactly; nothing here ever loads more than one page.

With a filter and no index picked, the server picks the index; the index picker then shows the one it used,
as the status line does. Picking another index (or `s`) reads with that one until the next filter. A filter
that does not parse, or names a field the table's schema lacks, is shown under the filter box and nothing is
queried.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Button, DataTable, Input, OptionList, Select, Static

from albertplus_cli.dashboard.client import short_error
from albertplus_cli.dashboard.filters import FilterSyntaxError, ParsedFilter, check_fields, describe, parse_filter
from albertplus_cli.dashboard.formatting import object_fields, sample_value
from albertplus_cli.dashboard.screens import ConfirmScreen, DocumentScreen, EditDocumentScreen
from albertplus_cli.dashboard.sync_connection import QueryResult, Subscription
from albertplus_cli.dashboard.view import DashboardView
from albertplus_cli.dashboard.widgets import TableList

PAGE_SIZE = 50
DEFAULT_INDEX = "by_creation_time"
ID_WIDTH = 14


def column_width(name: str, validator: Any) -> int:
    kind = validator.get("type") if isinstance(validator, dict) else None
    if kind in ("number", "int64", "bigint", "boolean", "null"):
        width = 8
    elif kind == "id":
        width = ID_WIDTH
    elif kind in ("array", "object", "record"):
        width = 14
    elif kind == "literal" or (kind == "union" and all(m.get("type") == "literal" for m in validator["value"])):
        members = validator["value"] if kind == "union" else [validator]
        width = min(24, max(len(str(m.get("value"))) for m in members))
    else:
        width = 24
    return max(width, len(name))


class DataView(DashboardView):
    """The view's state lives in reactive attributes; their watchers redraw the table list, the grid, the status
    line, the filter error and the order button, so no handler has to remember to."""

    tables: var[list[dict[str, Any]]] = var(list, init=False, always_update=True)
    schema: var[dict[str, dict[str, Any]]] = var(dict, init=False, always_update=True)
    page: var[list[dict[str, Any]]] = var(list, init=False, always_update=True)
    order = var("desc", init=False)
    fetching = var(False, init=False)
    page_error: var[str | None] = var(None, init=False)
    filter_error: var[str | None] = var(None, init=False)
    used_index = var(DEFAULT_INDEX, init=False)

    BINDINGS = [
        Binding("i", "insert", "Insert"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("C", "clear_table", "Clear"),
        Binding("n", "next_page", "Next"),
        Binding("p", "previous_page", "Prev"),
        Binding("s", "cycle_index", "Sort", show=False),
        Binding("o", "toggle_order", "Order", show=False),
    ]

    def __init__(self, *, page_size: int = PAGE_SIZE, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.page_size = page_size
        self.table: str | None = None
        self.filter = ParsedFilter()
        self.index: str | None = None  # None: the server picks (by_creation_time, or the filter's best index)
        self.cursors: list[str | None] = [None]
        self.page_info: dict[str, Any] = {}
        self.updates = 0
        self._columns: list[tuple[str, int]] = []
        self._shown_ids: list[str] = []
        self._page_sub: Subscription | None = None
        self._open_when_loaded = False

    # -- layout ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="tables-pane"):
                yield Static("Tables (t)", classes="pane-title")
                yield TableList(id="tables")
            with Vertical(id="grid-pane"):
                with Horizontal(id="data-toolbar", classes="toolbar"):
                    yield Input(placeholder="/ filter: field = value, … or search words", id="data-filter",
                                compact=True)
                    yield Select([(DEFAULT_INDEX, DEFAULT_INDEX)], value=DEFAULT_INDEX, allow_blank=False,
                                 id="data-index", compact=True)
                    yield Button("desc", id="data-order", compact=True)
                yield Static(id="data-filter-error", classes="error")
                yield DataTable(id="grid", cursor_type="row", zebra_stripes=True)
                yield Static(id="data-status", classes="status")

    def on_mount(self) -> None:
        self.query_one("#data-filter-error").display = False

    def start(self) -> None:
        super().start()
        self.live("_system/frontend/tables", {}, self._on_tables)
        self.live("_system/frontend/schema", {}, self._on_schema)

    def focus_filter(self) -> None:
        self.query_one("#data-filter", Input).focus()

    # -- live results --------------------------------------------------------------------------------

    def _on_tables(self, result: QueryResult) -> None:
        if not result.ok:
            self._status(Text(short_error(result.error), style="red"))
            return
        self.tables = [t for t in result.value if isinstance(t, dict)]

    def watch_tables(self, tables: list[dict[str, Any]]) -> None:
        table_list = self.query_one("#tables", TableList)
        table_list.show_tables(tables)
        names = [t["name"] for t in tables]
        if self.table in names and table_list.highlighted != names.index(self.table):
            table_list.highlighted = names.index(self.table)
        elif table_list.highlighted is None and names:
            table_list.highlighted = 0
        if self.table is None and names:
            self.select_table(names[0])
        else:
            self._refresh_status()

    def _on_schema(self, result: QueryResult) -> None:
        if not result.ok:
            return
        self.schema = {t["name"]: t for t in result.value.get("tables", [])}

    def watch_schema(self) -> None:
        self._refresh_index_options()
        if self.page:
            self._render_page()

    def _on_page(self, result: QueryResult) -> None:
        self.updates += 1
        if not result.ok:
            self._open_when_loaded = False
            self.page_error = short_error(result.error)
            self.fetching = False
            return
        self.page_error = None
        self.page_info = {k: val for k, val in result.value.items() if k != "page"}
        self.page = list(result.value.get("page", []))
        self.used_index = str(self.page_info.get("index") or DEFAULT_INDEX)
        self.fetching = False
        if self._open_when_loaded:
            self._open_when_loaded = False
            self._open_row(self.query_one("#grid", DataTable).cursor_row)

    # -- the grid ------------------------------------------------------------------------------------

    def _schema_columns(self) -> list[tuple[str, int]]:
        """(name, widest allowed): the schema's fields in order (then any others the page has), between the
        system fields."""
        table = self.schema.get(self.table or "")
        fields = object_fields(table.get("documentType")) if table else {}
        columns = [(name, column_width(name, validator)) for name, (validator, _optional) in fields.items()]
        seen = set(fields)
        for doc in self.page:
            for key in doc:
                if key not in seen and key not in ("_id", "_creationTime"):
                    columns.append((key, column_width(key, None)))
                    seen.add(key)
        return [("_id", ID_WIDTH), *columns, ("_creationTime", 20)]

    def _cell(self, name: str, value: Any, width: int) -> Text:
        # Text, never str: a str cell is parsed as markup, and documents may hold "[brackets]".
        if value is _MISSING:
            return Text("—", style="dim")
        if name == "_id":
            return Text(self.fmt.doc_id(value, ID_WIDTH))
        if name == "_creationTime":
            return Text(self.fmt.creation_time(value))
        return Text(self.fmt.cell(value, width))

    def watch_page(self) -> None:
        self._render_page()

    def _render_page(self) -> None:
        """Column widths are fixed when a table's columns are laid out (fitted to that first page), and rows are
        keyed by position: the next page rewrites cells in place, so the table keeps its size and the screen
        needs a repaint, not a new layout or a re-measure of every cell."""
        grid = self.query_one("#grid", DataTable)
        columns = self._schema_columns()
        rows = [[self._cell(name, doc.get(name, _MISSING), cap) for name, cap in columns] for doc in self.page]
        previous_id = self._shown_ids[grid.cursor_row] if grid.cursor_row < len(self._shown_ids) else None
        previous_row = grid.cursor_row
        in_place = columns == self._columns and grid.row_count == len(self.page)
        if columns != self._columns:
            grid.clear(columns=True)
            for i, (name, cap) in enumerate(columns):
                fitted = max([len(name), *(row[i].cell_len for row in rows)])
                grid.add_column(name, key=name, width=min(cap, fitted))
            self._columns = columns
        elif not in_place:
            grid.clear()
        for row_number, cells in enumerate(rows):
            if in_place:
                for (name, _cap), cell in zip(columns, cells, strict=True):
                    grid.update_cell(f"r{row_number}", name, cell)
            else:
                grid.add_row(*cells, key=f"r{row_number}")
        ids = [doc["_id"] for doc in self.page]
        self._shown_ids = ids
        if previous_id in ids:
            grid.move_cursor(row=ids.index(previous_id), scroll=False)
        elif ids:
            grid.move_cursor(row=min(previous_row, len(ids) - 1), scroll=False)
        self._refresh_status()

    def _status(self, text: Text | str) -> None:
        self.query_one("#data-status", Static).update(text, layout=False)  # one line, always

    def watch_fetching(self) -> None:
        self._refresh_status()

    def watch_page_error(self) -> None:
        self._refresh_status()

    def watch_order(self, order: str) -> None:
        self.query_one("#data-order", Button).label = order

    def watch_used_index(self) -> None:
        self._refresh_index_options()

    def watch_filter_error(self, error: str | None) -> None:
        line = self.query_one("#data-filter-error", Static)
        line.update(Text(error or ""))
        line.display = bool(error)

    def _refresh_status(self) -> None:
        if self.table is None:
            self._status(Text("No tables yet. Insert a document with a mutation, or `albertplus seed`.",
                              style="dim"))
            return
        count = next((t["count"] for t in self.tables if t["name"] == self.table), None)
        page = len(self.cursors)
        text = Text()
        text.append(self.table, style="bold")
        if count is not None:
            text.append(f" {int(count):,} docs", style="dim")
        text.append(f" · {self.used_index} {self.order if not self.filter.search else 'relevance'}")
        rows = len(self.page)
        if rows:
            start = (page - 1) * self.page_size + 1
            text.append(f" · p{page} rows {start}-{start + rows - 1}")
        else:
            text.append(f" · p{page} no rows")
        if self.page_info and not self.page_info.get("isDone", True):
            text.append(" · n: more", style="dim")
        if not self.filter.empty:
            text.append(f" · {describe(self.filter)}", style="cyan")
        if self.fetching:
            text.append(" · loading…", style="dim")
        if self.page_error:
            text = Text(self.page_error, style="red")
        self._status(text)

    # -- choosing what to show -------------------------------------------------------------------------

    def select_table(self, name: str) -> None:
        if name == self.table:
            return
        self.table = name
        self.filter = ParsedFilter()
        self.filter_error = None
        self.index = None
        self.cursors = [None]
        self.set_reactive(DataView.page, [])  # no redraw: the columns are fitted to the table's first page
        self.page_info = {}
        self._columns = []
        self.query_one("#data-filter", Input).value = ""
        self.used_index = DEFAULT_INDEX
        self._refresh_index_options()
        self._subscribe_page()

    def _refresh_index_options(self) -> None:
        """The picker shows the index the last page was read with (a search: its search index, disabled)."""
        select = self.query_one("#data-index", Select)
        names = [DEFAULT_INDEX, *self._index_names()]
        shown = self.used_index
        if shown not in names:
            names.append(shown)
        with select.prevent(Select.Changed):
            select.set_options([(name, name) for name in names])
            select.value = shown
        select.disabled = bool(self.filter.search)

    def _index_names(self) -> list[str]:
        table = self.schema.get(self.table or "")
        return [i["name"] for i in table.get("indexes", [])] if table else []

    def _subscribe_page(self) -> None:
        self.client.unsubscribe(self._page_sub)
        self._page_sub = None
        if self.table is None:
            return
        args: dict[str, Any] = {
            "table": self.table,
            "paginationOpts": {"numItems": self.page_size, "cursor": self.cursors[-1]},
            "order": self.order,
        }
        if self.index is not None:
            args["index"] = self.index
        if self.filter.conditions:
            args["filters"] = self.filter.conditions
        if self.filter.search:
            args["search"] = self.filter.search
        self.fetching = True
        self._page_sub = self.live("_system/frontend/tableData", args, self._on_page)

    def _restart(self) -> None:
        self.cursors = [None]
        self._subscribe_page()

    def focus_tables(self) -> None:
        self.query_one("#tables", TableList).focus()

    @on(OptionList.OptionHighlighted, "#tables")
    def _table_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.select_table(event.option.id)

    @on(OptionList.OptionSelected, "#tables")
    def _table_selected(self) -> None:
        self.query_one("#grid").focus()

    @on(Input.Submitted, "#data-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        """Apply the filter and move to the grid's first row, so a second Enter opens that document."""
        try:
            parsed = parse_filter(event.value)
            check_fields(parsed, self._known_fields())
        except FilterSyntaxError as e:
            self.filter_error = f"Filter: {e}"
            return
        if parsed.search:
            table = next((t for t in self.tables if t["name"] == self.table), None)
            if table is not None and not table.get("searchIndexes"):
                self.filter_error = f"{self.table} has no search index: write conditions like `field = value`"
                return
        self.filter_error = None
        self.filter = parsed
        self.index = None
        self._restart()
        grid = self.query_one("#grid", DataTable)
        grid.move_cursor(row=0, scroll=True)
        grid.focus()

    def _known_fields(self) -> set[str] | None:
        """The fields a filter may name: the schema's and the system fields (None: schemaless, anything goes)."""
        table = self.schema.get(self.table or "")
        if not table or table.get("documentType") is None:
            return None
        return {*object_fields(table["documentType"]), "_id", "_creationTime"}

    @on(Input.Changed, "#data-filter")
    def _filter_edited(self) -> None:
        self.filter_error = None

    @on(Select.Changed, "#data-index")
    def _index_changed(self, event: Select.Changed) -> None:
        """Only a person picking changes this (programmatic updates are prevented): read with that index."""
        self.index = str(event.value) if event.value is not Select.NULL else DEFAULT_INDEX
        self._restart()

    @on(Button.Pressed, "#data-order")
    def _order_pressed(self) -> None:
        self.action_toggle_order()

    @on(DataTable.RowSelected, "#grid")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if self.fetching:
            # The grid still shows the previous page (e.g. Enter right after a new filter): open the new
            # page's row once it arrives, never a document the filter no longer selects.
            self._open_when_loaded = True
            return
        self._open_row(event.cursor_row)

    def _open_row(self, row: int) -> None:
        if row < len(self._shown_ids):
            self.app.push_screen(DocumentScreen(self._shown_ids[row]))

    # -- actions ---------------------------------------------------------------------------------------

    def current_document(self) -> dict[str, Any] | None:
        grid = self.query_one("#grid", DataTable)
        if not grid.row_count or grid.cursor_row >= len(self._shown_ids):
            return None
        doc_id = self._shown_ids[grid.cursor_row]
        return next((doc for doc in self.page if doc["_id"] == doc_id), None)

    def action_next_page(self) -> None:
        if self.page_info.get("isDone", True) or not self.page_info.get("continueCursor"):
            self.notify("This is the last page", timeout=2)
            return
        self.cursors.append(self.page_info["continueCursor"])
        self._subscribe_page()

    def action_previous_page(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            self._subscribe_page()

    def action_cycle_index(self) -> None:
        names = [DEFAULT_INDEX, *self._index_names()]
        current = self.used_index
        self.index = names[(names.index(current) + 1) % len(names)] if current in names else DEFAULT_INDEX
        self._restart()

    def action_toggle_order(self) -> None:
        self.order = "asc" if self.order == "desc" else "desc"
        self._restart()

    def action_insert(self) -> None:
        if self.table is None:
            return
        table = self.schema.get(self.table)
        template = sample_value(table.get("documentType")) if table else {}
        self.app.push_screen(EditDocumentScreen(self.table, None, template if isinstance(template, dict) else {}))

    def action_edit(self) -> None:
        doc = self.current_document()
        if doc is not None and self.table is not None:
            self.app.push_screen(EditDocumentScreen(self.table, doc))

    def action_delete(self) -> None:
        doc = self.current_document()
        if doc is None:
            return
        doc_id = doc["_id"]

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete([doc_id])

        self.app.push_screen(ConfirmScreen(f"Delete document {self.fmt.doc_id(doc_id)} from {self.table}?",
                                           "Delete"), confirmed)

    @work(group="data-write")
    async def _delete(self, ids: list[str]) -> None:
        result = await self.client.system("deleteDocuments", {"ids": ids})
        if result.ok:
            self.notify(f"Deleted {len(ids)} document{'s' if len(ids) != 1 else ''}")
        else:
            self.notify(short_error(result.error), severity="error")

    def action_clear_table(self) -> None:
        if self.table is None:
            return
        table = self.table
        count = next((t["count"] for t in self.tables if t["name"] == table), 0)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._clear(table)

        self.app.push_screen(ConfirmScreen(f"Delete ALL {int(count):,} documents of table {table}?", "Clear table"),
                             confirmed)

    @work(group="data-write", exclusive=True)
    async def _clear(self, table: str) -> None:
        deleted = 0
        while True:
            result = await self.client.system("clearTable", {"table": table})
            if not result.ok:
                self.notify(short_error(result.error), severity="error")
                return
            deleted += int(result.value["deleted"])
            if not result.value["hasMore"]:
                break
        self.notify(f"Cleared {table}: {deleted:,} documents deleted")


_MISSING = object()
