"""Errors user functions raise, and the ones the executor reports in Convex's words."""

from __future__ import annotations

from typing import Any


class ConvexError(Exception):
    """An application error whose `data` reaches the client as `errorData` (never redacted)."""

    def __init__(self, data: Any = None) -> None:
        self.data = data
        super().__init__(data if isinstance(data, str) else "ConvexError")


class FunctionNotFound(Exception):
    pass


class FunctionTimeout(BaseException):
    """Raised inside a function that ran past its time limit (a BaseException so user code can't swallow it
    with `except Exception`)."""
