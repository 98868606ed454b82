"""The degree-report parser, checked row by row against the synthetic reports that `audit_fixtures` draws.

Why these tests: the original parser had none, and its known failures (footer glued to a row, a single
continuation kept, fall/spring-only starting terms, requirement tables mixed into the history) are
exactly what a real report triggers. Every layout must give back the rows the builder was given.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from functools import cache

import pytest
from audit_fixtures import (
    HistoryRow,
    LayoutA,
    LayoutB,
    SyntheticReport,
    big_report,
    expected_row,
    expected_rows,
    render_fpdf,
    render_reportlab,
    render_text,
    sample_report,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from albertplus_cli.audit import CourseRow, DegreeReport, Term, compose_title, parse_report, read_report
from albertplus_cli.audit.parser import split_page_marks

RENDERERS: dict[str, Callable[[SyntheticReport], bytes | str]] = {
    "fpdf": lambda report: render_fpdf(report),
    "fpdf-short-pages": lambda report: render_fpdf(report, LayoutA(lines_per_page=9)),
    "reportlab": lambda report: render_reportlab(report),
    "reportlab-short-pages": lambda report: render_reportlab(report, LayoutB(lines_per_page=13)),
    "pdfjs-text": lambda report: render_text(report, "pdfjs"),
    "pdfjs-text-short-pages": lambda report: render_text(report, "pdfjs", lines_per_page=8),
    "pasted-text": lambda report: render_text(report, "pasted"),
    "tab-text": lambda report: render_text(report, "tabs", lines_per_page=11),
}


@cache
def rendered(layout: str) -> bytes | str:
    return RENDERERS[layout](sample_report())


@cache
def parsed(layout: str) -> DegreeReport:
    data = rendered(layout)
    return parse_report(data, name=f"{layout}.pdf" if isinstance(data, bytes) else layout)


def assert_rows(got: list[CourseRow], want: list[CourseRow]) -> None:
    for index, (g, w) in enumerate(zip(got, want, strict=False)):
        assert g == w, f"row {index}: got {g}, want {w}"
    assert len(got) == len(want)


def by_code(report: DegreeReport, code: str) -> list[CourseRow]:
    return [row for row in report.rows if row.course_code == code]


# ---------------------------------------------------------------------------------------------------------
# Every layout, row by row


@pytest.mark.parametrize("layout", sorted(RENDERERS))
def test_every_layout_parses_row_by_row(layout: str) -> None:
    report = parsed(layout)
    assert_rows(report.rows, expected_rows(sample_report()))
    assert report.warnings == []


@pytest.mark.parametrize("layout", sorted(RENDERERS))
def test_header_facts(layout: str) -> None:
    report = parsed(layout)
    assert report.student_name == "Jane Q. Example"
    assert report.report_date == date(2025, 9, 15)
    assert report.starting_term == Term(2023, "fall")


def test_layouts_really_differ() -> None:
    """The two PDF layouts put the columns at different places, in different fonts and page sizes."""
    import pdfplumber

    def first_row_words(data: bytes) -> tuple[list[tuple[str, float]], str, tuple[float, float]]:
        import io

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page = pdf.pages[1]
            words = page.extract_words(extra_attrs=["fontname"])
            row = [w for w in words if w["text"] == "2023"][0]
            line = [(w["text"], round(w["x0"])) for w in words if abs(w["top"] - row["top"]) < 2]
            return line, row["fontname"], (page.width, page.height)

    a = first_row_words(rendered("fpdf"))  # type: ignore[arg-type]
    b = first_row_words(rendered("reportlab"))  # type: ignore[arg-type]
    assert [x for _, x in a[0]] != [x for _, x in b[0]]
    assert "Helvetica" in a[1] and "Times" in b[1]
    assert a[2] != b[2]


# ---------------------------------------------------------------------------------------------------------
# The cases one by one


def test_only_course_history_counts() -> None:
    """The requirement groups' "Courses Used" tables repeat courses; they must not add rows."""
    sample = sample_report()
    used = [row for group in sample.groups for req in group.requirements for row in req.used]
    assert used, "the fixture must repeat courses in the requirement groups"
    for layout in ("fpdf", "pdfjs-text"):
        report = parsed(layout)
        assert len(report.rows) == len(sample.history)
        assert len(by_code(report, "CSCI-UA 101")) == 1
        assert len(by_code(report, "EXPOS-UA 1")) == 1


