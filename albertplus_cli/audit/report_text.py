"""Turn a degree report (PDF bytes, a file, or pasted text) into lines of column cells.

Why: the report is a table, and the original web parser recovered its columns from pdf.js' habit of
emitting whitespace items between them (runs of 3+ spaces after joining). That is an accident of one
library. Here a PDF's columns come from geometry instead: pdfplumber gives every word's box, words are
grouped into visual lines by their vertical position, and a line is cut into cells wherever the
horizontal gap between two words is well above a normal word space. Pasted text has no geometry, so its
columns are runs of 2+ spaces or tabs. Both end up as the same `ReportText`, so the parser does not care
where the text came from.

This module also decides what the input *is* (by content: the `%PDF-` magic, not the file name) and
raises the one-line errors of `errors.py` for inputs that cannot be read at all.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import EmptyFileError, ImageOnlyPdfError, NotAPdfError, UnreadableFileError

SourceKind = Literal["pdf", "text"]

PDF_MAGIC = b"%PDF-"
# The PDF spec lets a file carry junk before its header; readers look at the first 1 KiB.
_MAGIC_WINDOW = 1024

# A gap between two words is a column boundary when it is wider than this many word spaces...
_GAP_IN_SPACES = 1.6
# ...and, whatever the font's space width, wider than this fraction of the font size.
_MIN_GAP_EM = 0.4
# Space width as a fraction of the font size when the PDF has no space glyphs to measure (Helvetica).
_DEFAULT_SPACE_EM = 0.278
# Characters closer than this fraction of their size belong to the same word (PDFs without spaces).
_WORD_TOLERANCE_EM = 0.15

# Ligature glyphs some PDF producers use; a title must read "Finance", not "\ufb01nance".
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb06": "st"}

# Pasted text: a tab, or two or more spaces, separates columns.
_TEXT_CELL_SPLIT = re.compile(r"\t+|[ ]{2,}")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TextLine:
    """One visual line of the report: its 1-based page and its cells, left to right."""

    page: int
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        """The line as plain text, cells joined by one space."""
        return " ".join(self.cells)


@dataclass(frozen=True)
class ReportText:
    """The whole input as lines of cells, plus where it came from (for messages)."""

    kind: SourceKind
    name: str
    page_count: int
    lines: tuple[TextLine, ...]

    def page_text(self, page: int) -> str:
        """The text of one page (1-based), lines joined by newlines."""
        return "\n".join(line.text for line in self.lines if line.page == page)

    @property
    def full_text(self) -> str:
        """Every line of every page, joined by newlines."""
        return "\n".join(line.text for line in self.lines)


def read_report(source: Path | bytes | str, *, name: str | None = None) -> ReportText:
    """Read `source` and return its lines of cells.

    `source` is a `Path` (a file, PDF or text), `bytes` (a file's content) or `str` (the report's text,
    as pasted). As a convenience a one-line `str` naming an existing file is read as that file. `name`
    labels the input in error messages (default: the file name, or "input").
    """
    if isinstance(source, str) and _names_a_file(source):
        source = Path(source)
    if isinstance(source, Path):
        label = name or source.name or str(source)
        data = _read_file(source, label)
        claims_pdf = source.suffix.lower() == ".pdf"
    elif isinstance(source, bytes):
        label = name or "input"
        data = source
        claims_pdf = label.lower().endswith(".pdf")
    else:
        return text_to_report(source, name=name or "input")

    if not data.strip():
        raise EmptyFileError(f"{label} is empty")
    if PDF_MAGIC in data[:_MAGIC_WINDOW]:
        return pdf_to_report(data, name=label)
    if claims_pdf:
        raise NotAPdfError(f"{label} is not a PDF (it does not start with %PDF-)")
    return text_to_report(_decode_text(data, label), name=label)


def _names_a_file(text: str) -> bool:
    """True when `text` is short, one line, and the path of an existing file."""
    if "\n" in text or len(text) > 4096 or not text.strip():
        return False
    try:
        return Path(text).is_file()
    except OSError:
        return False


def _read_file(path: Path, label: str) -> bytes:
    """Read a file's bytes, turning every OS error into one `UnreadableFileError` line."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(f"cannot read {label}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(f"cannot read {label}: it is a directory") from None
    except PermissionError:
        raise UnreadableFileError(f"cannot read {label}: permission denied") from None
    except OSError as err:
        raise UnreadableFileError(f"cannot read {label}: {err.strerror or err}") from None


