"""Function paths as Convex spells them: `mod:fn`, `dir/mod:fn`, `mod.js:fn`, `mod` (= `mod:default`).

Path components allow `[A-Za-z0-9_.]`, at most 64 characters, at least one alphanumeric; the only module
extension accepted is `.js` (the Rust client adds it on reconnect). Dunder components are refused, so a path
can never reach outside `functions/` or into Python internals.
"""

from __future__ import annotations

import re

_COMPONENT = re.compile(r"[A-Za-z0-9_.]{1,64}")  # fullmatch: `$` would let a trailing newline through
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HAS_ALNUM = re.compile(r"[A-Za-z0-9]")


class InvalidPathError(ValueError):
    pass


def _check_component(part: str, path: str) -> None:
    if not _COMPONENT.fullmatch(part) or not _HAS_ALNUM.search(part) or part.startswith("__") or ".." in part:
        raise InvalidPathError(f"Invalid function path {path!r}")


# Paths already checked, so a deployment's hot calls skip the regular expressions (bounded: a client sending
# endless new valid paths only stops the memo growing).
_CANONICAL: dict[str, str] = {}
_CANONICAL_MAX = 4096


def canonical_path(path: object) -> str:
    """Normalize to `dir/mod:fn`; raises InvalidPathError for anything Convex would refuse."""
    if isinstance(path, str):
        known = _CANONICAL.get(path)
        if known is not None:
            return known
    canonical = _canonical_path(path)  # raises unless `path` is a valid str
    if isinstance(path, str) and len(_CANONICAL) < _CANONICAL_MAX:
        _CANONICAL[path] = canonical
    return canonical


def _canonical_path(path: object) -> str:
    if not isinstance(path, str) or not path or len(path) > 1024:
        raise InvalidPathError(f"Invalid function path {str(path)[:80]!r}")
    module, sep, name = path.partition(":")
    if not sep:
        name = "default"
    if ":" in name or not name:
        raise InvalidPathError(f"Invalid function path {path!r}")
    parts = module.split("/")
    for part in parts:
        _check_component(part, path)
    last = parts[-1]
    if last.endswith(".js"):
        last = last[: -len(".js")]
    elif "." in last:
        raise InvalidPathError(f"Invalid function path {path!r}: only a .js module extension is allowed")
    parts[-1] = last
    for part in parts:
        if "." in part or not part:
            raise InvalidPathError(f"Invalid function path {path!r}")
    if not _NAME.fullmatch(name) or name.startswith("__"):
        raise InvalidPathError(f"Invalid function name in path {path!r}")
    return "/".join(parts) + ":" + name


def module_path_of(relative_file: str) -> str:
    """`admin/tools.py` -> `admin/tools`."""
    return relative_file[: -len(".py")] if relative_file.endswith(".py") else relative_file
