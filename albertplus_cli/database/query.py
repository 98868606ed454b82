"""The query builder behind `ctx.db.query(table)`, with Convex's rules.

`with_index(name, lambda r: r.eq(...).gte(...).lt(...))`: equalities on a prefix of the index fields, then at
most one lower and one upper bound on the next field; the range becomes one byte range of the index.
`.filter` post-filters (scanned documents still count and stay in the read set), `.order` once,
`take/first/unique/collect/paginate` execute, and `with_search_index` runs the storage's full-text search
ranked by relevance.

Search matching is Convex's: a document matches when its search field contains AT LEAST ONE of the search
text's terms (only the last term also as a prefix, as you type) and EVERY `.eq` filter field is equal; results
come best first, ties newest first. Not "every term must match": Convex's `ConvexSearchQuery`
(get-convex/convex-backend, crates/search/src/convex_query.rs) is "A query for documents that: 1. Contain at
least one of the OR terms. 2. Match all of the AND terms." — the OR terms being the text's terms, the AND terms
the filter fields — and its docs (npm-packages/docs/docs/search/text-search.mdx, "Relevance order") rank by
BM25: "How many words in the search query appear in the field? How many times do they appear? How long is the
text field?" An empty or blank text matches nothing. Both storages implement this rule (`Storage.search`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from albertplus_cli.database.catalog import CREATION_TIME_INDEX, IndexInfo, SearchInfo, TableInfo
from albertplus_cli.database.cursors import (
    end_cursor,
    key_cursor,
    offset_cursor,
    parse_cursor,
    query_fingerprint,
)
from albertplus_cli.database.errors import DatabaseError
from albertplus_cli.database.expressions import FilterBuilder, compile_filter
from albertplus_cli.database.transaction import Transaction
from albertplus_cli.values.index_keys import encode_key, prefix_successor
from albertplus_cli.values.types import UNDEFINED

MAX_SEARCH_RESULTS = 1024
MAX_SEARCH_TERMS = 16
_TOKEN = re.compile(r"[^\W_]+")  # runs of letters and digits, as Tantivy's SimpleTokenizer (Convex) splits


class IndexRangeBuilder:
    """The `r` of `with_index(name, lambda r: ...)`."""

    def __init__(self, index: IndexInfo) -> None:
        self._index = index
        self._fields = index.key_fields
        self.equalities: list[Any] = []
        self.lower: tuple[str, Any, bool] | None = None  # (field, value, inclusive)
        self.upper: tuple[str, Any, bool] | None = None
        self._used: list[str] = []

    def _fail(self, field: str) -> DatabaseError:
        return DatabaseError(
            f"Tried to query index {self._index.table}.{self._index.name} but the query didn't use the index "
            f"fields in order.\nIndex fields: {list(self._fields)}\nQuery fields: {[*self._used, field]}"
        )

    def _next_field(self) -> str | None:
        n = len(self.equalities)
        return self._fields[n] if n < len(self._fields) else None

    def eq(self, field: str, value: Any) -> IndexRangeBuilder:
        if self.lower or self.upper or field != self._next_field():
            raise self._fail(field)
        self.equalities.append(value)
        self._used.append(field)
        return self

    def _bound(self, field: str, value: Any, inclusive: bool, is_lower: bool) -> IndexRangeBuilder:
        if value is UNDEFINED:
            raise DatabaseError("Index range bounds cannot be undefined")
        bound_field = (self.lower or self.upper or (None,))[0]
        if field != self._next_field() or (bound_field is not None and bound_field != field):
            raise self._fail(field)
        if (self.lower if is_lower else self.upper) is not None:
            raise DatabaseError(f"Index range on {field} already has a {'lower' if is_lower else 'upper'} bound")
        if is_lower:
            self.lower = (field, value, inclusive)
        else:
            self.upper = (field, value, inclusive)
        self._used.append(field)
        return self

    def gt(self, field: str, value: Any) -> IndexRangeBuilder:
        return self._bound(field, value, False, True)

    def gte(self, field: str, value: Any) -> IndexRangeBuilder:
        return self._bound(field, value, True, True)

    def lt(self, field: str, value: Any) -> IndexRangeBuilder:
        return self._bound(field, value, False, False)

    def lte(self, field: str, value: Any) -> IndexRangeBuilder:
        return self._bound(field, value, True, False)

    def byte_range(self) -> tuple[bytes, bytes | None]:
        """[lo, hi) in index-key bytes."""
        try:
            prefix = encode_key(self.equalities)
        except TypeError as e:
            raise DatabaseError(f"Invalid value in index range: {e}") from None
        lo, hi = prefix, prefix_successor(prefix) if prefix else None
        if self.lower is not None:
            key = prefix + encode_key([self.lower[1]])
            lo = key if self.lower[2] else (prefix_successor(key) or key)
        if self.upper is not None:
            key = prefix + encode_key([self.upper[1]])
            hi = prefix_successor(key) if self.upper[2] else key
        return lo, hi


class SearchFilterBuilder:
    """The `q` of `with_search_index(name, lambda q: q.search(field, text).eq(...))`."""

    def __init__(self, info: SearchInfo) -> None:
        self._info = info
        self.text: str | None = None
        self.filters: dict[int, bytes] = {}

    def search(self, field: str, text: str) -> SearchFilterBuilder:
        if field != self._info.search_field:
            raise DatabaseError(
                f"Search index {self._info.table}.{self._info.name} searches field {self._info.search_field!r}, "
                f"not {field!r}"
            )
        if not isinstance(text, str):
            raise DatabaseError("search() text must be a string")
        self.text = text
        return self

    def eq(self, field: str, value: Any) -> SearchFilterBuilder:
        if field not in self._info.filter_fields:
            raise DatabaseError(
                f"Field {field!r} is not a filter field of search index {self._info.table}.{self._info.name} "
                f"(filter fields: {list(self._info.filter_fields)})"
            )
        self.filters[self._info.filter_fields.index(field)] = encode_key([value])
        return self


def search_terms(text: str) -> list[str]:
    """The lower-cased terms of a search text (at most 16, as Convex allows): a document matches when it has any
    one of them, the last one as a prefix (as you type); none (an empty or blank text) matches nothing."""
    return [t.lower() for t in _TOKEN.findall(text)][:MAX_SEARCH_TERMS]


class Query:
    """A query over one table; chain `.order`/`.filter`, finish with collect/take/first/unique/paginate."""

    def __init__(self, tx: Transaction, table: str, info: TableInfo | None) -> None:
        self._tx = tx
        self._table = table
        self._info = info
        self._index: IndexInfo | None = info.creation_index if info else None
        self._range: tuple[bytes, bytes | None] = (b"", None)
        self._search: tuple[SearchInfo, SearchFilterBuilder] | None = None
        self._order: str | None = None
        self._filters: list[Callable[[dict[str, Any]], bool]] = []
        self._source_set = False

    # -- building ----------------------------------------------------------------------------------

    def with_index(self, name: str, range_fn: Callable[[IndexRangeBuilder], Any] | None = None) -> Query:
        if self._source_set:
            raise DatabaseError("with_index/with_search_index can only be called once, directly after query()")
        self._source_set = True
        if self._info is None:
            if name != CREATION_TIME_INDEX:
                self._require_index(name)
            return self
        index = self._require_index(name)
        self._index = index
        if range_fn is not None:
            builder = IndexRangeBuilder(index)
            result = range_fn(builder)
            if result is not None and not isinstance(result, IndexRangeBuilder):
                raise DatabaseError("The with_index() range function must return the range builder it was given")
            self._range = builder.byte_range()
        return self

    def _require_index(self, name: str) -> IndexInfo:
        schema_table = self._tx.catalog.schema.table(self._table) if self._tx.catalog.schema else None
        index = self._info.indexes.get(name) if self._info else None
        if index is None:
            known = sorted(self._info.indexes) if self._info else sorted(schema_table.indexes if schema_table else ())
            raise DatabaseError(f'Index {self._table}.{name} not found. Indexes on "{self._table}": {known}')
        return index

    def with_search_index(self, name: str, search_fn: Callable[[SearchFilterBuilder], Any]) -> Query:
        if self._source_set:
            raise DatabaseError("with_index/with_search_index can only be called once, directly after query()")
        self._source_set = True
        info = self._info.search_indexes.get(name) if self._info else None
        if info is None:
            known = sorted(self._info.search_indexes) if self._info else []
            raise DatabaseError(f'Search index {self._table}.{name} not found. Search indexes: {known}')
        builder = SearchFilterBuilder(info)
        search_fn(builder)
        if builder.text is None:
            raise DatabaseError("A search query needs q.search(field, text)")
        self._search = (info, builder)
        return self

    def order(self, order: str) -> Query:
        if self._search is not None:
            raise DatabaseError("Search queries must always be in relevance order. Can not set order manually.")
        if self._order is not None:
            raise DatabaseError("Queries may only specify order at most once")
        if order not in ("asc", "desc"):
            raise DatabaseError(f"order must be 'asc' or 'desc', got {order!r}")
        self._order = order
        self._source_set = True
        return self

    def filter(self, fn: Callable[[FilterBuilder], Any]) -> Query:
        self._filters.append(compile_filter(fn))
        self._source_set = True
        return self

    # -- execution ---------------------------------------------------------------------------------

    def _passes(self, doc: dict[str, Any]) -> bool:
        return all(f(doc) for f in self._filters)

    def _search_results(self) -> list[dict[str, Any]]:
        assert self._search is not None
        info, builder = self._search
        terms = search_terms(builder.text or "")
        if not terms:
            self._tx.reads.add_search(info.index_id, builder.filters)
            return []
        return self._tx.search(info, terms, builder.filters, MAX_SEARCH_RESULTS)

    def _iterate(self, limit: int | None) -> list[dict[str, Any]]:
        if limit is not None and limit <= 0:
            return []
        if self._search is not None:
            docs = [d for d in self._search_results() if self._passes(d)]
            return docs if limit is None else docs[:limit]
        if self._index is None:
            return []
        out: list[dict[str, Any]] = []
        scan = self._tx.scan(self._index, self._range[0], self._range[1], self._order == "desc")
        try:
            for _key, doc in scan:
                if self._passes(doc):
                    out.append(doc)
                    if limit is not None and len(out) >= limit:
                        break
        finally:
            scan.finish()
        return out

    def collect(self) -> list[dict[str, Any]]:
        return self._iterate(None)

    def take(self, n: int) -> list[dict[str, Any]]:
        if isinstance(n, bool) or not isinstance(n, (int, float)) or n < 0 or int(n) != n:
            raise DatabaseError(f"take() requires a non-negative integer, got {n!r}")
        return self._iterate(int(n))

    def first(self) -> dict[str, Any] | None:
        docs = self._iterate(1)
        return docs[0] if docs else None

    def unique(self) -> dict[str, Any] | None:
        docs = self._iterate(2)
        if len(docs) > 1:
            raise DatabaseError(f"unique() query returned more than one result from table {self._table}:\n"
                                f" [{docs[0]['_id']}, {docs[1]['_id']}, ...]")
        return docs[0] if docs else None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.collect())

    def count(self) -> int:
        return len(self.collect())

    def _fingerprint(self) -> bytes:
        if self._search is not None:
            info, builder = self._search
            return query_fingerprint("search", self._table, info.name, builder.text, sorted(builder.filters.items()))
        index_name = self._index.name if self._index else CREATION_TIME_INDEX
        return query_fingerprint("index", self._table, index_name, self._range, self._order or "asc")

    def paginate(self, opts: Any) -> dict[str, Any]:
        """One page: `{page, isDone, continueCursor}`, plus `splitCursor` and `pageStatus` when a page bounded by
        an end cursor could not be read whole.

        `opts` are Convex's PaginationOptions: `numItems`, `cursor`, `endCursor` (the page ends exactly there:
        the query journal of a reactive re-execution sets it), and `maximumRowsRead`, the most index rows the
        page may read before filters. A page that reaches it ends early; without an end cursor that is an
        ordinary shorter page (`isDone` false, `continueCursor` after the last row read); with one, the page
        is incomplete, so it reports `pageStatus: "SplitRequired"` and a `splitCursor` at the last row read,
        and the client splits it in two (as Convex does). Not applied to search queries (Convex neither).
        """
        if not isinstance(opts, dict):
            raise DatabaseError("paginate() takes {'numItems': n, 'cursor': string | None}")
        num_items = opts.get("numItems")
        if isinstance(num_items, bool) or not isinstance(num_items, (int, float)) or not 1 <= num_items <= 8192 \
                or int(num_items) != num_items:
            raise DatabaseError(f"paginationOpts.numItems must be a number from 1 to 8192, got {num_items!r}")
        if self._tx.paginated:
            raise DatabaseError(
                "This query or mutation function ran multiple paginated queries. Convex only supports a single "
                "paginated query in each function."
            )
        max_rows = opts.get("maximumRowsRead")
        if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, (int, float))
                                     or max_rows < 1 or int(max_rows) != max_rows):
            raise DatabaseError(f"paginationOpts.maximumRowsRead must be a positive integer, got {max_rows!r}")
        self._tx.paginated = True
        fingerprint = self._fingerprint()
        cursor = opts.get("cursor")
        end = opts.get("endCursor")
        if end is None and self._tx.journal_in is not None:
            end = self._tx.journal_in
        if self._search is not None:
            return self._paginate_search(int(num_items), cursor, end, fingerprint)
        return self._paginate_index(int(num_items), cursor, end, fingerprint,
                                    None if max_rows is None else int(max_rows))

    def _paginate_index(self, num_items: int, cursor: Any, end: Any, fingerprint: bytes,
                        max_rows: int | None) -> dict[str, Any]:
        lo, hi = self._range
        descending = self._order == "desc"
        if cursor is not None:
            kind, key = parse_cursor(cursor, fingerprint)
            if kind == "end":
                self._tx.journal_out = end_cursor(fingerprint)
                return {"page": [], "isDone": True, "continueCursor": end_cursor(fingerprint)}
            assert isinstance(key, bytes)
            if descending:
                hi = key
            else:
                lo = key + b"\x00"
        end_key: bytes | None = None
        until_end = False
        if end is not None:
            kind, value = parse_cursor(end, fingerprint)
            if kind == "end":
                until_end = True
            elif kind == "key":
                assert isinstance(value, bytes)
                end_key = value
        bounded = end_key is not None or until_end

        def past_end(key: bytes) -> bool:
            return end_key is not None and ((key > end_key) if not descending else (key < end_key))

        page: list[dict[str, Any]] = []
        exhausted = False  # the range has no row after the last one read
        cut = False  # maximumRowsRead ended the page while its range had more rows
        peeked = False
        last_key: bytes | None = None
        rows_read = 0
        if self._index is None:
            exhausted = True
        else:
            scan = self._tx.scan(self._index, lo, hi, descending)
            try:
                iterator = iter(scan)
                for key, doc in iterator:
                    if past_end(key):
                        break
                    last_key = key
                    rows_read += 1
                    if self._passes(doc):
                        page.append(doc)
                    if not bounded and len(page) >= num_items:
                        break
                    if end_key is not None and key == end_key:
                        break
                    if max_rows is not None and rows_read >= max_rows:
                        following, peeked = next(iterator, None), True
                        exhausted = following is None
                        cut = following is not None and not past_end(following[0])
                        break
                else:
                    exhausted = True
                if not bounded and not exhausted and not peeked:
                    # Peek: if nothing follows, this page is the last one.
                    exhausted = next(iterator, None) is None
            finally:
                scan.finish()
        done = exhausted
        incomplete = bounded and cut
        if incomplete:
            assert last_key is not None
            continue_cursor = key_cursor(fingerprint, end_key) if end_key is not None else end_cursor(fingerprint)
            self._tx.journal_out = continue_cursor
            return {"page": page, "isDone": False, "continueCursor": continue_cursor,
                    "splitCursor": key_cursor(fingerprint, last_key), "pageStatus": "SplitRequired"}
        if end_key is not None:
            # A page bounded by an end cursor (a journaled re-execution) ends exactly there, even if the rows
            # at its end were deleted meanwhile: the next page starts at that cursor, so pages stay gapless.
            done = False
            continue_cursor = key_cursor(fingerprint, end_key)
        elif done:
            continue_cursor = end_cursor(fingerprint)
        elif last_key is not None:
            continue_cursor = key_cursor(fingerprint, last_key)
        else:
            continue_cursor = cursor if isinstance(cursor, str) else end_cursor(fingerprint)
        self._tx.journal_out = continue_cursor
        return {"page": page, "isDone": done, "continueCursor": continue_cursor}

    def _paginate_search(self, num_items: int, cursor: Any, end: Any, fingerprint: bytes) -> dict[str, Any]:
        results = [d for d in self._search_results() if self._passes(d)]
        start = 0
        if cursor is not None:
            kind, value = parse_cursor(cursor, fingerprint)
            start = len(results) if kind == "end" else int(value) if kind == "offset" else 0  # type: ignore[arg-type]
        stop = start + num_items
        if end is not None:
            kind, value = parse_cursor(end, fingerprint)
            stop = len(results) if kind == "end" else int(value) if kind == "offset" else stop  # type: ignore[arg-type]
        page = results[start:stop]
        done = stop >= len(results)
        continue_cursor = end_cursor(fingerprint) if done else offset_cursor(fingerprint, stop)
        self._tx.journal_out = continue_cursor
        return {"page": page, "isDone": done, "continueCursor": continue_cursor}
