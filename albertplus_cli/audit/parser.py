"""Parse an NYU Degree Progress Report into its header facts and its Course History rows.

Why: students hold their course history as this PeopleSoft report. The web app's parser (spec §3) cut
the text at `YYYY Term` anchors and split each block on runs of 3+ spaces; it lost the row that a page
footer glued itself to (`Page 9 of 92025 Fall ...`: its footer regex ate the year), kept only one of
`Course Topic:`/`Repeat Code:`, knew only fall/spring starting terms, and broke on page headers in the
middle of the table. This parser works on the cells of `report_text` instead:

1. every cell is cleaned: page markers are cut out (their glued digits given back to the year), and a
   cell is split where a row anchor or a continuation label starts inside it (text pasted from pdf.js
   puts a whole page on one line);
2. only the Course History section counts: it starts at the "Course History" heading followed by its
   column header (the requirement groups' "Courses Used" tables repeat courses and come before it);
3. page furniture inside it (report title, "For ... prepared on ...", repeated headings and column
   headers) is dropped, so a row and its continuation line may sit on different pages;
4. each `YYYY Term` anchor starts a block that runs to the next one: term, subject, catalog number from
   the left, then title cells up to the units cell, a grade cell just before the units (none for an
   in-progress row), a type cell after them, then `Course Topic:`/`Repeat Code:` continuations.

Anything ignored inside the section is reported in `DegreeReport.warnings`, never dropped silently.
Term reading: `Spr`/`Sprg`/`Spring` = spring, `Sum`/`Summer` = summer, `Fall` = fall, and
`Win`/`Winter`/`J-Term`/`January` = j-term *of the year as written*: NYU's January term "2024 Win" runs in
January 2024, and the app's term cycle (fall 2023 -> j-term 2024 -> spring 2024) agrees.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final, Literal

from .errors import NoCourseHistoryError, NotADegreeReportError
from .report_text import ReportText, read_report

TermName = Literal["spring", "summer", "fall", "j-term"]

#: Order of terms inside one calendar year, as the app sorts them (spring < summer < fall < j-term).
TERM_ORDER: Final[dict[str, int]] = {"spring": 0, "summer": 1, "fall": 2, "j-term": 3}

_TERM_WORDS: Final[dict[str, TermName]] = {
    "spr": "spring", "sprg": "spring", "spring": "spring",
    "sum": "summer", "summer": "summer", "smr": "summer",
    "fall": "fall", "fal": "fall", "autumn": "fall",
    "win": "j-term", "winter": "j-term", "j-term": "j-term", "jterm": "j-term",
    "january": "j-term", "jan": "j-term",
}  # fmt: skip
# Row anchors use only the spellings a report's Term column uses, to keep false anchors out of titles.
_ROW_TERM_WORDS = (
    "spring", "sprg", "spr", "summer", "sum", "fall", "winter", "win", "j-term", "jterm", "january",
)  # fmt: skip
_ANY_TERM_WORD = "|".join(sorted((re.escape(w) for w in _TERM_WORDS), key=len, reverse=True))
_ROW_TERM_WORD = "|".join(re.escape(w) for w in _ROW_TERM_WORDS)
_YEAR = r"(?:19|20)\d{2}"

_ROW_ANCHOR = re.compile(rf"({_YEAR})\s+({_ROW_TERM_WORD})(?![A-Za-z])", re.IGNORECASE)
_KEYWORD = re.compile(r"(?P<key>course\s+topic|repeat\s+code)\s*:\s*(?P<value>.*)", re.IGNORECASE)
# Where a cell must be cut: a row anchor or a continuation label after a space inside it.
_CUT = re.compile(
    rf"(?<=\s)(?:{_YEAR}\s+(?:{_ROW_TERM_WORD})(?![A-Za-z])|(?:course\s+topic|repeat\s+code)\s*:)",
    re.IGNORECASE,
)
_PAGE_MARK = re.compile(r"page\s+(\d+)\s+of\s+(\d+)", re.IGNORECASE)

_CAREER = re.compile(
    rf"\bcareer[\s:]+(?:(?P<t1>{_ANY_TERM_WORD})\.?\s*(?P<y1>{_YEAR})|(?P<y2>{_YEAR})\s+(?P<t2>{_ANY_TERM_WORD}))"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_PREPARED = re.compile(
    r"\bfor\s+(?P<name>[^\d/]{1,100}?)\s+prepared\s+on\s+(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})",
    re.IGNORECASE,
)
_HISTORY = re.compile(r"course\s+history", re.IGNORECASE)
_HEADING = re.compile(r"course\s+history(?:\s*\(?continued\)?)?", re.IGNORECASE)
# Page furniture that repeats inside the Course History section; cut out wherever it sits in a cell.
_FURNITURE = re.compile(
    r"degree\s+progress\s+report"
    r"|\bfor\s+[^\d/]{1,100}?\s+prepared\s+on\s+\d{1,2}/\d{1,2}/\d{4}"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?"
    rf"|\b(?:undergraduate|graduate)\s+career\s+(?:{_ANY_TERM_WORD})\.?\s*{_YEAR}"
    r"|course\s+history(?:\s*\(?continued\)?)?",
    re.IGNORECASE,
)
_SECTION_END = re.compile(r"\(RG\s*\d+\)|^courses used$", re.IGNORECASE)
_COLUMN_HEADERS: Final[tuple[tuple[str, ...], ...]] = (
    ("term", "subject", "catalog", "nbr", "title", "grade", "units", "type"),
    ("term", "subject", "catalog", "nbr", "course", "title", "grade", "units", "type"),
)

_SUBJECT = re.compile(r"[A-Z][A-Z0-9&]*(?:-[A-Z0-9]+)*", re.IGNORECASE)
_SCHOOL_SUFFIX = re.compile(r"[A-Z]{2}")
_CATALOG = re.compile(r"[A-Z]{0,2}\d{1,5}[A-Z]{0,3}", re.IGNORECASE)
_GRADE = r"[A-Z]{1,3}[+-]?"
_TYPE = r"[A-Z]{2,3}"
_UNITS_CELL = re.compile(
    rf"(?:(?P<grade>{_GRADE})\s+)?(?P<units>\d{{1,2}}(?:\.\d{{1,3}})?)(?:\s+(?P<type>{_TYPE}))?"
)
_MERGED_CELL = re.compile(
    rf"(?P<title>.*?\S)\s+(?:(?P<grade>{_GRADE})\s+)?(?P<units>\d{{1,2}}\.\d{{1,3}})(?:\s+(?P<type>{_TYPE}))?"
)
_TYPE_CELL = re.compile(_TYPE)
_GRADE_CELL = re.compile(_GRADE)
_ROMAN = re.compile(r"II|III|IV|V|VI|VII|VIII|IX|X")
_TOPIC_NUMBER = re.compile(r"^\s*\d+\s*-\s*")


@dataclass(frozen=True)
class Term:
    """An academic term as the schema spells it: a calendar year and one of four term names."""

    year: int
    term: TermName

    @property
    def sort_key(self) -> tuple[int, int]:
        """Chronological order within the app's convention (spring < summer < fall < j-term)."""
        return (self.year, TERM_ORDER[self.term])

    def __str__(self) -> str:
        return f"{self.term} {self.year}"


