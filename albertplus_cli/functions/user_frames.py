"""Which stack frames are the user's own code, for the error locations and stacks shown to users and clients.

A frame counts when its file lies in the project folder but not in albertplus itself and not in an installed
package: a project that holds its virtualenv (`.venv/.../site-packages/albertplus_cli`) or albertplus's
sources must still see `functions/courses.py:12`, not `albertplus_cli/values/validators.py:284`. Convex
likewise shows only the function's own stack.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from types import TracebackType

import albertplus_cli

ALBERTPLUS_DIR = Path(albertplus_cli.__file__).resolve().parent
_PACKAGE_DIRS = frozenset({"site-packages", "dist-packages"})


def is_user_file(filename: str, project_dir: Path) -> bool:
    """Whether `filename` is one of the project's own source files."""
    try:
        path = Path(filename).resolve()
        relative = path.relative_to(Path(project_dir).resolve())
    except (OSError, ValueError):
        return False
    if path.is_relative_to(ALBERTPLUS_DIR):
        return False
    folders = relative.parts[:-1]
    return not any(part in _PACKAGE_DIRS or part.startswith(".") for part in folders)


def user_frames(tb: TracebackType | None, project_dir: Path) -> list[traceback.FrameSummary]:
    """The frames of `tb` in the user's own files, outermost first."""
    return [frame for frame in traceback.extract_tb(tb) if is_user_file(frame.filename, project_dir)]


def relative_location(frame: traceback.FrameSummary, project_dir: Path) -> str:
    """`functions/courses.py:12` for a user frame."""
    path = Path(frame.filename).resolve().relative_to(Path(project_dir).resolve())
    return f"{path.as_posix()}:{frame.lineno}"
