"""Which subscriptions a batch of commits touches: their write keys, merged and sorted per index, checked
against each subscription's read intervals with binary search (cost ~ intervals × log writes)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from albertplus_cli.database import Commit, FrozenReadSet
from albertplus_cli.database.read_set import TABLE_CREATION_INDEX


@dataclass
class CombinedWrites:
    keys: dict[int, list[bytes]] = field(default_factory=dict)
    searches: dict[int, list[list[bytes]]] = field(default_factory=dict)
    creates_table: bool = False

    @classmethod
    def of(cls, commits: list[Commit]) -> CombinedWrites:
        combined = cls()
        for commit in commits:
            for index_id, key in commit.writes.keys:
                combined.keys.setdefault(index_id, []).append(key)
                if index_id == TABLE_CREATION_INDEX:
                    combined.creates_table = True
            for index_id, values in commit.writes.searches:
                combined.searches.setdefault(index_id, []).append(values)
        for keys in combined.keys.values():
            keys.sort()
        return combined

    def __bool__(self) -> bool:
        return bool(self.keys or self.searches)

    def touches(self, reads: FrozenReadSet) -> bool:
        for index_id, starts in reads.starts.items():
            keys = self.keys.get(index_id)
            if not keys:
                continue
            ends = reads.ends[index_id]
            for lo, hi in zip(starts, ends, strict=True):
                i = bisect.bisect_left(keys, lo)
                if i < len(keys) and (hi is None or keys[i] < hi):
                    return True
        for index_id, wanted in reads.searches.items():
            written = self.searches.get(index_id)
            if not written:
                continue
            for filters in wanted:
                for values in written:
                    if all(pos < len(values) and values[pos] == want for pos, want in filters.items()):
                        return True
        return False