def test_a_course_history_mention_before_the_section_is_not_the_section() -> None:
    """The advisor note mentions "Course History"; the heading followed by its column header wins."""
    assert "Course History" in sample_report().advisor_notes[0]
    assert parsed("pdfjs-text").rows[0].course_code == "MATH-UA 121"


@pytest.mark.parametrize("layout", ["pdfjs-text", "pdfjs-text-short-pages"])
def test_footer_glued_to_a_row(layout: str) -> None:
    text = rendered(layout)
    assert isinstance(text, str)
    glued = re.findall(r"Page (\d+) of (\d+)(20\d\d \w+)", text)
    assert glued, "the pdf.js-style text must glue footers to rows"
    report = parsed(layout)
    assert_rows(report.rows, expected_rows(sample_report()))


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Page 9 of 92025 Fall   CSCI-UA", ["", "2025 Fall   CSCI-UA"]),
        ("Page 1 of 122024 Spr X", ["", "2024 Spr X"]),
        ("Page 12 of 122023 Win", ["", "2023 Win"]),
        ("Page 2 of 22020 Fall", ["", "2020 Fall"]),
        ("Page 12 of 202019 Sum", ["", "2019 Sum"]),
        ("Page 3 of 12", ["", ""]),
        ("4.00   ENPage 3 of 9", ["4.00   EN", ""]),
        ("x Page 1 of 2 y Page 2 of 2", ["x ", " y ", ""]),
        ("no footer here", ["no footer here"]),
    ],
)
def test_split_page_marks(text: str, pieces: list[str]) -> None:
    assert split_page_marks(text) == pieces


@pytest.mark.parametrize("layout", ["fpdf", "reportlab"])
def test_row_and_its_continuation_on_different_pages(layout: str) -> None:
    """CSCI-UA 480's `Course Topic:` line is drawn on the page after the row, below repeated headers."""
    lines = read_report(rendered(layout)).lines  # type: ignore[arg-type]
    row_page = next(line.page for line in lines if line.cells[:3] == ("2024 Fall", "CSCI-UA", "480"))
    topic_line = next(i for i, line in enumerate(lines) if "12 - Computer Vision" in line.text)
    assert lines[topic_line].page == row_page + 1
    assert any(line.text.startswith("Course History") for line in lines[topic_line - 4: topic_line])
    (row,) = by_code(parsed(layout), "CSCI-UA 480")
    assert row.title == "Special Topics: Computer Vision"
    assert row.course_topic == "12 - Computer Vision"


@pytest.mark.parametrize("layout", ["fpdf", "reportlab", "pdfjs-text"])
def test_section_header_repeated_on_every_history_page(layout: str) -> None:
    data = rendered(layout)
    text = data if isinstance(data, str) else read_report(data).full_text
    assert text.count("Course History") >= 3  # note + heading + at least one repeat


@pytest.mark.parametrize("layout", sorted(RENDERERS))
def test_both_continuation_lines_are_kept(layout: str) -> None:
    (row,) = by_code(parsed(layout), "CSCI-UA 490")
    assert row.course_topic == "7 - Deep Learning 2"
    assert row.repeat_code == "RPT - Topic course, may repeat"
    assert row.title == "Topics: ML - Deep Learning 2"


def test_in_progress_rows_have_no_grade() -> None:
    report = parsed("reportlab")
    for code in ("CSCI-UA 472", "CSCI-UA 476", "CSCI-UA 473"):
        (row,) = by_code(report, code)
        assert row.grade is None and row.units == 4.0 and row.term == Term(2025, "fall")
    assert by_code(report, "CSCI-UA 473")[0].type == "IP"
    assert by_code(report, "CSCI-UA 476")[0].title == "Processing Big Data: Spark and Hadoop"
    assert by_code(report, "MATH-UA 235")[0].grade == "IP"  # an IP *grade* is kept as printed


def test_transfer_and_test_credit_rows() -> None:
    report = parsed("fpdf")
    te = [(row.course_code, row.grade, row.units) for row in report.rows if row.type == "TE"]
    assert te == [
        ("MATH-UA 121", "TR", 4.0),
        ("PSYCH-UA 1", "P", 4.0),
        ("ECON-UA 2", "CR", 4.0),
        ("SPAN-UA 2", None, 4.0),
    ]


