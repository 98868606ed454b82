"""The commit log's encoding of a write set.

Each commit appends its written keys to the `commits` table, so a server can invalidate subscriptions for
commits made by another process on the same file (`albertplus run`, `seed`, `import-audit`).
"""

from __future__ import annotations

import struct

from albertplus_cli.database.write_set import WriteSet

_KEY, _SEARCH = 0, 1
_HEADER = struct.Struct("<BiI")
_LEN = struct.Struct("<I")


def encode_writes(writes: WriteSet) -> bytes:
    out = bytearray()
    for index_id, key in writes.keys:
        out += _HEADER.pack(_KEY, index_id, len(key))
        out += key
    for index_id, values in writes.searches:
        payload = b"".join(_LEN.pack(len(v)) + v for v in values)
        out += _HEADER.pack(_SEARCH, index_id, len(payload))
        out += payload
    return bytes(out)


def decode_writes(data: bytes) -> WriteSet:
    writes = WriteSet()
    pos = 0
    view = memoryview(data)
    while pos < len(data):
        kind, index_id, length = _HEADER.unpack_from(view, pos)
        pos += _HEADER.size
        payload = bytes(view[pos: pos + length])
        pos += length
        if kind == _KEY:
            writes.keys.append((index_id, payload))
        else:
            values, p = [], 0
            while p < len(payload):
                (n,) = _LEN.unpack_from(payload, p)
                p += _LEN.size
                values.append(payload[p: p + n])
                p += n
            writes.searches.append((index_id, values))
    return writes
