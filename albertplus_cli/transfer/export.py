"""`albertplus export`: a snapshot ZIP in Convex's layout, from one consistent read snapshot.

Layout (as `npx convex export` writes it, spec/convex-protocol.md §6):

    README.md
    <table>/documents.jsonl            one document per line in export_json, with `_id` and `_creationTime`
    <table>/generated_schema.jsonl     "uniform": Convex's marker for this (ConvexExportJSON) format

Every table is read inside one `Database.snapshot()`, so the ZIP is a single point in time even while a
server keeps writing. The ZIP is written next to its destination and renamed into place when complete.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from albertplus_cli.database import Database, Transaction
from albertplus_cli.database.documents import decode_body
from albertplus_cli.values.json_formats import encode

README = """# Welcome to your Convex snapshot export!

This ZIP file contains a snapshot of the tables in your Convex deployment.

Documents for each table are listed as lines of JSON in
<table_name>/documents.jsonl files.

For details on the format and how to use this snapshot with npx convex import,
check out [the docs](https://docs.convex.dev/database/import-export/export) or
ask us in [Discord](http://convex.dev/community).

Written by `albertplus export` (a local, Convex-compatible backend); `albertplus import` reads it back.
Each line keeps `_id` and `_creationTime`; int64 values are JSON integers, float64 values JSON numbers
(`4.0`), NaN/Infinity/-0 and bytes are `{{"$float": base64}}` / `{{"$bytes": base64}}`.

Snapshot timestamp: {ts} (nanoseconds since the Unix epoch). Tables: {tables}. Documents: {documents}.
"""


GENERATED_SCHEMA = b'"uniform"\n'


@dataclass
class ExportReport:
    path: Path
    ts: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return sum(self.counts.values())


def export_snapshot(db: Database, destination: Path) -> ExportReport:
    """Write the snapshot ZIP to `destination` (a directory gets `snapshot_<ts>.zip` inside it)."""
    destination = Path(destination)
    with db.snapshot():
        ts = db.snapshot_ts()
        if destination.is_dir():
            destination = destination / f"snapshot_{ts}.zip"
        fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=".zip.tmp", dir=destination.parent)
        os.fchmod(fd, 0o600)  # every user's rows: owner-only, whatever the umask (mkstemp's mode, made explicit)
        os.close(fd)
        try:
            report = ExportReport(destination, ts)
            with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                db.read(lambda tx: _write_tables(tx, zf, report))
                tables = ", ".join(sorted(report.counts)) or "(none)"
                zf.writestr("README.md", README.format(ts=ts, tables=tables, documents=report.documents))
            os.replace(tmp_name, destination)
        except BaseException:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
            raise
    return report


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_tables(tx: Transaction, zf: zipfile.ZipFile, report: ExportReport) -> None:
    tables = sorted((info for info in tx.catalog.by_name.values() if not info.name.startswith("_")),
                    key=lambda info: info.name)
    for info in tables:
        count = 0
        with zf.open(_entry(f"{info.name}/documents.jsonl"), "w") as out:
            rows = tx.session.export_rows(info.number)
            buffer: list[bytes] = []
            for doc_id, creation_time, body in rows:
                fields = decode_body(body)
                document: dict[str, Any] = {"_id": doc_id, "_creationTime": creation_time}
                document.update(encode(fields, "export_json"))
                buffer.append(orjson.dumps(document))
                count += 1
                if len(buffer) >= 1000:
                    out.write(b"\n".join(buffer) + b"\n")
                    buffer.clear()
            if buffer:
                out.write(b"\n".join(buffer) + b"\n")
        # Convex's marker that documents.jsonl is in the uniform export format (GeneratedSchema::Uniform).
        zf.writestr(_entry(f"{info.name}/generated_schema.jsonl"), GENERATED_SCHEMA)
        report.counts[info.name] = count

