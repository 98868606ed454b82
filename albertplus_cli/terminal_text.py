"""Untrusted text made safe for a terminal: every control character shown as a `\\x1b`-style escape.

Function paths, arguments, error messages, log lines and document strings come from whoever can call the
server. Printed raw, `ESC ]0;` retitles the window, `ESC ]52;` writes the clipboard, `ESC [2K` or `\\r`
erase what the developer sees, and the bidi embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069, the "Trojan Source" characters) make text read in an order other than the one it has. Every
C0 character, DEL and every C1 character is replaced by its `\\xNN` escape, a bidi control by its `\\uNNNN`
escape; nothing else changes, so escaping twice is the same as escaping once.
"""

from __future__ import annotations

import re

_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_BUT_LAYOUT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
# What JSON text may still hold raw inside its strings (JSON itself escapes only C0, as `\u001b`).
_RAW_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe_line(text: str) -> str:
    """`text` for one line of a terminal: every control character escaped, newline and tab included."""
    return _CONTROL.sub(_escape, text)


def safe_text(text: str) -> str:
    """`text` for a terminal, keeping its line breaks and tabs; every other control character escaped."""
    return _CONTROL_BUT_LAYOUT.sub(_escape, text)


def safe_json(text: str) -> str:
    """JSON text (as a JSON encoder writes it, C0 characters in strings already `\\u001b`) for a terminal: DEL,
    C1 and bidi controls in its strings become `\\u` escapes too, so it stays valid JSON of the same value."""
    return _RAW_IN_JSON.sub(_json_escape, text)