@dataclass(frozen=True)
class CourseRow:
    """One Course History row. `title` already carries the course topic; `grade` is the report's own."""

    term: Term
    subject: str
    catalog_number: str
    title: str
    grade: str | None
    units: float | None
    type: str | None
    repeat_code: str | None = None
    course_topic: str | None = None

    @property
    def course_code(self) -> str:
        """The app's course code, subject and catalog number: "CSCI-UA 101"."""
        return f"{self.subject} {self.catalog_number}"


@dataclass
class DegreeReport:
    """What the report says about the student, and every Course History row in report order."""

    student_name: str | None
    report_date: date | None
    starting_term: Term | None
    rows: list[CourseRow]
    warnings: list[str] = field(default_factory=list)


def parse_report(source: Path | bytes | str, *, name: str | None = None) -> DegreeReport:
    """Read a report (see `read_report` for what `source` may be) and parse it.

    Raises an `AuditError` subclass, with a one-line message, when the input is not a usable report.
    """
    return parse_report_text(read_report(source, name=name))


def parse_report_text(text: ReportText) -> DegreeReport:
    """Parse the lines of cells of a report already read by `read_report`."""
    first_page = text.page_text(1) if text.kind == "pdf" else text.full_text
    if "degree progress report" not in _squash(first_page).lower():
        where = "on its first page" if text.kind == "pdf" else "in its text"
        raise NotADegreeReportError(
            f'{text.name} is not a Degree Progress Report (no "Degree Progress Report" {where})'
        )
    cells = _cells(text)
    start = _history_start(cells)
    if start is None:
        raise NoCourseHistoryError(f'"Course History" heading not found in {text.name}')
    head_index, history = start
    warnings: list[str] = []
    name, prepared = _student(text, warnings)
    starting = _starting_term(_squash(" ".join(cell.text for cell in cells[:head_index])))
    if starting is None:
        starting = _starting_term(_squash(text.full_text))
    rows = _parse_history(history, warnings)
    return DegreeReport(name, prepared, starting, rows, warnings)


