"""Built-in admin-only system functions (`_system/frontend/*`): what `albertplus dashboard` reads and writes.

Convex's dashboard drives a deployment through `_system/frontend/*` functions called with the admin key over
the sync protocol and HTTP; these are ours. The executor resolves them only for admin callers (`public_only`
False), so no user token ever reaches them. They read through the transaction, so every read is in the read
set and a subscription to them is live: `tables` re-runs on any write (its counts change), `tableData` when a
write lands in the page's index range. Bad input and rejected writes are ordinary function errors, which the
dashboard shows in place.

| path | kind | args | returns |
| --- | --- | --- | --- |
| `_system/frontend/tables` | query | `{}` | `[{name, count, inSchema, indexes, searchIndexes}]` |
| `_system/frontend/tableData` | query | `{table, paginationOpts, index?, order?, filters?, search?}` | `{page, isDone, continueCursor, scanned, index}` |
| `_system/frontend/schema` | query | `{}` | `{hasSchema, schemaValidation, tables: [{name, inSchema, documentType, indexes, searchIndexes}]}` |
| `_system/frontend/functions` | query | `{}` | `[{path, module, name, kind, visibility, args, returns}]` |
| `_system/frontend/getDocument` | query | `{id}` | `{table, document}` (document null when gone) |
| `_system/frontend/insertDocument` | mutation | `{table, document}` | the new id |
| `_system/frontend/patchDocument` | mutation | `{id, fields}` | the id |
| `_system/frontend/replaceDocument` | mutation | `{id, document}` | the id (system fields in `document` are ignored) |
| `_system/frontend/deleteDocuments` | mutation | `{ids}` | how many were deleted |
| `_system/frontend/clearTable` | mutation | `{table}` | `{deleted, hasMore}` (call again while `hasMore`) |

`filters` are `[{field, op, value}]` with `op` one of eq, neq, lt, lte, gt, gte (Convex's total order). Equalities
on a prefix of the chosen index (and one range on the next field) become an index range; the rest are applied
while scanning, at most SCAN_BUDGET documents per page, so a selective filter on a big table returns a short
page with `isDone: false` instead of failing the read limit.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from albertplus_cli.database import Transaction
from albertplus_cli.database.catalog import CREATION_TIME_INDEX, IndexInfo, TableInfo
from albertplus_cli.database.errors import DatabaseError
from albertplus_cli.database.expressions import FilterBuilder
from albertplus_cli.database.query import IndexRangeBuilder
from albertplus_cli.database.read_set import TABLE_CREATION_INDEX
from albertplus_cli.functions.context import MutationCtx, QueryCtx
from albertplus_cli.functions.errors import ConvexError
from albertplus_cli.functions.registry import FunctionDefinition, internal_mutation, internal_query
from albertplus_cli.values.ids import InvalidIdError, decode_id
from albertplus_cli.values.validators import v

if TYPE_CHECKING:
    from albertplus_cli.functions.loader import Project

SYSTEM_PREFIX = "_system/"
MAX_PAGE_ITEMS = 1000
SCAN_BUDGET = 5000  # documents one tableData page may scan past its index range
CLEAR_BATCH = 4000  # documents one clearTable call deletes (under Convex's write limit)
FILTER_OPS = ("eq", "neq", "lt", "lte", "gt", "gte")
_LOWER = {"gt": "gt", "gte": "gte"}
_UPPER = {"lt": "lt", "lte": "lte"}

_filter = v.object({"field": v.string(), "op": v.union(*(v.literal(op) for op in FILTER_OPS)), "value": v.any()})
_pagination = v.object({
    "numItems": v.number(),
    "cursor": v.union(v.string(), v.null()),
    "endCursor": v.optional(v.union(v.string(), v.null())),
    "id": v.optional(v.number()),
    "maximumRowsRead": v.optional(v.number()),
    "maximumBytesRead": v.optional(v.number()),
})


def _tx(ctx: QueryCtx) -> Transaction:
    """The transaction behind `ctx.db` (system functions need the catalog and raw counts, not just queries)."""
    return ctx.db.transaction


def _table(tx: Transaction, name: str) -> TableInfo | None:
    info = tx.table_info(name)  # a missing table joins the read set: the query wakes when it is created
    if info is None:
        schema = tx.catalog.schema
        if schema is None or schema.table(name) is None:
            raise ConvexError(f"Table '{name}' does not exist")
    return info


# -- reads ------------------------------------------------------------------------------------------------


def _tables(ctx: QueryCtx, _args: dict[str, Any]) -> list[dict[str, Any]]:
    tx = _tx(ctx)
    tx.record_interval(TABLE_CREATION_INDEX, b"", None)  # a new table appears in the list
    schema = tx.catalog.schema
    names = [*(schema.tables if schema else ()), *sorted(tx.catalog.by_name)]
    out = []
    for name in dict.fromkeys(names):
        if name.startswith("_"):
            continue
        info = tx.catalog.table(name)
        count = 0
        if info is not None:
            # The whole creation-time index: any insert or delete changes the count, and re-runs this query.
            tx.record_interval(info.creation_index.index_id, b"", None)
            count = tx.session.count_documents(info.number)
        table_def = schema.table(name) if schema else None
        indexes = sorted(info.indexes) if info else sorted(table_def.indexes) if table_def else []
        searches = sorted(info.search_indexes) if info else sorted(table_def.search_indexes) if table_def else []
        out.append({
            "name": name,
            "count": count,
            "inSchema": table_def is not None,
            "indexes": [i for i in indexes if i != CREATION_TIME_INDEX],
            "searchIndexes": searches,
        })
    return out


def _condition(flt: dict[str, Any]) -> Callable[[FilterBuilder], Any]:
    def build(q: FilterBuilder) -> Any:
        return getattr(q, flt["op"])(q.field(flt["field"]), flt["value"])

    return build


def _choose_index(info: TableInfo, requested: str | None, filters: list[dict[str, Any]]) -> IndexInfo:
    if requested:
        index = info.indexes.get(requested)
        if index is None:
            raise ConvexError(f"Index {info.name}.{requested} does not exist; indexes: {sorted(info.indexes)}")
        return index
    equal = {f["field"] for f in filters if f["op"] == "eq"}
    best, best_len = info.creation_index, 0
    for index in info.indexes.values():
        n = 0
        while n < len(index.fields) and index.fields[n] in equal:
            n += 1
        if n > best_len:
            best, best_len = index, n
    return best


def _index_range(builder: IndexRangeBuilder, index: IndexInfo, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn equalities on an index prefix (and bounds on the next field) into the index range; returns the
    filters left to apply while scanning."""
    remaining = list(filters)
    for field in index.key_fields:
        eq = next((f for f in remaining if f["field"] == field and f["op"] == "eq"), None)
        if eq is not None:
            builder.eq(field, eq["value"])
            remaining.remove(eq)
            continue
        for flt in [f for f in remaining if f["field"] == field]:
            op = flt["op"]
            if op in _LOWER and builder.lower is None:
                getattr(builder, op)(field, flt["value"])
                remaining.remove(flt)
            elif op in _UPPER and builder.upper is None:
                getattr(builder, op)(field, flt["value"])
                remaining.remove(flt)
        break
    return remaining


