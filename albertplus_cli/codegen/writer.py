"""Writing `functions/_generated/`: only files whose bytes change are rewritten (editors and tsc watchers
see no churn), and stale files we once generated are removed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# Every file name codegen has ever produced; anything else in the folder is left alone.
KNOWN_FILES = frozenset({
    "__init__.py", "api.py", "data_model.py", "server.py",
    "api.d.ts", "api.js", "dataModel.d.ts", "server.d.ts", "server.js",
})


@dataclass
class WriteReport:
    directory: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def write_files(directory: Path, files: dict[str, str], *, prune: bool = True) -> WriteReport:
    directory.mkdir(parents=True, exist_ok=True)
    report = WriteReport(directory)
    for name in sorted(files):
        data = files[name].encode("utf-8")
        target = directory / name
        try:
            if target.read_bytes() == data:
                report.unchanged.append(name)
                continue
        except OSError:
            pass
        _atomic_write(target, data)
        report.written.append(name)
    if prune:
        for name in sorted(KNOWN_FILES - set(files)):
            target = directory / name
            if target.exists():
                target.unlink()
                report.removed.append(name)
    return report


def _atomic_write(target: Path, data: bytes) -> None:
    """Write beside the target and rename: a reader (tsc, an editor, an import) never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
