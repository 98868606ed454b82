"""Synthetic NYU Degree Progress Reports for the audit tests: one description, several renderings.

Why: real reports are private student records, and the original app had no fixtures at all. A
`SyntheticReport` describes a report the way PeopleSoft lays it out (header, programs table, advisor
notations, requirement groups whose "Courses Used" tables repeat courses, then Course History), and
`paginate` turns it into pages of items once, with "Page N of M" footers, the report header repeated on
every page, the Course History heading and column header repeated on each new page of the history, and an
optional forced break between a row and its continuation lines. Renderers then draw those pages as:

* `render_fpdf`      - a PDF made with fpdf2 (Helvetica 9, US letter, left-aligned columns);
* `render_reportlab` - a PDF made with reportlab (Times 10, A4, other column positions, right-aligned units,
                       centred grades, "Course Topic:" label and value in separate columns);
* `render_text`      - text as pdf.js' extraction produced it (a page per line, 3 spaces between columns,
                       the footer glued to the first row of its page: `Page 9 of 92025 Fall ...`), or as
                       pasted from a viewer (a line per line, columns separated by spaces or tabs).

The builder is the oracle: `expected_rows` derives, independently of the parser, the `CourseRow`s a
correct parse must return, so the tests compare the parse row by row with what was drawn.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

from albertplus_cli.audit import CourseRow, Term

if TYPE_CHECKING:
    from fpdf import FPDF
    from reportlab.pdfgen.canvas import Canvas

HISTORY_HEADER = ("Term", "Subject", "Catalog Nbr", "Title", "Grade", "Units", "Type")
USED_HEADER = ("Term", "Subject", "Catalog Nbr", "Course Title", "Grade", "Units", "Type")
PROGRAMS_HEADER = ("Program", "Requirement Term", "Requirement Status")

# How the report writes a term (second word of "2025 Fall") -> the schema's term name.
TERM_NAMES = {"Spr": "spring", "Sum": "summer", "Fall": "fall", "Win": "j-term"}


@dataclass(frozen=True)
class HistoryRow:
    """One course as the report prints it (cells exactly as drawn)."""

    term: str  # "2025 Fall"
    subject: str  # "CSCI-UA"
    catalog: str  # "472L"
    title: str  # as printed; may end with ":"
    grade: str | None  # as printed; None = blank (in progress)
    units: str = "4.00"
    type: str = "EN"
    topic: str | None = None  # "12 - Computer Vision"
    repeat_code: str | None = None
    break_before_continuation: bool = False  # force a page break between this row and its continuations

    def cells(self) -> tuple[str, ...]:
        return (self.term, self.subject, self.catalog, self.title, self.grade or "", self.units, self.type)

    def continuations(self) -> list[tuple[str, str]]:
        found = []
        if self.topic is not None:
            found.append(("Course Topic:", self.topic))
        if self.repeat_code is not None:
            found.append(("Repeat Code:", self.repeat_code))
        return found


@dataclass(frozen=True)
class Requirement:
    title: str
    code: str  # "R2046/10"
    status: str  # "Not Satisfied: Complete 2 more courses"
    counter: str  # "Courses: 6.00 required, 4.00 used"
    used: tuple[HistoryRow, ...] = ()


@dataclass(frozen=True)
class RequirementGroup:
    title: str
    code: str  # "RG1234"
    status: str
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class SyntheticReport:
    student_name: str
    prepared_on: date
    career_line: str  # "Undergraduate Career Fall 2023"
    history: tuple[HistoryRow, ...]
    programs: tuple[tuple[str, str, str], ...] = ()
    groups: tuple[RequirementGroup, ...] = ()
    advisor_notes: tuple[str, ...] = ()
    include_history: bool = True
    report_title: str = "Degree Progress Report"


# ---------------------------------------------------------------------------------------------------------
# Pages

ItemKind = Literal["title", "byline", "text", "heading", "subheading", "colheader", "row", "cont"]


@dataclass(frozen=True)
class Item:
    """One drawn line: its kind decides the font and where its cells go."""

    kind: ItemKind
    cells: tuple[str, ...]
    history: bool = False  # inside the Course History section


@dataclass
class Page:
    number: int
    items: list[Item] = field(default_factory=list)


def _body(report: SyntheticReport) -> Iterator[Item | str]:
    """The report's body items in order; the string "BREAK" asks for a page break."""
    yield Item("text", (report.career_line,))
    if report.programs:
        yield Item("heading", ("Programs",))
        yield Item("colheader", PROGRAMS_HEADER)
        for program in report.programs:
            yield Item("row", program)
    if report.advisor_notes:
        yield Item("heading", ("Advisor Notations",))
        for note in report.advisor_notes:
            yield Item("text", (note,))
    for group in report.groups:
        yield Item("subheading", (f"{group.title} ({group.code})",))
        yield Item("text", (group.status,))
        for requirement in group.requirements:
            yield Item("subheading", (f"{requirement.title} ({requirement.code})",))
            yield Item("text", (requirement.status,))
            yield Item("text", (requirement.counter,))
            if requirement.used:
                yield Item("text", ("Courses Used",))
                yield Item("colheader", USED_HEADER)
                for row in requirement.used:
                    yield Item("row", row.cells())
    if report.include_history:
        yield Item("heading", ("Course History",), history=True)
        yield Item("colheader", HISTORY_HEADER, history=True)
        for row in report.history:
            yield Item("row", row.cells(), history=True)
            if row.break_before_continuation:
                yield "BREAK"
            for label, value in row.continuations():
                yield Item("cont", (label, value), history=True)


