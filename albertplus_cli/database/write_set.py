"""Write sets: the index keys a commit touched (old and new) and the search filter values it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class WriteSet:
    """Index keys a commit touched (old and new) and search filter tuples of written documents."""

    keys: list[tuple[int, bytes]] = field(default_factory=list)
    searches: list[tuple[int, list[bytes]]] = field(default_factory=list)

    def add_key(self, index_id: int, key: bytes) -> None:
        self.keys.append((index_id, key))

    def add_search(self, index_id: int, filters: list[bytes]) -> None:
        self.searches.append((index_id, filters))

    def __bool__(self) -> bool:
        return bool(self.keys or self.searches)

    def extend(self, other: WriteSet) -> None:
        self.keys.extend(other.keys)
        self.searches.extend(other.searches)