def test_repeated_courses_keep_both_rows() -> None:
    report = parsed("pasted-text")
    rows = by_code(report, "CSCI-UA 102")
    assert [(str(row.term), row.grade, row.repeat_code) for row in rows] == [
        ("spring 2024", "INC", None),
        ("summer 2024", "B", "RPT - Repeat, Replace"),
    ]
    assert len(by_code(report, "CSCI-UA 201")) == 2


def test_sum_and_win_terms() -> None:
    """Sum = summer; Win = j-term of the calendar year as written (January 2024 for "2024 Win")."""
    report = parsed("pdfjs-text")
    assert by_code(report, "CSCI-UA 4")[0].term == Term(2024, "j-term")
    assert by_code(report, "MUSIC-UA 10")[0].term == Term(2024, "summer")


def test_catalog_numbers_and_titles_with_digits_and_colons() -> None:
    report = parsed("reportlab")
    codes = {row.course_code for row in report.rows}
    assert {"CORE-UA 9", "EXPOS-UA 1", "MATH-UA 1234", "CSCI-UA 472L", "CSCI-UA 9480", "CSCI-UA 101"} <= codes
    titles = {row.course_code: row.title for row in report.rows}
    assert titles["CSCI-UA 4"] == "Tools 2: Shell and Git"
    assert titles["MATH-UA 1234"] == "Linear Algebra 3D Methods"
    assert titles["CORE-UA 9"] == "Cultures and Contexts: Cuba"
    assert titles["PHYS-UA 91"] == "Physics I: Mechanics"


def test_subject_suffix_written_in_the_catalog_column() -> None:
    """A report that prints `CSCI` | `UA 9` still means subject CSCI-UA, catalog 9."""
    text = _mini(["2023 Fall   CSCI   UA 9   Intro Seminar   A   4.00   EN"])
    (row,) = parse_report(text).rows
    assert (row.subject, row.catalog_number, row.course_code) == ("CSCI-UA", "9", "CSCI-UA 9")


@pytest.mark.parametrize(
    ("title", "topic", "want"),
    [
        ("Special Topics:", "12 - Computer Vision", "Special Topics: Computer Vision"),
        ("Special Topics", "12 - Computer Vision", "Special Topics: Computer Vision"),
        ("Topics: ML", "7 - Deep Learning", "Topics: ML - Deep Learning"),
        ("  Calculus I  ", None, "Calculus I"),
        ("Seminar:", None, "Seminar"),
        ("Seminar", "Urban Ecology", "Seminar: Urban Ecology"),
        ("Seminar", "3 -", "Seminar"),
    ],
)
def test_compose_title(title: str, topic: str | None, want: str) -> None:
    assert compose_title(title, topic) == want


@pytest.mark.parametrize(
    ("career", "want"),
    [
        ("Undergraduate Career Fall 2023", Term(2023, "fall")),
        ("Graduate Career Spr 2024", Term(2024, "spring")),
        ("Graduate Career Sprg 2024", Term(2024, "spring")),
        ("Undergraduate Career Spring 2022", Term(2022, "spring")),
        ("Undergraduate Career Sum 2021", Term(2021, "summer")),
        ("Graduate Career Summer 2021", Term(2021, "summer")),
        ("Undergraduate Career Win 2024", Term(2024, "j-term")),
        ("Undergraduate Career Winter 2024", Term(2024, "j-term")),
        ("Undergraduate Career J-Term 2024", Term(2024, "j-term")),
        ("Undergraduate Career 2023 Fall", Term(2023, "fall")),
        ("UNDERGRADUATE CAREER FALL2023", Term(2023, "fall")),
        ("No career line here", None),
    ],
)
def test_starting_term(career: str, want: Term | None) -> None:
    report = sample_report(career_line=career, groups=(), programs=())
    assert parse_report(render_text(report, "pasted")).starting_term == want


def test_starting_term_from_a_pdf() -> None:
    report = sample_report(career_line="Graduate Career Sum 2022", groups=())
    assert parse_report(render_fpdf(report)).starting_term == Term(2022, "summer")