def paginate(report: SyntheticReport, lines_per_page: int) -> list[Page]:
    """Lay the body out on pages of `lines_per_page` items (page header and footer not counted)."""
    pages = [Page(1)]
    used = 0
    in_history = False
    for entry in _body(report):
        if entry == "BREAK" or used >= lines_per_page:
            pages.append(Page(len(pages) + 1))
            used = 0
            if in_history:  # the section header is repeated on each new page of the history
                pages[-1].items.append(Item("heading", ("Course History",), history=True))
                pages[-1].items.append(Item("colheader", HISTORY_HEADER, history=True))
                used = 2
            if entry == "BREAK":
                continue
        assert isinstance(entry, Item)
        in_history = in_history or entry.history
        pages[-1].items.append(entry)
        used += 1
    return pages


def _byline(report: SyntheticReport) -> str:
    return f"For {report.student_name} prepared on {report.prepared_on:%m/%d/%Y}"


def _footer(page: Page, total: int) -> str:
    return f"Page {page.number} of {total}"


# ---------------------------------------------------------------------------------------------------------
# PDF layout A: fpdf2


@dataclass(frozen=True)
class LayoutA:
    lines_per_page: int = 40
    line_height: float = 14
    body_top: float = 92
    columns: tuple[float, ...] = (36, 95, 160, 225, 430, 470, 515)
    program_columns: tuple[float, ...] = (36, 260, 400)


def render_fpdf(report: SyntheticReport, layout: LayoutA = LayoutA()) -> bytes:
    """Draw the report with fpdf2: Helvetica, US letter, every column left-aligned at a fixed x."""
    from fpdf import FPDF

    pages = paginate(report, layout.lines_per_page)
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    for page in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.text(36, 50, report.report_title)
        pdf.set_font("Helvetica", "", 9)
        pdf.text(36, 66, _byline(report))
        y = layout.body_top
        for item in page.items:
            _fpdf_item(pdf, item, y, layout)
            y += layout.line_height
        pdf.set_font("Helvetica", "", 8)
        pdf.text(280, 770, _footer(page, len(pages)))
    return bytes(pdf.output())


def _fpdf_item(pdf: FPDF, item: Item, y: float, layout: LayoutA) -> None:
    style = "B" if item.kind in ("heading", "subheading", "colheader") else ""
    size = 11 if item.kind == "heading" else 9
    pdf.set_font("Helvetica", style, size)
    if item.kind in ("row", "colheader"):
        xs = layout.columns if len(item.cells) == len(layout.columns) else layout.program_columns
        for x, cell in zip(xs, item.cells, strict=True):
            if cell:
                pdf.text(x, y, cell)
    elif item.kind == "cont":  # "Course Topic: 12 - Computer Vision" as one string under the title
        pdf.text(layout.columns[3], y, " ".join(item.cells))
    else:
        pdf.text(36, y, item.cells[0])


# ---------------------------------------------------------------------------------------------------------
# PDF layout B: reportlab