# ---------------------------------------------------------------------------------------------------------
# Header facts


def _squash(text: str) -> str:
    """Collapse all whitespace to single spaces."""
    return " ".join(text.split())


def _starting_term(text: str) -> Term | None:
    """The term of the career line ("Undergraduate Career Fall 2023", "Graduate Career Spr 2024")."""
    match = _CAREER.search(text)
    if match is None:
        return None
    word = (match["t1"] or match["t2"]).lower()
    return Term(int(match["y1"] or match["y2"]), _TERM_WORDS[word])


def _student(text: ReportText, warnings: list[str]) -> tuple[str | None, date | None]:
    """Name and date from "For <name> prepared on MM/DD/YYYY" (looked for line by line, then anywhere)."""
    candidates = [line.text for line in text.lines if line.page == 1] + [_squash(text.full_text)]
    for candidate in candidates:
        match = _PREPARED.search(candidate)
        if match is None:
            continue
        name = _squash(match["name"]) or None
        try:
            return name, date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            written = f"{match['m']}/{match['d']}/{match['y']}"
            warnings.append(f"report date {written} is not a valid date; ignored")
            return name, None
    return None, None


# ---------------------------------------------------------------------------------------------------------
# Cells


@dataclass(frozen=True)
class _Cell:
    """One cell after cleaning, with its page for warnings."""

    text: str
    page: int


def split_page_marks(text: str) -> list[str]:
    """Cut every "Page N of M" out of `text`, returning the pieces around them.

    A footer glued to the next row leaves its total and the row's year as one digit run
    ("Page 9 of 92025 Fall"): the total is the shortest prefix of the run that is >= N and leaves
    a `YYYY Term` anchor behind, and the rest of the digits go back to the row.
    """
    pieces: list[str] = []
    pos = 0
    carry = ""
    for match in _PAGE_MARK.finditer(text):
        number, digits = int(match[1]), match[2]
        after = text[match.end():]
        given_back = ""
        for cut in range(1, len(digits)):
            if int(digits[:cut]) >= number and _ROW_ANCHOR.match(digits[cut:] + after):
                given_back = digits[cut:]
                break
        pieces.append(carry + text[pos:match.start()])
        carry, pos = given_back, match.end()
    pieces.append(carry + text[pos:])
    return pieces


def _cut(text: str) -> list[str]:
    """Split a cell where a row anchor or a continuation label begins inside it."""
    starts = [0] + [m.start() for m in _CUT.finditer(text)]
    return [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)], strict=True)]


def _cells(text: ReportText) -> list[_Cell]:
    """All cells of the report in reading order, page markers removed and glued cells cut apart."""
    cells: list[_Cell] = []
    for line in text.lines:
        for raw in line.cells:
            for piece in split_page_marks(raw):
                for part in _cut(piece):
                    if part:
                        cells.append(_Cell(part, line.page))
    return cells


def _header_length(texts: Sequence[str]) -> int:
    """How many leading cells of `texts` form the table's column header (0 when they don't)."""
    tokens: list[str] = []
    for count, text in enumerate(texts[:12], start=1):
        tokens += [token.strip(".:").lower() for token in text.split()]
        if any(tokens == list(header) for header in _COLUMN_HEADERS):
            return count
        if not any(list(header[: len(tokens)]) == tokens for header in _COLUMN_HEADERS):
            return 0
    return 0


