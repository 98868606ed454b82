"""Untrusted text made safe for a terminal: every control character shown as a `\\x1b`-style escape.

Function paths, arguments, error messages, log lines and document strings come from whoever can call the
server. Printed raw, `ESC ]0;` retitles the window, `ESC ]52;` writes the clipboard and `ESC [2K` or `\\r`
erase what the developer sees. Every C0 character, DEL and every C1 character is replaced by its escape;
nothing else changes, so escaping twice is the same as escaping once.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def safe_line(text: str) -> str:
    """`text` for one line of a terminal: every control character escaped, newline and tab included."""
    return _CONTROL.sub(_escape, text)


def safe_text(text: str) -> str:
    """`text` for a terminal, keeping its line breaks and tabs; every other control character escaped."""
    return _CONTROL_BUT_LAYOUT.sub(_escape, text)