def test_invalid_report_date_is_a_warning() -> None:
    text = _mini(["2023 Fall   CSCI-UA   101   Intro   A   4.00   EN"], byline="For Sam Doe prepared on 13/45/2025")
    report = parse_report(text)
    assert report.student_name == "Sam Doe" and report.report_date is None
    assert any("not a valid date" in warning for warning in report.warnings)


def test_terms_sort_in_the_apps_order() -> None:
    terms = [Term(2024, "j-term"), Term(2024, "fall"), Term(2024, "spring"), Term(2023, "fall"), Term(2024, "summer")]
    assert [str(t) for t in sorted(terms, key=lambda t: t.sort_key)] == [
        "fall 2023", "spring 2024", "summer 2024", "fall 2024", "j-term 2024",
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Text details and oddities


def _mini(rows: list[str], byline: str = "For Sam Doe prepared on 01/02/2025") -> str:
    head = ["Degree Progress Report", byline, "Undergraduate Career Fall 2023", "Course History",
            "Term   Subject   Catalog Nbr   Title   Grade   Units   Type"]  # fmt: skip
    return "\n".join(head + rows) + "\n"


def test_columns_run_together_fall_back_to_the_tail_pattern() -> None:
    """When one gap is too small (title, grade, units, type in one cell), the tail is still read."""
    text = _mini([
        "2023 Fall   CSCI-UA   101   Intro to Computer Science A 4.00 EN",
        "2023 Fall   CSCI-UA   102   Data Structures   B+ 4.00 EN",
        "2023 Fall   CSCI-UA   103   Discrete Math   4.00 EN",
    ])  # fmt: skip
    rows = parse_report(text).rows
    assert [(r.title, r.grade, r.units, r.type) for r in rows] == [
        ("Intro to Computer Science", "A", 4.0, "EN"),
        ("Data Structures", "B+", 4.0, "EN"),
        ("Discrete Math", None, 4.0, "EN"),
    ]


def test_roman_numeral_after_a_double_space_stays_in_the_title() -> None:
    rows = parse_report(_mini(["2024 Spr   MATH-UA   122   Calculus  II   4.00   EN"])).rows
    assert (rows[0].title, rows[0].grade) == ("Calculus II", None)


def test_unknown_text_inside_the_history_is_reported_not_silently_dropped() -> None:
    text = _mini([
        "2023 Fall   CSCI-UA   101   Intro   A   4.00   EN",
        "Printed by the registrar",
        "2024 Spr",
        "2024 Spr   CSCI-UA   102   Data Structures   B   4.00   EN",
    ])  # fmt: skip
    report = parse_report(text)
    assert [row.course_code for row in report.rows] == ["CSCI-UA 101", "CSCI-UA 102"]
    assert any("Printed by the registrar" in w for w in report.warnings)
    assert any("not a course row" in w for w in report.warnings)


def test_a_row_split_mid_line_across_pages_is_joined() -> None:
    """Pasted text can break a row itself at a page boundary; the furniture between is dropped."""
    text = _mini([
        "2023 Fall   CSCI-UA   101   Intro to Programming",
        "Page 1 of 2",
        "\fDegree Progress Report",
        "For Sam Doe prepared on 01/02/2025",
        "Course History (continued)",
        "Term   Subject   Catalog Nbr   Title   Grade   Units   Type",
        "A   4.00   EN",
        "Course Topic:   4 - Python",
        "Page 2 of 2",
    ])  # fmt: skip
    report = parse_report(text)
    assert report.rows == [
        CourseRow(Term(2023, "fall"), "CSCI-UA", "101", "Intro to Programming: Python", "A", 4.0, "EN",
                  course_topic="4 - Python"),
    ]  # fmt: skip
    assert report.warnings == []


def test_a_second_topic_line_is_a_warning() -> None:
    text = _mini([
        "2023 Fall   CSCI-UA   480   Special Topics   A   4.00   EN",
        "Course Topic: 1 - Vision",
        "Course Topic: 2 - Audio",
    ])  # fmt: skip
    report = parse_report(text)
    assert report.rows[0].title == "Special Topics: Vision"
    assert any("second" in w for w in report.warnings)


def test_history_ends_at_a_requirement_group_after_it() -> None:
    text = _mini([
        "2023 Fall   CSCI-UA   101   Intro   A   4.00   EN",
        "Electives (RG9000)",
        "Courses Used",
        "2023 Fall   CSCI-UA   999   Not History   A   4.00   EN",
    ])  # fmt: skip
    assert [row.course_code for row in parse_report(text).rows] == ["CSCI-UA 101"]


def test_text_with_crlf_nbsp_and_a_bom_as_bytes() -> None:
    text = _mini(["2023\u00a0Fall   CSCI-UA   101   Intro   A   4.00   EN"]).replace("\n", "\r\n")
    report = parse_report(b"\xef\xbb\xbf" + text.encode(), name="report.txt")
    assert [row.course_code for row in report.rows] == ["CSCI-UA 101"]


# ---------------------------------------------------------------------------------------------------------
# Generated histories (hypothesis) and a long report

_TITLE_WORDS = ["Intro", "to", "Data", "Systems", "3D", "Topics:", "II", "Lab", "101", "Theory", "A", "of", "Part"]
_term = st.builds(lambda y, w: f"{y} {w}", st.integers(2000, 2030), st.sampled_from(["Spr", "Sum", "Fall", "Win"]))
_row = st.builds(
    HistoryRow,
    term=_term,
    subject=st.sampled_from(["CSCI-UA", "MATH-UA", "DS-UA", "HRCM1-GC", "ACCT-GB"]),
    catalog=st.from_regex(r"\A[0-9]{1,4}[A-Z]?\Z"),
    title=st.lists(st.sampled_from(_TITLE_WORDS), min_size=1, max_size=5)
    .map(" ".join)
    .filter(lambda t: not re.search(r"\d+\.\d+$", t) and t not in {"A", "II"}),
    grade=st.sampled_from(["A", "B+", "C-", "P", "W", "INC", "TR", "CR", "NR", "IP", "D-", None]),
    units=st.sampled_from(["4.00", "2.00", "0.00", "1.50", "12.00"]),
    type=st.sampled_from(["EN", "TE", "IP"]),
    topic=st.one_of(
        st.none(),
        st.builds(lambda n, t: f"{n} - {t}", st.integers(0, 99), st.sampled_from(["Vision", "AI: Ethics"])),
    ),
    repeat_code=st.one_of(st.none(), st.just("RPT - Repeated")),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_row, min_size=1, max_size=25), style=st.sampled_from(["pdfjs", "pasted", "tabs"]),
       per_page=st.integers(3, 30))  # fmt: skip