def _table_data(ctx: QueryCtx, args: dict[str, Any]) -> dict[str, Any]:
    tx = _tx(ctx)
    name = args["table"]
    opts = args["paginationOpts"]
    num_items = int(opts["numItems"])
    if not 1 <= num_items <= MAX_PAGE_ITEMS:
        raise ConvexError(f"paginationOpts.numItems must be from 1 to {MAX_PAGE_ITEMS}")
    filters = list(args.get("filters") or [])
    info = _table(tx, name)
    if info is None:
        return {"page": [], "isDone": True, "continueCursor": "", "scanned": 0, "index": CREATION_TIME_INDEX}
    search = (args.get("search") or "").strip()
    if search:
        return _search_page(ctx, info, search, filters, opts)
    index = _choose_index(info, args.get("index"), filters)
    remaining: list[dict[str, Any]] = []

    def index_range(builder: IndexRangeBuilder) -> IndexRangeBuilder:
        remaining.extend(_index_range(builder, index, filters))
        return builder

    scanned_before = tx.scanned
    try:
        query = ctx.db.query(name).with_index(index.name, index_range).order(args.get("order") or "asc")
        for flt in remaining:
            query = query.filter(_condition(flt))
        result = query.paginate({"numItems": num_items, "cursor": opts.get("cursor"),
                                 "maximumRowsRead": SCAN_BUDGET})
    except DatabaseError as e:  # a bad bound value, or a stale cursor (the index or range changed)
        raise ConvexError(str(e)) from None
    return {**result, "scanned": tx.scanned - scanned_before, "index": index.name}


