"""Convex's query cache: a query result reused while nothing it read has changed, validated by the commit log.

An entry holds one successful result, the read set it was computed from and its snapshot ts. The cache keeps
`validated_ts`: every commit up to it has been checked against the entries, and the entries it touched are
gone. A lookup at snapshot ts T first reads the commit log in (validated_ts, T] — the log holds every
process's commits, so writes of `albertplus run`, `seed` or another server count — drops the entries those
commits touched, and then answers with an entry computed at or before T. A result computed at a ts older than
`validated_ts` is not stored (commits it never saw were already checked). Memory is bounded: least recently
used entries go first once the estimated size passes the budget.

What may be cached is the caller's decision (the executor never stores a result that read the clock or used
randomness); this module only keeps the entries correct against the data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from albertplus_cli.database.database import Commit, Database
from albertplus_cli.database.read_set import FrozenReadSet

ENTRY_OVERHEAD = 400  # bytes: the entry object, its key and the bookkeeping around it

MAX_ENTRY_BYTES = 1 << 20  # see QueryCache.max_entry_bytes


@dataclass(slots=True)
class CachedResult:
    """One kept result. Slotted and holding only the merged read set (not the raw one too): every object an
    entry holds is one more for each full garbage collection to walk, and with thousands of entries those
    collections were the longest pauses of a cache-hostile load."""

    value: Any
    log_lines: tuple[str, ...]
    journal: str | None
    frozen: FrozenReadSet
    ts: int
    owners: tuple[object, ...]  # the function definition and catalog it ran with: a code or schema push voids it
    size: int
    encoded: dict[str, Any] = field(default_factory=dict)  # each format's JSON (orjson.Fragment)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    invalidations: int = 0


@dataclass
class _Index:
    """Which entries read each index: a commit is checked only against the entries that read what it wrote."""

    by_index: dict[int, set[Hashable]] = field(default_factory=dict)

    def add(self, key: Hashable, frozen: FrozenReadSet) -> None:
        for index_id in frozen.index_ids():
            self.by_index.setdefault(index_id, set()).add(key)

    def remove(self, key: Hashable, frozen: FrozenReadSet) -> None:
        for index_id in frozen.index_ids():
            keys = self.by_index.get(index_id)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_index[index_id]

    def candidates(self, commit: Commit) -> set[Hashable]:
        out: set[Hashable] = set()
        index_ids = {index_id for index_id, _key in commit.writes.keys}
        index_ids.update(index_id for index_id, _values in commit.writes.searches)
        for index_id in index_ids:
            out.update(self.by_index.get(index_id, ()))
        return out


class QueryCache:
    """Thread-safe (the loop, the sync hub's worker and action threads all run queries)."""

    def __init__(self, db: Database, max_bytes: int) -> None:
        self.db = db
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self.bytes = 0
        self.validated_ts = 0
        # One huge result (a 2 MiB echo) would evict hundreds of ordinary ones, and the wire encodings a hit
        # keeps beside the value double it: results over this size are answered but not kept.
        self.max_entry_bytes = MAX_ENTRY_BYTES
        self._entries: OrderedDict[Hashable, CachedResult] = OrderedDict()
        self._index = _Index()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, key: Hashable, owners: tuple[object, ...], *, count_miss: bool = True,
               snapshot_ts: int | None = None) -> tuple[CachedResult | None, int]:
        """(a result valid at this thread's snapshot and computed by the same `owners`, or None; that ts).

        The ts is `snapshot_ts` when the caller read it (no older than its request), else the pinned snapshot's
        inside `db.snapshot()`, else the newest commit in the file. A caller that runs the query itself after a
        miss (and so looks it up again) passes `count_miss=False`."""
        ts = self.db.snapshot_ts() if snapshot_ts is None else snapshot_ts
        with self._lock:
            if ts > self.validated_ts:
                self._advance(ts)
            entry = self._entries.get(key)
            if (entry is not None and entry.ts <= ts and len(entry.owners) == len(owners)
                    and all(a is b for a, b in zip(entry.owners, owners, strict=True))):
                self._entries.move_to_end(key)
                self.stats.hits += 1
                return entry, ts
            if count_miss:
                self.stats.misses += 1
            return None, ts

    def store(self, key: Hashable, entry: CachedResult) -> None:
        """Keep a result computed at `entry.ts`, unless commits it never saw were already checked."""
        if entry.size > min(self.max_bytes, self.max_entry_bytes):
            return
        with self._lock:
            if entry.ts < self.validated_ts:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._forget(key, old)
            self._entries[key] = entry
            self._index.add(key, entry.frozen)
            self.bytes += entry.size
            while self.bytes > self.max_bytes and self._entries:
                evicted_key, evicted = self._entries.popitem(last=False)
                self._forget(evicted_key, evicted)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._index = _Index()
            self.bytes = 0

    def summary(self) -> dict[str, int]:
        """What the admin stats answer shows (the dashboard's health view)."""
        return {"hits": self.stats.hits, "misses": self.stats.misses, "entries": len(self._entries),
                "bytes": self.bytes, "maxBytes": self.max_bytes, "invalidations": self.stats.invalidations}

    # -- inside the lock ---------------------------------------------------------------------------

    def _forget(self, key: Hashable, entry: CachedResult) -> None:
        self._index.remove(key, entry.frozen)
        self.bytes -= entry.size

    def _advance(self, ts: int) -> None:
        """Check the commits in (validated_ts, ts] against the entries and drop those they touched."""
        if self._entries and self.db.log_pruned_through() > self.validated_ts:
            self._entries.clear()  # the log no longer reaches back: nothing can be validated
            self._index = _Index()
            self.bytes = 0
        cursor = self.validated_ts
        while cursor < ts and self._entries:
            page = self.db.commits_after(cursor)
            if not page:
                break
            for commit in page:
                if commit.ts > ts:
                    break
                for key in self._index.candidates(commit):
                    entry = self._entries.get(key)
                    if entry is not None and entry.frozen.overlaps(commit.writes):
                        del self._entries[key]
                        self._forget(key, entry)
                        self.stats.invalidations += 1
            cursor = page[-1].ts
        self.validated_ts = ts