def test_generated_histories_round_trip_through_text(
    rows: list[HistoryRow], style: str, per_page: int
) -> None:
    report = SyntheticReport("Pat Doe", date(2025, 1, 2), "Undergraduate Career Fall 2023", tuple(rows))
    parsed_report = parse_report(render_text(report, style, lines_per_page=per_page))  # type: ignore[arg-type]
    assert_rows(parsed_report.rows, [expected_row(row) for row in rows])
    assert parsed_report.warnings == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_row, min_size=1, max_size=30), per_page=st.integers(4, 40), reportlab=st.booleans())
def test_generated_histories_round_trip_through_pdf(rows: list[HistoryRow], per_page: int, reportlab: bool) -> None:
    report = SyntheticReport("Pat Doe", date(2025, 1, 2), "Graduate Career Spr 2024", tuple(rows))
    data = (
        render_reportlab(report, LayoutB(lines_per_page=per_page))
        if reportlab
        else render_fpdf(report, LayoutA(lines_per_page=per_page))
    )
    parsed_report = parse_report(data)
    assert_rows(parsed_report.rows, [expected_row(row) for row in rows])
    assert parsed_report.warnings == []
    assert parsed_report.starting_term == Term(2024, "spring")


def test_twenty_page_report() -> None:
    """A 20+ page report parses completely. Time is printed, not asserted (the issue's bar is < 1 s;
    measured here ~0.6 s for 21 fpdf2 pages / 760 rows, ~0.05 s for the same report as text)."""
    report = big_report(760)
    data = render_fpdf(report, LayoutA(lines_per_page=45, line_height=14.5))
    start = time.perf_counter()
    parsed_report = parse_report(data)
    elapsed = time.perf_counter() - start
    pages = read_report(data).page_count
    print(f"\n20-page benchmark: {pages} pages, {len(parsed_report.rows)} rows parsed in {elapsed:.2f} s")
    assert pages >= 20
    assert_rows(parsed_report.rows, expected_rows(report))
    assert parsed_report.warnings == []