def _search_page(ctx: QueryCtx, info: TableInfo, text: str, filters: list[dict[str, Any]],
                 opts: dict[str, Any]) -> dict[str, Any]:
    if not info.search_indexes:
        raise ConvexError(f"Table '{info.name}' has no search index, so it cannot be searched")
    search = next(iter(info.search_indexes.values()))
    eqs = [f for f in filters if f["op"] == "eq" and f["field"] in search.filter_fields]
    rest = [f for f in filters if f not in eqs]

    def build(q: Any) -> Any:
        q = q.search(search.search_field, text)
        for flt in eqs:
            q = q.eq(flt["field"], flt["value"])
        return q

    query = ctx.db.query(info.name).with_search_index(search.name, build)
    for flt in rest:
        query = query.filter(_condition(flt))
    result = query.paginate({"numItems": int(opts["numItems"]), "cursor": opts.get("cursor")})
    return {**result, "scanned": len(result["page"]), "index": search.name}


def _schema(ctx: QueryCtx, _args: dict[str, Any]) -> dict[str, Any]:
    tx = _tx(ctx)
    schema = tx.catalog.schema
    names = [*(schema.tables if schema else ()), *sorted(tx.catalog.by_name)]
    tables = []
    for name in dict.fromkeys(names):
        if name.startswith("_"):
            continue
        info = tx.catalog.table(name)
        table_def = schema.table(name) if schema else None
        validator = table_def.validator if table_def else None
        if info is not None:
            indexes = [{"name": i.name, "fields": list(i.fields)} for i in info.indexes.values()
                       if i.name != CREATION_TIME_INDEX]
            searches = [{"name": s.name, "searchField": s.search_field, "filterFields": list(s.filter_fields)}
                        for s in info.search_indexes.values()]
        else:
            assert table_def is not None
            indexes = [{"name": i.name, "fields": list(i.fields)} for i in table_def.indexes.values()]
            searches = [{"name": s.name, "searchField": s.search_field, "filterFields": list(s.filter_fields)}
                        for s in table_def.search_indexes.values()]
        tables.append({
            "name": name,
            "inSchema": table_def is not None,
            "documentType": None if validator is None else validator.to_json(),
            "indexes": sorted(indexes, key=lambda i: str(i["name"])),
            "searchIndexes": sorted(searches, key=lambda s: str(s["name"])),
        })
    return {
        "hasSchema": schema is not None,
        "schemaValidation": bool(schema.schema_validation) if schema else False,
        "tables": tables,
    }