@dataclass(frozen=True)
class LayoutB:
    lines_per_page: int = 34
    line_height: float = 15
    page_top: float = 842
    body_top: float = 110  # distance from the top edge
    term_x: float = 42
    subject_x: float = 100
    catalog_x: float = 168
    title_x: float = 232
    grade_center: float = 450
    units_right: float = 510
    type_x: float = 522
    topic_value_x: float = 310
    program_columns: tuple[float, ...] = (42, 280, 420)


def render_reportlab(report: SyntheticReport, layout: LayoutB = LayoutB()) -> bytes:
    """Draw the report with reportlab: Times, A4, centred grades, right-aligned units, split topic lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pages = paginate(report, layout.lines_per_page)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    top = layout.page_top
    for page in pages:
        pdf.setFont("Times-Bold", 16)
        pdf.drawCentredString(297, top - 48, report.report_title)
        pdf.setFont("Times-Roman", 10)
        pdf.drawCentredString(297, top - 66, _byline(report))
        y = top - layout.body_top
        for item in page.items:
            _reportlab_item(pdf, item, y, layout)
            y -= layout.line_height
        pdf.setFont("Times-Italic", 9)
        pdf.drawRightString(553, 30, _footer(page, len(pages)))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _reportlab_item(pdf: Canvas, item: Item, y: float, layout: LayoutB) -> None:
    bold = item.kind in ("heading", "subheading", "colheader")
    pdf.setFont("Times-Bold" if bold else "Times-Roman", 12 if item.kind == "heading" else 10)
    if item.kind in ("row", "colheader") and len(item.cells) == 7:
        term, subject, catalog, title, grade, units, kind = item.cells
        pdf.drawString(layout.term_x, y, term)
        pdf.drawString(layout.subject_x, y, subject)
        pdf.drawString(layout.catalog_x, y, catalog)
        pdf.drawString(layout.title_x, y, title)
        if grade:
            pdf.drawCentredString(layout.grade_center, y, grade)
        pdf.drawRightString(layout.units_right, y, units)
        pdf.drawString(layout.type_x, y, kind)
    elif item.kind in ("row", "colheader"):
        for x, cell in zip(layout.program_columns, item.cells, strict=True):
            pdf.drawString(x, y, cell)
    elif item.kind == "cont":  # label under the title, value in its own column
        pdf.drawString(layout.title_x, y, item.cells[0])
        pdf.drawString(layout.topic_value_x, y, item.cells[1])
    else:
        pdf.drawString(layout.term_x, y, item.cells[0])


# ---------------------------------------------------------------------------------------------------------
# Text


TextStyle = Literal["pdfjs", "pasted", "tabs"]


def render_text(report: SyntheticReport, style: TextStyle = "pdfjs", lines_per_page: int = 40) -> str:
    """Render as text. `pdfjs`: what the original's extractPdfText produced (items joined by one space,
    whitespace items between columns giving 3 spaces, pages joined by a blank line, each page's footer
    glued to its first Course History row). `pasted`/`tabs`: one line per drawn line, columns separated
    by 3+ spaces / by tabs, footers on their own line, pages separated by a form feed."""
    pages = paginate(report, lines_per_page)
    total = len(pages)
    sep = "\t" if style == "tabs" else "   "
    out: list[str] = []
    for page in pages:
        items = [report.report_title, _byline(report)]
        footer = _footer(page, total)
        glued = False
        for item in page.items:
            cells = [cell for cell in item.cells if cell]
            text = sep.join(cells)
            if item.kind == "cont":
                text = "   ".join(cells) if style == "pdfjs" else "        " + " ".join(cells)
            if style == "pdfjs" and not glued and item.kind == "row" and item.history:
                text, glued = footer + text, True
            items.append(text)
        if style == "pdfjs":
            if not glued:
                items.append(footer)
            out.append(" ".join(items))
        else:
            items.append(" " * 40 + footer)
            out.append("\n".join(items))
    return ("\n\n" if style == "pdfjs" else "\n\f").join(out)


# ---------------------------------------------------------------------------------------------------------
# Oracle


def expected_row(row: HistoryRow) -> CourseRow:
    """The CourseRow a correct parser returns for `row`: the original's title rule, Win = j-term of the
    year as written, both continuation lines kept, grade and type as printed."""
    year, word = row.term.split()
    title = row.title.strip()
    if title.endswith(":"):
        title = title[:-1].strip()
    if row.topic:
        topic = re.sub(r"^\s*\d+\s*-\s*", "", row.topic)
        title = f"{title} - {topic}" if ":" in title else f"{title}: {topic}"
    return CourseRow(
        term=Term(int(year), TERM_NAMES[word]),  # type: ignore[arg-type]
        subject=row.subject,
        catalog_number=row.catalog,
        title=title,
        grade=row.grade,
        units=float(row.units),
        type=row.type,
        repeat_code=row.repeat_code,
        course_topic=row.topic,
    )


def expected_rows(report: SyntheticReport) -> list[CourseRow]:
    return [expected_row(row) for row in report.history]


# ---------------------------------------------------------------------------------------------------------
# Sample data (all invented)


def sample_history() -> tuple[HistoryRow, ...]:
    """Course History rows covering every case the parser must handle (comments say which)."""
    R = HistoryRow
    return (
        # test credit (type TE) with pass-like grades, and one TE row in progress of posting (no grade)
        R("2023 Fall", "MATH-UA", "121", "Calculus I", "TR", "4.00", "TE"),
        R("2023 Fall", "PSYCH-UA", "1", "Intro to Psychology", "P", "4.00", "TE"),
        R("2023 Fall", "ECON-UA", "2", "Intro to Microeconomics", "CR", "4.00", "TE"),
        R("2023 Fall", "SPAN-UA", "2", "Intermediate Spanish", None, "4.00", "TE"),
        R("2023 Fall", "CSCI-UA", "101", "Intro to Computer Science", "A", "4.00", "EN"),
        R("2023 Fall", "EXPOS-UA", "1", "Writing as Inquiry", "A-", "4.00", "EN"),
        R("2023 Fall", "CORE-UA", "9", "Cultures and Contexts: Cuba", "B+", "4.00", "EN"),
        # Win = j-term of the year written; a title with a colon and digits
        R("2024 Win", "CSCI-UA", "4", "Tools 2: Shell and Git", "P", "2.00", "EN"),
        R("2024 Spr", "CSCI-UA", "102", "Data Structures", "INC", "4.00", "EN"),
        R("2024 Spr", "CSCI-UA", "201", "Computer Systems Org", "W", "4.00", "EN"),
        R("2024 Spr", "MATH-UA", "1234", "Linear Algebra 3D Methods", "D-", "4.00", "EN"),
        R("2024 Spr", "MATH-UA", "122", "Calculus II", "C+", "4.00", "EN"),
        # Sum; a repeated course (same code as 2024 Spr) with its repeat code
        R("2024 Sum", "CSCI-UA", "102", "Data Structures", "B", "4.00", "EN", repeat_code="RPT - Repeat, Replace"),
        R("2024 Sum", "MUSIC-UA", "10", "Jazz Ensemble", "AU", "0.00", "EN"),
        # topic appended to a title ending in ":" -> "Special Topics: Computer Vision"; the row is split
        # from its continuation line by a page break
        R("2024 Fall", "CSCI-UA", "480", "Special Topics:", "A-", "4.00", "EN", topic="12 - Computer Vision",
          break_before_continuation=True),
        R("2024 Fall", "CSCI-UA", "472L", "Artificial Intelligence Lab", "S", "2.00", "EN"),
        R("2024 Fall", "CSCI-UA", "201", "Computer Systems Org", "B-", "4.00", "EN",
          repeat_code="RPT - Repeated Course"),
        R("2024 Fall", "PHYS-UA", "91", "Physics I: Mechanics", "C", "4.00", "EN"),
        # title with a colon + topic -> "Title - Topic"; both continuation lines kept
        R("2025 Spr", "CSCI-UA", "490", "Topics: ML", "B+", "4.00", "EN", topic="7 - Deep Learning 2",
          repeat_code="RPT - Topic course, may repeat"),
        R("2025 Spr", "CSCI-UA", "310", "Basic Algorithms", "NR", "4.00", "EN"),
        R("2025 Spr", "MATH-UA", "140", "Linear Algebra", "F", "4.00", "EN"),
        R("2025 Sum", "CSCI-UA", "330", "Intro to Computer Simulation", "R", "4.00", "EN"),
        R("2025 Sum", "CSCI-UA", "9480", "Special Topics in Prague", "WF", "4.00", "EN"),
        # in progress: no grade; one with a topic continuation, one with type IP
        R("2025 Fall", "CSCI-UA", "472", "Artificial Intelligence", None, "4.00", "EN"),
        R("2025 Fall", "CSCI-UA", "476", "Processing Big Data", None, "4.00", "EN",
          topic="3 - Spark and Hadoop"),
        R("2025 Fall", "CSCI-UA", "473", "Intro to Machine Learning", None, "4.00", "IP"),
        R("2025 Fall", "MATH-UA", "235", "Probability and Statistics", "IP", "4.00", "EN"),
    )  # fmt: skip


def sample_report(**changes: object) -> SyntheticReport:
    """A full report: header, programs, notes, two requirement groups repeating courses, the history."""
    history = sample_history()
    by_code = {(row.subject, row.catalog): row for row in history}
    used_core = (by_code[("CSCI-UA", "101")], by_code[("CSCI-UA", "102")], by_code[("CSCI-UA", "201")])
    used_math = (by_code[("MATH-UA", "121")], by_code[("MATH-UA", "122")])
    report = SyntheticReport(
        student_name="Jane Q. Example",
        prepared_on=date(2025, 9, 15),
        career_line="Undergraduate Career Fall 2023",
        history=history,
        programs=(("Computer Science BA", "2023 Fall", "In Progress"), ("Mathematics Minor", "2024 Spr", "Active")),
        advisor_notes=("Reviewed the Course History with the student on 09/01/2025.",),
        groups=(
            RequirementGroup(
                "Computer Science Major",
                "RG1234",
                "Overall Requirement Not Satisfied: complete all requirements below",
                (
                    Requirement("Core Courses", "R2046/10", "Satisfied: 3 courses completed",
                                "Courses: 3.00 required, 3.00 used", used_core),
                    Requirement("Math Courses", "R2046/20", "Not Satisfied: 1 more course needed",
                                "Courses: 3.00 required, 2.00 used", used_math),
                ),
            ),
            RequirementGroup("Writing Requirement", "RG2000", "Satisfied: complete",
                             (Requirement("Expository Writing", "R2000/10", "Satisfied: done",
                                          "Courses: 1.00 required, 1.00 used",
                                          (by_code[("EXPOS-UA", "1")],)),)),
        ),
    )  # fmt: skip
    return replace(report, **changes)  # type: ignore[arg-type]


_SUBJECTS = ("CSCI-UA", "MATH-UA", "ECON-UA", "PHYS-UA", "CHEM-UA", "HIST-UA", "PSYCH-UA", "DS-UA")
_WORDS = ("Intro", "to", "Advanced", "Topics:", "Systems", "Theory", "3D", "Methods", "Lab", "II", "Data", "Part")
_GRADES = ("A", "A-", "B+", "B", "B-", "C+", "C", "P", "W", "INC", "TR", "CR", None)


def big_report(rows: int = 900) -> SyntheticReport:
    """A long synthetic history (about 20 pages at 45 rows a page) for the speed benchmark."""
    terms = [f"{year} {word}" for year in range(2010, 2026) for word in ("Spr", "Sum", "Fall", "Win")]
    history = []
    for i in range(rows):
        title = " ".join(_WORDS[(i * 7 + k) % len(_WORDS)] for k in range(2 + i % 4)).rstrip(":")
        history.append(
            HistoryRow(
                terms[i % len(terms)],
                _SUBJECTS[i % len(_SUBJECTS)],
                str(100 + i),
                title,
                _GRADES[i % len(_GRADES)],
                "4.00",
                "TE" if i % 17 == 0 else "EN",
                topic=f"{i % 20} - Topic {i}" if i % 11 == 0 else None,
            )
        )
    return sample_report(history=tuple(history))


def png_bytes(width: int = 200, height: int = 100) -> bytes:
    """A PNG with a few shapes and no text, to build an image-only ("scanned") PDF."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, width - 10, 40), fill="black")
    draw.ellipse((20, 50, 80, 90), outline="gray", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_only_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages hold only an image: what a scanned report looks like."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    png = png_bytes()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(png), x=36, y=36, w=540)
    return bytes(pdf.output())


def plain_pdf(lines: list[str]) -> bytes:
    """A PDF with the given lines of text and nothing else (for "not a degree report")."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    for i, line in enumerate(lines):
        pdf.text(36, 60 + 16 * i, line)
    return bytes(pdf.output())