def _decode_text(data: bytes, label: str) -> str:
    """Decode a text report; binary content (control bytes) is refused as neither PDF nor text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in sample or controls > len(sample) // 100:
        raise NotAPdfError(f"{label} is neither a PDF nor a text report (binary content)")
    return text


# ---------------------------------------------------------------------------------------------------------
# Text input


def text_to_report(text: str, *, name: str = "input") -> ReportText:
    """Split pasted text into lines (form feeds start new pages) and cells (tabs or 2+ spaces)."""
    text = text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyFileError(f"{name} is empty")
    lines: list[TextLine] = []
    pages = text.split("\f")
    for page_no, page in enumerate(pages, start=1):
        for raw in page.split("\n"):
            cells = tuple(_clean(cell) for cell in _TEXT_CELL_SPLIT.split(raw))
            cells = tuple(cell for cell in cells if cell)
            if cells:
                lines.append(TextLine(page_no, cells))
    return ReportText("text", name, len(pages), tuple(lines))


def _clean(cell: str) -> str:
    """Collapse inner whitespace to single spaces and trim."""
    return _WHITESPACE.sub(" ", cell).strip()


# ---------------------------------------------------------------------------------------------------------
# PDF input


def pdf_to_report(data: bytes, *, name: str = "input") -> ReportText:
    """Read every page's glyphs with pdfplumber and rebuild lines, words and column cells from them.

    The glyphs come from `page.layout` (pdfminer's objects, as pdfplumber builds them) rather than
    `page.chars`: pdfplumber's per-character dicts triple the cost, and only boxes and text are needed.
    """
    import pdfplumber  # deferred: pdfminer is slow to import and text input never needs it
    from pdfplumber.utils.exceptions import PdfminerException

    lines: list[TextLine] = []
    has_images = False
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page_count = len(pdf.pages)
            if page_count == 0:
                raise EmptyFileError(f"{name} is a PDF without pages")
            for page_no, page in enumerate(pdf.pages, start=1):
                glyphs, images = _page_glyphs(page.layout)
                has_images = has_images or images
                space_em = _space_em(glyphs)
                for line in group_lines(glyphs):
                    cells = split_cells(line_words(line), space_em)
                    if cells:
                        lines.append(TextLine(page_no, cells))
    except PdfminerException as err:
        cause = err.args[0] if err.args else err
        if "password" in type(cause).__name__.lower() or "encrypt" in str(cause).lower():
            raise UnreadableFileError(f"cannot read {name}: the PDF is password-protected") from None
        raise NotAPdfError(f"{name} is not a readable PDF (damaged: {cause})") from None
    if not lines:
        if has_images:
            raise ImageOnlyPdfError(f"{name} contains no text; is it a scanned image?")
        raise EmptyFileError(f"{name} is a PDF with no text")
    return ReportText("pdf", name, page_count, tuple(lines))


@dataclass(slots=True)
class Box:
    """A glyph or a word: its text and box (`top`/`bottom` measured down from the page's top edge)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def _page_glyphs(layout: Any) -> tuple[list[Box], bool]:
    """Every character of a page (descending into form XObjects), and whether the page has images."""
    from pdfminer.layout import LTChar, LTContainer, LTImage

    top_edge = float(layout.y1)
    glyphs: list[Box] = []
    has_images = False
    stack = [layout]
    while stack:
        for obj in stack.pop():
            if isinstance(obj, LTChar):
                size = float(obj.size) or float(obj.height)
                text = obj.get_text()
                top, bottom = top_edge - obj.y1, top_edge - obj.y0
                glyphs.append(Box(_LIGATURES.get(text, text), obj.x0, obj.x1, top, bottom, size))
            elif isinstance(obj, LTImage):
                has_images = True
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    return glyphs, has_images


def _space_em(glyphs: Iterable[Box]) -> float:
    """The page's space width as a fraction of font size, measured on its space glyphs when it has some."""
    ratios = [(g.x1 - g.x0) / g.size for g in glyphs if g.text == " " and g.size > 0 and g.x1 > g.x0]
    return statistics.median(ratios) if ratios else _DEFAULT_SPACE_EM


def group_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Group boxes into visual lines: a box joins the line whose vertical middle is close to its own.

    Sorting by vertical middle (not by `top`) keeps a line together when its cells use different font
    sizes; "close" is under half the larger height, so two table rows never merge.
    """
    lines: list[list[Box]] = []
    line_mid = 0.0
    line_height = 0.0
    for box in sorted(boxes, key=lambda b: b.top + b.bottom):
        mid = (box.top + box.bottom) / 2
        height = box.bottom - box.top
        if lines and abs(mid - line_mid) <= max(height, line_height) / 2:
            lines[-1].append(box)
            line_mid += (mid - line_mid) / len(lines[-1])
            line_height = max(line_height, height)
        else:
            lines.append([box])
            line_mid, line_height = mid, height
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def line_words(glyphs: Sequence[Box]) -> list[Box]:
    """Join one line's glyphs (left to right) into words: a space glyph, or a gap wider than a small
    fraction of the font size (PDFs that position words without drawing spaces), ends a word."""
    words: list[Box] = []
    current: Box | None = None
    for glyph in glyphs:
        if not glyph.text.strip():
            current = None
            continue
        if current is not None and glyph.x0 - current.x1 <= _WORD_TOLERANCE_EM * max(glyph.size, current.size):
            current.text += glyph.text
            current.x1 = max(current.x1, glyph.x1)
            current.top = min(current.top, glyph.top)
            current.bottom = max(current.bottom, glyph.bottom)
            current.size = max(current.size, glyph.size)
        else:
            current = Box(glyph.text, glyph.x0, glyph.x1, glyph.top, glyph.bottom, glyph.size)
            words.append(current)
    return words


def split_cells(words: Sequence[Box], space_em: float = _DEFAULT_SPACE_EM) -> tuple[str, ...]:
    """Cut one line's words (left to right) into cells at gaps wider than a column gap."""
    cells: list[list[str]] = []
    prev_x1: float | None = None
    prev_size = 0.0
    for word in words:
        gap_limit = max(_GAP_IN_SPACES * space_em, _MIN_GAP_EM) * max(word.size, prev_size)
        if prev_x1 is None or word.x0 - prev_x1 > gap_limit:
            cells.append([])
        cells[-1].append(word.text)
        prev_x1 = word.x1 if prev_x1 is None else max(word.x1, prev_x1)
        prev_size = word.size
    return tuple(_clean(" ".join(cell)) for cell in cells if cell)
