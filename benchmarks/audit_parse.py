"""Benchmark: parse a 20-page NYU Degree Progress Report (issue 9's bar: < 1 s).

Why: a real report of a student near graduation runs to 20 pages or more (requirement groups repeat the
courses, then the whole Course History), and `import-audit` should answer at once. The report is synthetic
(tests/audit_fixtures.py, the same builder the parser tests check row by row), drawn as a PDF with fpdf2 at
45 lines a page, and also as the text pdf.js extracts; only the parse is timed, best of a few runs, and
the rows are checked against the builder so a fast wrong parse cannot pass.

    .venv/bin/python benchmarks/audit_parse.py [--rows 760] [--repeat 3]

Prints one JSON object: pages, rows, seconds per input kind (best run), the target, and whether it is met.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from audit_fixtures import LayoutA, big_report, expected_rows, render_fpdf, render_text  # noqa: E402

from albertplus_cli.audit import parse_report, read_report  # noqa: E402

TARGET_SECONDS = 1.0


def best_time(data: bytes | str, repeat: int) -> tuple[float, int]:
    best, rows = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        report = parse_report(data, name="benchmark.pdf" if isinstance(data, bytes) else "benchmark.txt")
        best = min(best, time.perf_counter() - start)
        rows = len(report.rows)
    return best, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=760, help="Course History rows (760 -> 21 pages)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the best is reported")
    args = parser.parse_args()

    report = big_report(args.rows)
    pdf = render_fpdf(report, LayoutA(lines_per_page=45, line_height=14.5))
    text = render_text(report, "pdfjs", lines_per_page=45)
    pages = read_report(pdf).page_count
    want = expected_rows(report)
    if parse_report(pdf).rows != want or parse_report(text).rows != want:
        raise SystemExit("the benchmark report did not parse correctly")

    pdf_seconds, rows = best_time(pdf, args.repeat)
    text_seconds, _ = best_time(text, args.repeat)
    print(json.dumps({
        "benchmark": "audit_parse",
        "pages": pages,
        "rows": rows,
        "pdf_bytes": len(pdf),
        "seconds": round(pdf_seconds, 4),
        "text_seconds": round(text_seconds, 4),
        "target_seconds": TARGET_SECONDS,
        "ok": pdf_seconds < TARGET_SECONDS,
    }, indent=2))


if __name__ == "__main__":
    main()
