"""Read sets: what a transaction read (index key intervals, search filters), merged for overlap checks.

A subscription re-runs when, and only when, a committed key (old or new) falls inside one of its intervals,
or a written document's search filter values match one of its search reads.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from albertplus_cli.database.write_set import WriteSet


def by_id_index(table_number: int) -> int:
    """The pseudo index id of a table's `by_id` index (documents are keyed by id, not stored as entries)."""
    return -table_number


TABLE_CREATION_INDEX = 0  # schemaless tables: a read of a missing table waits for its creation


@dataclass
class ReadSet:
    """Key intervals [lo, hi) per index (hi None = unbounded) and search reads."""

    intervals: dict[int, list[tuple[bytes, bytes | None]]] = field(default_factory=dict)
    searches: list[tuple[int, dict[int, bytes]]] = field(default_factory=list)

    def add_interval(self, index_id: int, lo: bytes, hi: bytes | None) -> None:
        if hi is not None and hi <= lo:
            return
        self.intervals.setdefault(index_id, []).append((lo, hi))

    def add_point(self, index_id: int, key: bytes) -> None:
        self.add_interval(index_id, key, key + b"\x00")

    def add_search(self, index_id: int, filters: dict[int, bytes]) -> None:
        self.searches.append((index_id, filters))

    def interval_count(self) -> int:
        return sum(len(v) for v in self.intervals.values()) + len(self.searches)

    def frozen(self) -> FrozenReadSet:
        return FrozenReadSet.build(self)


@dataclass(slots=True)
class FrozenReadSet:
    """A read set merged into sorted disjoint intervals, for fast overlap checks against commits.

    Intervals are kept in tuples of bytes, which the garbage collector stops tracking: the query cache holds
    one of these per entry, and every tracked object lengthens each full collection."""

    starts: dict[int, tuple[bytes, ...]]
    ends: dict[int, tuple[bytes | None, ...]]
    searches: dict[int, list[dict[int, bytes]]]

    @classmethod
    def build(cls, reads: ReadSet) -> FrozenReadSet:
        starts: dict[int, tuple[bytes, ...]] = {}
        ends: dict[int, tuple[bytes | None, ...]] = {}
        for index_id, intervals in reads.intervals.items():
            merged: list[tuple[bytes, bytes | None]] = []
            for lo, hi in sorted(intervals, key=lambda iv: iv[0]):
                if merged:
                    last_lo, last_hi = merged[-1]
                    if last_hi is None or lo <= last_hi:
                        if last_hi is not None and (hi is None or hi > last_hi):
                            merged[-1] = (last_lo, hi)
                        continue
                merged.append((lo, hi))
            starts[index_id] = tuple(lo for lo, _ in merged)
            ends[index_id] = tuple(hi for _, hi in merged)
        searches: dict[int, list[dict[int, bytes]]] = {}
        for index_id, filters in reads.searches:
            searches.setdefault(index_id, []).append(filters)
        return cls(starts, ends, searches)

    def index_ids(self) -> set[int]:
        return set(self.starts) | set(self.searches)

    def contains_key(self, index_id: int, key: bytes) -> bool:
        starts = self.starts.get(index_id)
        if not starts:
            return False
        pos = bisect.bisect_right(starts, key) - 1
        if pos < 0:
            return False
        end = self.ends[index_id][pos]
        return end is None or key < end

    def overlaps(self, writes: WriteSet) -> bool:
        for index_id, key in writes.keys:
            if self.contains_key(index_id, key):
                return True
        for index_id, values in writes.searches:
            for filters in self.searches.get(index_id, ()):
                if all(pos < len(values) and values[pos] == want for pos, want in filters.items()):
                    return True
        return False
