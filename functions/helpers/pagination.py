"""Hand-made pagination for queries that merge several sub-queries or results into one page.

`merged_paginate` fixes the original `getCourses`, which paginated one sub-query per school with the SAME
cursor (a cursor of one school's index range handed to another school's range) and returned only the first
unfinished school's cursor. Here every school keeps its own position inside one composite cursor string:

    "ap1." + base64url(JSON {"<school>": position})

A position is `null` (not started), `"done"`, or where that sub-query stopped: for an index range the
`_creationTime` of its last row (unique and part of every index key, so the next page is
`.lt("_creationTime", t)` in a descending scan, stable under inserts and deletes), and for a search the
number of ranked results already returned. Each page takes up to `numItems` rows from every unfinished
sub-query, as the original did; `isDone` is true when all of them are exhausted. (Convex, and this engine,
allow one `.paginate()` per function, so the sub-queries use `take` with explicit bounds instead.)
"""

import base64
import json

from functions.helpers.auth import Error

PREFIX = "ap1."
DONE = "done"


def encode_cursor(positions):
    payload = json.dumps(positions, separators=(",", ":"), sort_keys=True).encode()
    return PREFIX + base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor):
    if cursor is None:
        return {}
    if not isinstance(cursor, str) or not cursor.startswith(PREFIX):
        raise Error("Invalid cursor: not a cursor returned by this query")
    payload = cursor[len(PREFIX):]
    try:
        positions = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        raise Error("Invalid cursor") from None
    if not isinstance(positions, dict):
        raise Error("Invalid cursor")
    return positions


def merged_paginate(keys, fetch, pagination_opts):
    """`fetch(key, position, limit)` returns (rows, next_position); rows beyond `numItems` mean "more left"."""
    num_items = int(pagination_opts["numItems"])
    if num_items < 1:
        raise Error("paginationOpts.numItems must be at least 1")
    positions = decode_cursor(pagination_opts.get("cursor"))
    page = []
    new_positions = {}
    for key in keys:
        position = positions.get(key)
        if position == DONE:
            new_positions[key] = DONE
            continue
        rows, next_position = fetch(key, position, num_items + 1)
        more = len(rows) > num_items
        rows = rows[:num_items]
        page.extend(rows)
        new_positions[key] = next_position(rows) if more else DONE
    is_done = all(p == DONE for p in new_positions.values())
    return {"page": page, "isDone": is_done, "continueCursor": encode_cursor(new_positions)}


def index_fetch(make_query):
    """A `fetch` over a descending index range: `make_query(key, before)` bounds it below `before`."""
    def fetch(key, position, limit):
        rows = make_query(key, position).take(limit)
        return rows, lambda page: page[-1]["_creationTime"] if page else position
    return fetch


def search_fetch(make_query):
    """A `fetch` over a relevance-ranked search: the position is how many results were already returned."""
    def fetch(key, position, limit):
        offset = int(position or 0)
        rows = make_query(key).take(offset + limit)[offset:]
        return rows, lambda page: offset + len(page)
    return fetch
