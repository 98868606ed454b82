"""Has anyone committed to this SQLite file since we last looked? Answered from the WAL-index header.

Every query-cache lookup needs the newest commit in the file, so that other processes' writes count. Asking
SQLite (`SELECT ts FROM commits ORDER BY ts DESC LIMIT 1`) takes a read lock and a B-tree descent: ~4.5 µs, a
tenth of what answering a cached query costs. In WAL mode every connection of every process shares the
WAL-index (the `-shm` file, mapped into memory), whose header SQLite rewrites at every commit: its first 48
bytes hold a change counter, the last valid frame and a checksum over them (https://www.sqlite.org/walformat.html,
"The WAL-Index Header"). If those bytes are the same as at the last look, nothing has committed since, and the ts
found then is still the newest. Reading them is a memory copy (~0.1 µs).

Only "unchanged" is trusted: any difference (a commit, a checkpoint restarting the WAL, a recovery) sends the
caller back to SQL. And whenever the header cannot be read as SQLite 3.7+ writes it (no `-shm` file, another
format version, not initialized), `header()` answers None and the caller always asks SQLite.
"""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

HEADER_BYTES = 48  # the first copy of WalIndexHdr; SQLite writes the second copy, then this one
WAL_INDEX_VERSION = 3007000  # iVersion, the first field (native byte order)


class WalIndexHeader:
    """The live WAL-index header of one database file, readable without a lock or a system call."""

    def __init__(self, database: Path) -> None:
        self._shm = Path(str(database) + "-shm")
        self._map: mmap.mmap | None = None
        self._failed = False

    def header(self) -> bytes | None:
        """The header's current bytes, or None when it cannot be used (the caller then asks SQLite)."""
        if self._map is None:
            if self._failed:
                return None
            self._map = self._open()
            if self._map is None:
                return None
        return self._map[:HEADER_BYTES]

    def _open(self) -> mmap.mmap | None:
        """Map the `-shm` file (it exists while a connection of ours holds the database open in WAL mode,
        and SQLite never deletes it while one does)."""
        try:
            fd = os.open(self._shm, os.O_RDONLY)
        except OSError:
            return None  # not created yet: try again at the next look
        try:
            if os.fstat(fd).st_size < HEADER_BYTES:
                return None
            mapped = mmap.mmap(fd, HEADER_BYTES, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            self._failed = True
            return None
        finally:
            os.close(fd)
        version, _unused, _change, initialized = struct.unpack_from("=IIIB", mapped, 0)
        if version != WAL_INDEX_VERSION or not initialized:
            mapped.close()
            self._failed = version != WAL_INDEX_VERSION  # not initialized yet: look again next time
            return None
        return mapped

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None