def _history_start(cells: Sequence[_Cell]) -> tuple[int, list[_Cell]] | None:
    """Find the Course History heading; return its cell index and the cells of the section after it.

    Preference: a heading followed by the column header, then a cell that is only the heading, then a
    cell that starts with it. A mention inside a sentence ("reviewed the Course History with ...") is
    not a heading: the original took the first mention anywhere, so such a note would have hidden a
    missing section behind an empty history.
    """
    mentions: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        match = _HISTORY.search(cell.text)
        if match:
            mentions.append((index, cell.text[match.end():].strip()))
    if not mentions:
        return None

    def section(index: int, rest: str) -> list[_Cell]:
        head = [_Cell(rest, cells[index].page)] if rest else []
        return head + list(cells[index + 1:])

    for index, rest in mentions:
        following = ([rest] if rest else []) + [cell.text for cell in cells[index + 1: index + 13]]
        if _header_length(following):
            return index, section(index, rest)
    for index, rest in mentions:
        if _HEADING.fullmatch(cells[index].text):
            return index, section(index, rest)
    for index, rest in mentions:
        if _HEADING.match(cells[index].text):
            return index, section(index, rest)
    return None


# ---------------------------------------------------------------------------------------------------------
# Course History rows


def _parse_history(cells: Sequence[_Cell], warnings: list[str]) -> list[CourseRow]:
    """Drop page furniture, cut the section into one block per row anchor, and parse each block."""
    cleaned = [
        _Cell(piece.strip(), cell.page)
        for cell in cells
        for piece in _FURNITURE.split(cell.text)
        if piece.strip()
    ]
    kept: list[_Cell] = []
    index = 0
    while index < len(cleaned):
        header = _header_length([c.text for c in cleaned[index: index + 12]])
        if header:
            index += header
            continue
        if _SECTION_END.search(cleaned[index].text):
            break
        kept.append(cleaned[index])
        index += 1

    blocks: list[list[_Cell]] = []
    for cell in kept:
        if _ROW_ANCHOR.match(cell.text):
            blocks.append([cell])
        elif blocks:
            blocks[-1].append(cell)
        else:
            warnings.append(f"page {cell.page}: ignored text before the first course row: {cell.text!r}")

    rows: list[CourseRow] = []
    for block in blocks:
        row = _parse_block(block, warnings)
        if row is not None:
            rows.append(row)
    return rows


@dataclass
class _Tail:
    """The cells of a block after its catalog number, read into title, grade, units and type."""

    title_cells: list[str]
    grade: str | None = None
    units: str | None = None
    type: str | None = None
    leftover: list[str] = field(default_factory=list)


def _parse_block(block: Sequence[_Cell], warnings: list[str]) -> CourseRow | None:
    """Parse one row block: anchor cell, fields, continuations. Returns None (with a warning) if unusable."""
    first = block[0]
    anchor = _ROW_ANCHOR.match(first.text)
    assert anchor is not None
    term = Term(int(anchor[1]), _TERM_WORDS[anchor[2].lower()])
    texts = [first.text[anchor.end():].strip()] + [cell.text for cell in block[1:]]
    shown = " | ".join(cell.text for cell in block)[:120]

    queue = [text.split() for text in texts if text.strip()]
    subject = _take(queue)
    catalog = _take(queue)
    if subject and catalog and "-" not in subject and _SCHOOL_SUFFIX.fullmatch(catalog):
        following = _peek(queue)
        if following and _CATALOG.fullmatch(following):  # "CSCI" "UA 9" -> "CSCI-UA" "9"
            subject, catalog = f"{subject}-{catalog}", _take(queue)
    if not (subject and catalog and _SUBJECT.fullmatch(subject) and _CATALOG.fullmatch(catalog)):
        warnings.append(f"page {first.page}: skipped a line that is not a course row: {shown!r}")
        return None
    code = f"{subject} {catalog}"

    rest = [" ".join(tokens) for tokens in queue if tokens]
    split_at = next((i for i, text in enumerate(rest) if _KEYWORD.match(text)), len(rest))
    tail = _read_tail(rest[:split_at])
    topic, repeat, ignored = _continuations(rest[split_at:], code, first.page, warnings)
    for text in tail.leftover + ignored:
        warnings.append(f"page {first.page}: ignored text after {code} ({term}): {text!r}")

    title = " ".join(tail.title_cells).strip()
    if not title:
        warnings.append(f"page {first.page}: skipped {code} ({term}): no title")
        return None
    if tail.units is None:
        warnings.append(f"page {first.page}: {code} ({term}) has no units column; read as {shown!r}")
    return CourseRow(
        term=term,
        subject=subject,
        catalog_number=catalog,
        title=compose_title(title, topic),
        grade=tail.grade,
        units=float(tail.units) if tail.units is not None else None,
        type=tail.type,
        repeat_code=repeat,
        course_topic=topic,
    )


