"""Create-once secret files (admin key, dev signing key) with owner-only permissions.

Two processes (say `albertplus dev` and `albertplus token`) may start at the same moment on a fresh
project, so creation must be atomic: the secret is written to a private temporary file (mode 0600 from
the start, never world-readable) and hard-linked into place. If another process won the race, its file is
kept and read back, so everybody ends up with the same secret.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from albertplus_cli.private_files import ensure_private_dir

PRIVATE_FILE_MODE = 0o600


def read_or_create_private_file(path: Path, content: bytes) -> bytes:
    """Return the contents of `path`, creating it with `content` and mode 0600 if it does not exist."""
    ensure_private_dir(path.parent)
    try:
        return _read_private(path)
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails if another process created `path` first
        except FileExistsError:
            return _read_private(path)
        except OSError:
            # File systems without hard links: an atomic rename is the next best thing.
            if path.exists():
                return _read_private(path)
            os.replace(tmp, path)
        return content
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _read_private(path: Path) -> bytes:
    data = path.read_bytes()
    _tighten_mode(path)
    return data


def _tighten_mode(path: Path) -> None:
    """Drop group/other permission bits a user may have added by hand (best effort)."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
