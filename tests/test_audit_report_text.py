"""Reading the input: what kind it is, each bad input's own error, and columns from word positions.

Why: `import-audit` must say in one line why a file cannot be imported (and write nothing), and the
columns of a PDF must come from geometry, not from how a library happens to space its text.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from audit_fixtures import image_only_pdf, plain_pdf, render_fpdf, render_reportlab, render_text, sample_report

from albertplus_cli.audit import (
    AuditError,
    EmptyFileError,
    ImageOnlyPdfError,
    NoCourseHistoryError,
    NotADegreeReportError,
    NotAPdfError,
    UnreadableFileError,
    parse_report,
    read_report,
)
from albertplus_cli.audit.report_text import Box, line_words, split_cells


def raises(error: type[AuditError], source: Path | bytes | str, match: str, **kwargs: str) -> AuditError:
    with pytest.raises(error, match=match) as info:
        parse_report(source, **kwargs)
    assert isinstance(info.value, AuditError)
    assert "\n" not in str(info.value)
    return info.value


# ---------------------------------------------------------------------------------------------------------
# Bad input, each with its own class


def test_text_file_that_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Grocery list\n\neggs   milk   bread\n")
    raises(NotADegreeReportError, path, r'notes\.txt is not a Degree Progress Report \(no "Degree Progress Report"')


def test_pdf_that_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(plain_pdf(["Invoice 1234", "Total due: 10.00"]))
    raises(NotADegreeReportError, path, "on its first page")


def test_random_bytes_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(os.urandom(4096))
    raises(NotAPdfError, path, r"report\.pdf is not a PDF \(it does not start with %PDF-\)")


def test_binary_file_with_another_name(tmp_path: Path) -> None:
    path = tmp_path / "report.bin"
    path.write_bytes(b"\x00\x01\x02" + os.urandom(2000))
    raises(NotAPdfError, path, "neither a PDF nor a text report")


def test_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage " * 100)
    raises(NotAPdfError, path, r"broken\.pdf is not a readable PDF")


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(content)
    raises(EmptyFileError, path, r"empty\.pdf is empty")


def test_empty_text() -> None:
    raises(EmptyFileError, "  \n ", "input is empty")


def test_pdf_without_any_text_or_image() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    raises(EmptyFileError, bytes(pdf.output()), "is a PDF with no text", name="blank.pdf")


def test_image_only_pdf(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    raises(ImageOnlyPdfError, path, r"^scan\.pdf contains no text; is it a scanned image\?$")


@pytest.mark.parametrize("render", ["pdf", "text"])
def test_report_without_course_history(render: str) -> None:
    report = sample_report(include_history=False)
    source = render_fpdf(report) if render == "pdf" else render_text(report, "pasted")
    raises(NoCourseHistoryError, source, '^"Course History" heading not found in no-history$', name="no-history")


def test_missing_path(tmp_path: Path) -> None:
    raises(UnreadableFileError, tmp_path / "nope.pdf", r"cannot read nope\.pdf: no such file")


def test_directory_path(tmp_path: Path) -> None:
    raises(UnreadableFileError, tmp_path, "it is a directory")


def test_unreadable_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated, since the tests may run as root (who can read a chmod 000 file)."""
    path = tmp_path / "locked.pdf"
    path.write_bytes(b"%PDF-1.7")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    raises(UnreadableFileError, path, r"^cannot read locked\.pdf: permission denied$")


def test_error_classes_are_distinct() -> None:
    classes = {EmptyFileError, ImageOnlyPdfError, NoCourseHistoryError, NotADegreeReportError, NotAPdfError,
               UnreadableFileError}  # fmt: skip
    assert len(classes) == 6
    for cls in classes:
        assert issubclass(cls, AuditError)
        assert not any(issubclass(cls, other) for other in classes - {cls})


# ---------------------------------------------------------------------------------------------------------
# Kind by content


def test_pdf_content_wins_over_a_txt_name(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(render_fpdf(sample_report()))
    assert read_report(path).kind == "pdf"


def test_text_content_in_a_file_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "report"
    path.write_text(render_text(sample_report(), "pasted"))
    assert read_report(path).kind == "text"
    assert read_report(str(path)).kind == "text"  # a one-line str naming a file is that file
    assert read_report(path.read_bytes()).kind == "text"


def test_pdf_header_after_leading_junk(tmp_path: Path) -> None:
    data = b"\r\n" + render_fpdf(sample_report())
    assert read_report(data).kind == "pdf"


# ---------------------------------------------------------------------------------------------------------
# Columns


def test_pdf_cells_come_from_gaps() -> None:
    lines = read_report(render_reportlab(sample_report())).lines
    row = next(line for line in lines if line.cells[:3] == ("2024 Fall", "CSCI-UA", "472L"))
    assert row.cells == ("2024 Fall", "CSCI-UA", "472L", "Artificial Intelligence Lab", "S", "2.00", "EN")
    header = next(line for line in lines if line.cells and line.cells[0] == "Term")
    assert "Catalog Nbr" in header.cells


def test_text_cells_come_from_runs_of_spaces_or_tabs() -> None:
    lines = read_report("Degree Progress Report\n2023 Fall   CSCI-UA\t101  Intro to  X\n").lines
    assert lines[1].cells == ("2023 Fall", "CSCI-UA", "101", "Intro to", "X")


def _glyphs(
    text: str, x: float, size: float = 10, advance: float = 5, space: float = 2.8, draw_spaces: bool = True
) -> list[Box]:
    """Glyph boxes for `text` from `x`: letters `advance` wide, spaces `space` wide (Helvetica-like)."""
    out = []
    for ch in text:
        width = space if ch == " " else advance
        if ch != " " or draw_spaces:
            out.append(Box(ch, x, x + width, 0, size, size))
        x += width
    return out


def test_words_without_space_glyphs_and_column_gaps() -> None:
    """A PDF that positions words without drawing spaces still yields words; wide gaps still split cells."""
    glyphs = _glyphs("Data Structures", 100, draw_spaces=False) + _glyphs("B+", 300, draw_spaces=False)
    words = line_words(glyphs)
    assert [w.text for w in words] == ["Data", "Structures", "B+"]
    assert split_cells(words) == ("Data Structures", "B+")


def test_monospaced_spaces_are_not_column_gaps() -> None:
    """With a wide (Courier-like) space measured on the page, one space stays inside a cell."""
    glyphs = _glyphs("Intro to CS", 0, advance=6, space=6) + _glyphs("A", 150, advance=6, space=6)
    assert split_cells(line_words(glyphs), space_em=0.6) == ("Intro to CS", "A")