def _take(queue: list[list[str]]) -> str | None:
    """Pop the next token, crossing into the next cell when the current one is used up."""
    while queue and not queue[0]:
        queue.pop(0)
    return queue[0].pop(0) if queue else None


def _peek(queue: list[list[str]]) -> str | None:
    """The next token without taking it."""
    return next((tokens[0] for tokens in queue if tokens), None)


def _read_tail(cells: list[str]) -> _Tail:
    """Find the units cell (the first after a title cell); the grade sits just before it, the type after.

    A title never spans cells in a PDF, so two cells before the units mean title + grade; a roman
    numeral there ("Calculus  II" pasted with two spaces) stays in the title. If no cell is a units
    cell, one cell may hold title, grade, units and type run together (columns too close to split).
    """
    for j in range(1, len(cells)):
        match = _UNITS_CELL.fullmatch(cells[j])
        if match is None:
            continue
        kind, k = match["type"], j + 1
        if kind is None and k < len(cells) and _TYPE_CELL.fullmatch(cells[k]):
            kind, k = cells[k], k + 1
        if "." not in match["units"] and kind is None:
            continue  # a bare integer is only units when a type follows it
        title_cells, grade = cells[:j], match["grade"]
        if grade is None and len(title_cells) >= 2 and _looks_like_grade(title_cells[-1]):
            grade = title_cells.pop()
        return _Tail(title_cells, grade, match["units"], kind, cells[k:])
    for j, cell in enumerate(cells):
        match = _MERGED_CELL.fullmatch(cell)
        if match is None:
            continue
        kind, k = match["type"], j + 1
        if kind is None and k < len(cells) and _TYPE_CELL.fullmatch(cells[k]):
            kind, k = cells[k], k + 1
        return _Tail([*cells[:j], match["title"]], match["grade"], match["units"], kind, cells[k:])
    return _Tail(list(cells))


def _looks_like_grade(cell: str) -> bool:
    """A short upper-case code such as A-, B+, INC, TR; not a roman numeral ending a title."""
    return bool(_GRADE_CELL.fullmatch(cell)) and not _ROMAN.fullmatch(cell)


def _continuations(
    cells: Sequence[str], code: str, page: int, warnings: list[str]
) -> tuple[str | None, str | None, list[str]]:
    """Read `Course Topic:` and `Repeat Code:` lines; the value is the label's cell rest or the next cell."""
    topic: str | None = None
    repeat: str | None = None
    ignored: list[str] = []
    index = 0
    while index < len(cells):
        match = _KEYWORD.match(cells[index])
        index += 1
        if match is None:
            ignored.append(cells[index - 1])
            continue
        value = match["value"].strip()
        if not value and index < len(cells) and not _KEYWORD.match(cells[index]):
            value, index = cells[index], index + 1
        is_topic = match["key"].lower().startswith("course")
        if (topic if is_topic else repeat) is not None:
            warnings.append(f"page {page}: {code} has a second {match['key']!r} line; kept the first")
        elif is_topic:
            topic = value or None
        else:
            repeat = value or None
    return topic, repeat, ignored


def compose_title(title: str, topic: str | None) -> str:
    """The original's title rule: trim, drop one trailing ":", append the topic without its "12 - "
    number, as "Title: Topic" or, when the title already has a colon, "Title - Topic"."""
    title = title.strip()
    if title.endswith(":"):
        title = title[:-1].strip()
    if topic:
        clean = _TOPIC_NUMBER.sub("", topic).strip()
        if clean:
            title = f"{title} - {clean}" if ":" in title else f"{title}: {clean}"
    return title
