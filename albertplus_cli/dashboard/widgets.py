"""Small widgets the tabs share: lists whose names end in `…` when the pane is too narrow, never cut silently."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import OptionList, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeDataType, TreeNode


def fit(text: Text, width: int) -> Text:
    """`text` if it fits in `width` cells, else cut with a trailing `…` (the reader sees it goes on)."""
    if width <= 0 or text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


class EllipsisTree(Tree[TreeDataType], Generic[TreeDataType]):
    """A tree whose labels end in `…` at the visible width; widths are measured again on every resize."""

    def render_label(self, node: TreeNode[TreeDataType], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width
        if width <= 0:
            return label
        depth = 0
        parent = node.parent
        while parent is not None:
            depth += 1
            parent = parent.parent
        levels = depth if self.show_root else depth - 1
        return fit(label, width - max(0, levels) * self.guide_depth)


class TableList(OptionList):
    """The Data tab's tables with their live document counts: the count right-aligned, the name whole or `…`."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.tables: list[dict[str, Any]] = []

    def label(self, table: dict[str, Any]) -> Text:
        count = f"{int(table['count']):,}"
        width = self.scrollable_content_region.width or 24
        name = fit(Text(table["name"]), max(1, width - len(count) - 1))
        label = Text.assemble(name, " " * max(1, width - name.cell_len - len(count)))
        label.append(count, style="dim")
        return label

    def show_tables(self, tables: Sequence[dict[str, Any]]) -> None:
        """Relabel in place when only counts changed (every write re-runs the query), else rebuild."""
        old = {t["name"]: t for t in self.tables}
        self.tables = list(tables)
        if [t["name"] for t in self.tables] == list(old):
            for i, table in enumerate(self.tables):
                if table != old[table["name"]]:
                    self.replace_option_prompt_at_index(i, self.label(table))
            return
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self.label(t), id=t["name"]) for t in self.tables])
        if highlighted is not None and self.tables:
            self.highlighted = min(highlighted, len(self.tables) - 1)

    def on_resize(self, _event: events.Resize) -> None:
        for i, table in enumerate(self.tables):
            self.replace_option_prompt_at_index(i, self.label(table))
