"""Owner-only permissions for what holds user data: the `.albertplus/` folder (0700) and its files (0600).

The database holds every user's rows and the sync session ids; the folder holds the admin key and the dev
signing key. Files SQLite creates later (`-wal`, `-shm`) copy the mode of the database file, so a database
file created 0600 keeps its companions 0600 too.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def ensure_private_dir(directory: Path) -> Path:
    """Create `directory` (and its parents) if missing; it and the files in it become owner-only."""
    directory = Path(directory)
    directory.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    tighten_tree(directory)
    return directory


def tighten(path: Path, mode: int = PRIVATE_FILE_MODE) -> None:
    """Drop the permission bits of `path` beyond `mode` (best effort: a file we do not own stays as it is)."""
    with contextlib.suppress(OSError):
        current = stat.S_IMODE(os.stat(path).st_mode)
        if current & ~mode:
            os.chmod(path, current & mode)


def tighten_tree(directory: Path) -> None:
    """The folder 0700 and every file directly in it 0600 (left looser by an older version or by hand)."""
    tighten(directory, PRIVATE_DIR_MODE)
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if entry.is_file(follow_symlinks=False):
                tighten(Path(entry.path))


def prepare_database_file(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite opens it (SQLite would use the umask), and tighten an
    existing one and its `-wal`/`-shm` companions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    for suffix in ("", *SQLITE_COMPANIONS):
        tighten(Path(f"{path}{suffix}"))


def write_private_file(path: Path, data: str) -> None:
    """Write `data` to `path` with mode 0600 from the start (replacing any older file)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(data)
    os.replace(tmp, path)
