"""The result of one function execution, as every transport (HTTP, sync, CLI) reports it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from albertplus_cli.database import FrozenReadSet, ReadSet
from albertplus_cli.values.types import UNDEFINED


@dataclass
class Outcome:
    path: str
    kind: str  # "query" | "mutation" | "action" (or "unknown" when the path did not resolve)
    ok: bool
    value: Any = None
    error_message: str | None = None
    error_data: Any = UNDEFINED  # set only for ConvexError
    error: BaseException | None = field(default=None, repr=False, compare=False)  # what failed the function
    log_lines: list[str] = field(default_factory=list)
    ts: int = 0
    duration: float = 0.0
    reads: ReadSet | None = None  # what the query read; frozen only when a subscription needs it
    journal: str | None = None
    written: int = 0
    _frozen: FrozenReadSet | None = field(default=None, repr=False, compare=False)
    # The value already encoded per wire format, shared with the query cache's entry (None: not cached).
    encoded: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def read_set(self) -> FrozenReadSet | None:
        """The read set merged for overlap checks, built on first use (a one-off HTTP query never needs it);
        a cached result carries only this merged form."""
        if self._frozen is not None:
            return self._frozen
        if self.reads is None:
            return None
        if self._frozen is None:
            self._frozen = self.reads.frozen()
        return self._frozen

    @property
    def has_error_data(self) -> bool:
        return self.error_data is not UNDEFINED
