"""Errors of the degree-report reader, one class per way an input can be unusable.

Why: `import-audit` must print one clear line per kind of bad input and exit 1 without writing anything.
Giving each kind its own class lets the command (and the tests) tell them apart without parsing
messages, and the common base `AuditError` lets the command catch all of them in one place.
"""

from __future__ import annotations


class AuditError(Exception):
    """Base class: the input cannot be turned into a course history. `str(err)` is one line."""


class UnreadableFileError(AuditError):
    """The path does not exist, is a directory, or cannot be opened (permissions, password)."""


class EmptyFileError(AuditError):
    """The file has no content at all (0 bytes, only whitespace, or a PDF without pages or text)."""


class NotAPdfError(AuditError):
    """The file claims to be a PDF (name ends in .pdf) but is not one, or is binary and not a PDF."""


class ImageOnlyPdfError(AuditError):
    """A PDF whose pages hold images but no extractable text: a scan, which we do not OCR."""


class NotADegreeReportError(AuditError):
    """Readable text, but not an NYU "Degree Progress Report" (the title is missing)."""


class NoCourseHistoryError(AuditError):
    """A Degree Progress Report without its "Course History" section."""