def _functions(project: Callable[[], Project]) -> Callable[[Any, dict[str, Any]], list[dict[str, Any]]]:
    def handler(_ctx: Any, _args: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for path, fn in sorted(project().functions.items()):
            module, _, name = path.partition(":")
            out.append({
                "path": path,
                "module": module,
                "name": name,
                "kind": fn.kind,
                "visibility": fn.visibility,
                "args": None if fn.args is None else fn.args.to_json(),
                "returns": None if fn.returns is None else fn.returns.to_json(),
            })
        return out

    return handler


def _table_of(tx: Transaction, doc_id: str) -> str | None:
    try:
        number = decode_id(doc_id).table_number
    except InvalidIdError as e:
        raise ConvexError(f"{doc_id!r} is not a document id: {e}") from None
    info = tx.catalog.by_number.get(number)
    return None if info is None else info.name


def _get_document(ctx: QueryCtx, args: dict[str, Any]) -> dict[str, Any]:
    tx = _tx(ctx)
    table = _table_of(tx, args["id"])
    document = ctx.db.get(args["id"]) if table is not None else None
    return {"table": table, "document": document}


# -- writes -----------------------------------------------------------------------------------------------


def _insert(ctx: MutationCtx, args: dict[str, Any]) -> str:
    document = args["document"]
    if not isinstance(document, dict):
        raise ConvexError("A document must be an object")
    return ctx.db.insert(args["table"], document)


def _patch(ctx: MutationCtx, args: dict[str, Any]) -> str:
    if not isinstance(args["fields"], dict):
        raise ConvexError("`fields` must be an object")
    ctx.db.patch(args["id"], args["fields"])
    return args["id"]


def _replace(ctx: MutationCtx, args: dict[str, Any]) -> str:
    document = args["document"]
    if not isinstance(document, dict):
        raise ConvexError("A document must be an object")
    fields = {k: val for k, val in document.items() if k not in ("_id", "_creationTime")}
    ctx.db.replace(args["id"], fields)
    return args["id"]


def _delete(ctx: MutationCtx, args: dict[str, Any]) -> int:
    for doc_id in args["ids"]:
        ctx.db.delete(doc_id)
    return len(args["ids"])


def _clear(ctx: MutationCtx, args: dict[str, Any]) -> dict[str, Any]:
    tx = _tx(ctx)
    info = _table(tx, args["table"])
    if info is None:
        return {"deleted": 0, "hasMore": False}
    docs = ctx.db.query(info.name).take(CLEAR_BATCH + 1)
    for doc in docs[:CLEAR_BATCH]:
        ctx.db.delete(doc["_id"])
    return {"deleted": min(len(docs), CLEAR_BATCH), "hasMore": len(docs) > CLEAR_BATCH}


def build_system_functions(project: Callable[[], Project]) -> dict[str, FunctionDefinition]:
    """The registry, keyed by canonical path (`_system/frontend/tables:default`, as Convex's default exports)."""
    frontend: dict[str, FunctionDefinition] = {
        "tables": internal_query(args={})(_tables),
        "tableData": internal_query(args={
            "table": v.string(),
            "paginationOpts": _pagination,
            "index": v.optional(v.string()),
            "order": v.optional(v.union(v.literal("asc"), v.literal("desc"))),
            "filters": v.optional(v.array(_filter)),
            "search": v.optional(v.string()),
        })(_table_data),
        "schema": internal_query(args={})(_schema),
        "functions": internal_query(args={})(_functions(project)),
        "getDocument": internal_query(args={"id": v.string()})(_get_document),
        "insertDocument": internal_mutation(args={"table": v.string(), "document": v.any()})(_insert),
        "patchDocument": internal_mutation(args={"id": v.string(), "fields": v.any()})(_patch),
        "replaceDocument": internal_mutation(args={"id": v.string(), "document": v.any()})(_replace),
        "deleteDocuments": internal_mutation(args={"ids": v.array(v.string())})(_delete),
        "clearTable": internal_mutation(args={"table": v.string()})(_clear),
    }
    out = {}
    for name, fn in frontend.items():
        fn.module = __name__
        out[f"{SYSTEM_PREFIX}frontend/{name}:default"] = fn
    return out
