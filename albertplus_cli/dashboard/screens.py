"""Modal screens: confirmation, the keys help, a live document view, and the JSON document editor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import orjson
from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from albertplus_cli.dashboard.client import FunctionResult, short_error
from albertplus_cli.dashboard.formatting import SYSTEM_FIELDS, id_references, json_text
from albertplus_cli.dashboard.sync_connection import QueryResult, Subscription
from albertplus_cli.values.json_formats import InvalidValueError, decode

if TYPE_CHECKING:
    from albertplus_cli.dashboard.app import DashboardApp

KEYS_HELP = """\
[b]Everywhere[/b]  (in an input, every key is text: esc first)
  1 2 3 4   Data, Functions, Logs, Schema & health      t  the table list
  /         filter (the current tab)      ?  this help      ctrl+c or q  quit
  esc       leave an input / close a window   tab  next widget
[b]Data[/b]  (tables on the left, documents on the right)
  enter     open the document (after a filter: enter, enter opens the first)
  i insert   e edit (JSON)   d delete   C clear the table
  n / p     next / previous page          s  sort by the next index   o  asc/desc
  filter:   field = value, credits >= 4   plain words search (search index)
[b]Document[/b]   e edit   d delete   enter follow the highlighted id   esc back
[b]Editor[/b]     ctrl+s save (asks to confirm)   esc cancel
[b]Functions[/b]  / filter by name (enter opens the first)   tab to the arguments
           enter/ctrl+r run   ctrl+t raw JSON args   n / p pages (paginated)
           act as: a subject (user_demo) or an identity JSON; queries stay live
