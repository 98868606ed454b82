"""Moving data in and out in Convex's formats: `albertplus export` (snapshot ZIP) and `albertplus import`
(snapshot ZIP, JSONL, JSON array, CSV)."""

from albertplus_cli.transfer.export import ExportReport, export_snapshot
from albertplus_cli.transfer.importer import (
    ImportFailed,
    ImportPlan,
    ImportReport,
    detect_format,
    perform_import,
    read_import,
    table_counts,
)

__all__ = [
    "ExportReport", "ImportFailed", "ImportPlan", "ImportReport", "detect_format", "export_snapshot",
    "perform_import", "read_import", "table_counts",
]