[b]Logs[/b]       filter by function, status, text; enter shows the full entry"""


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no before anything that changes data."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n", "answer(False)", "No"),
                Binding("escape", "answer(False)", "Cancel", show=False)]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Label(self.question, id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error", compact=True)
                yield Button("No (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Text.from_markup(KEYS_HELP))

    def action_close(self) -> None:
        self.dismiss(None)


class DocumentScreen(ModalScreen[None]):
    """One document, live (a `getDocument` subscription), with the ids inside it to follow."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, doc_id: str) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.table: str | None = None
        self.document: dict[str, Any] | None = None
        self.text = ""
        self._sub: Subscription | None = None

    @property
    def dashboard(self) -> DashboardApp:
        return cast("DashboardApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="document", classes="dialog"):
            yield Static(id="document-title", classes="title")
            with VerticalScroll(id="document-body"):
                yield Static(id="document-json")
            yield Label("ids in this document (enter to open):", id="document-links-label")
            yield OptionList(id="document-links")
            yield Static(id="document-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#document-title", Static).update(f"Document {self.dashboard.fmt.doc_id(self.doc_id)}")
        self.query_one("#document-links-label").display = False
        self.query_one("#document-links").display = False

        def deliver(result: QueryResult) -> None:
            if self.is_attached:
                self.call_later(self._show, result)

        self._sub = self.dashboard.client.subscribe("_system/frontend/getDocument", {"id": self.doc_id}, deliver)
        self.query_one("#document-body").focus()

    def on_unmount(self) -> None:
        self.dashboard.client.unsubscribe(self._sub)

    def _show(self, result: QueryResult) -> None:
        fmt = self.dashboard.fmt
        body = self.query_one("#document-json", Static)
        if not result.ok:
            body.update(Text(short_error(result.error), style="red"))
            return
        self.table = result.value.get("table")
        self.document = result.value.get("document")
        title = f"{self.table or '?'} / {fmt.doc_id(self.doc_id)}"
        self.query_one("#document-title", Static).update(title)
        if self.document is None:
            body.update(Text("This document does not exist (it was deleted).", style="yellow"))
            return
        self.text = fmt.document_json(self.document)
        body.update(Syntax(self.text, "json", theme="ansi_dark", word_wrap=True,
                           background_color="default"))
        links = self.query_one("#document-links", OptionList)
        refs = id_references(self.document)
        links.clear_options()
        links.add_options([Option(f"{path} → {fmt.doc_id(ref)}", id=f"{i}:{ref}") for i, (path, ref) in
                           enumerate(refs)])
        links.display = bool(refs)
        if refs:
            links.highlighted = 0
        self.query_one("#document-links-label").display = bool(refs)

    @on(OptionList.OptionSelected, "#document-links")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        ref = (event.option.id or "").split(":", 1)[-1]
        if ref:
            self.app.push_screen(DocumentScreen(ref))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        if self.document is None or self.table is None:
            return
        self.app.push_screen(EditDocumentScreen(self.table, self.document))

    def action_delete(self) -> None:
        if self.document is None:
            return
        doc_id = self.doc_id
        fmt = self.dashboard.fmt

        async def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            result = await self.dashboard.client.system("deleteDocuments", {"ids": [doc_id]})
            if result.ok:
                self.dashboard.notify(f"Deleted {fmt.doc_id(doc_id)}")
                self.dismiss(None)
            else:
                self.query_one("#document-error", Static).update(short_error(result.error))

        self.app.push_screen(ConfirmScreen(f"Delete document {fmt.doc_id(doc_id)} from {self.table}?", "Delete"),
                             confirmed)


class EditDocumentScreen(ModalScreen[str | None]):
    """Edit (or insert) a document as JSON; the server validates it against the schema and its error shows
    here, in place, leaving the text as typed."""

    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, table: str, document: dict[str, Any] | None, template: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.table = table
        self.document = document
        fields = {k: val for k, val in (document or template or {}).items() if k not in SYSTEM_FIELDS}
        self.initial = json_text(fields)

    @property
    def dashboard(self) -> DashboardApp:
        return cast("DashboardApp", self.app)

    def compose(self) -> ComposeResult:
        fmt = self.dashboard.fmt
        what = (f"Edit {self.table} / {fmt.doc_id(self.document['_id'])}" if self.document
                else f"New document in {self.table}")
        with Vertical(id="editor", classes="dialog"):
            yield Static(f"{what}   [dim]ctrl+s save · esc cancel[/dim]", classes="title")
            yield TextArea(self.initial, id="editor-text", show_line_numbers=False)
            yield Static(id="editor-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#editor-error").display = False
        self.query_one("#editor-text", TextArea).focus()

    def show_error(self, message: str) -> None:
        error = self.query_one("#editor-error", Static)
        error.update(Text(message))
        error.display = True

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        text = self.query_one("#editor-text", TextArea).text
        try:
            value = decode(orjson.loads(text))
        except orjson.JSONDecodeError as e:
            self.show_error(f"Not valid JSON: {e}")
            return
        except InvalidValueError as e:
            self.show_error(f"Not a Convex value: {e}")
            return
        if not isinstance(value, dict):
            self.show_error("A document must be a JSON object")
            return
        fmt = self.dashboard.fmt
        question = (f"Save changes to {self.table} / {fmt.doc_id(self.document['_id'])}?" if self.document
                    else f"Insert this document into {self.table}?")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._write(value)

        self.app.push_screen(ConfirmScreen(question, "Save"), confirmed)

    @work(exclusive=True, group="editor-write")
    async def _write(self, value: dict[str, Any]) -> None:
        client = self.dashboard.client
        call: Callable[[], Awaitable[FunctionResult]]
        if self.document is not None:
            doc_id = self.document["_id"]

            def call() -> Awaitable[FunctionResult]:
                return client.system("replaceDocument", {"id": doc_id, "document": value})
        else:
            table = self.table

            def call() -> Awaitable[FunctionResult]:
                return client.system("insertDocument", {"table": table, "document": value})

        result = await call()
        if result.ok:
            fmt = self.dashboard.fmt
            self.dashboard.notify("Saved" if self.document is not None else f"Inserted {fmt.doc_id(result.value)}")
            self.dismiss(result.value)
        else:
            self.show_error(short_error(result.error))
