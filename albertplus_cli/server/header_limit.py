"""A cap on the size of request headers: beyond MAX_HEADER_BYTES the connection gets 431 and is closed.

httptools (uvicorn's HTTP parser) has no limit of its own: a 40 MB header was accepted (the server grew by
400 MB) and a 50 MB bearer token reached the JWT parser. This protocol counts the bytes a request's head
arrives in and refuses it once they pass the limit, before any header reaches the app: an incomplete head
by the received chunks it spans (so the parser never holds more than the limit and one chunk), a complete
one by the size of its parsed request line and headers.
"""

from __future__ import annotations

from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 64 * 1024  # request line + headers; browsers and Convex's clients send a few KB

_BODY = orjson.dumps({
    "code": "RequestHeaderFieldsTooLarge",
    "message": f"The request's headers are larger than the maximum of {MAX_HEADER_BYTES} bytes",
})
_RESPONSE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
             b"content-length: " + str(len(_BODY)).encode() + b"\r\nconnection: close\r\n\r\n" + _BODY)


class HeaderLimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request head larger than MAX_HEADER_BYTES with 431."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = False  # from a request's first byte to the end of its headers
        self._head_bytes = 0
        self._refused = False

    def on_message_begin(self) -> None:
        self._in_head = True
        self._head_bytes = 0
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head = False
        if len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers) > MAX_HEADER_BYTES:
            self._refuse()  # a head that arrived whole in one chunk: refused before the app is called
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        if self._in_head and not self._refused and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEADER_BYTES:
                self._refuse()  # the head is still incomplete: refused before it grows any further

    def _refuse(self) -> None:
        self._refused = True
        self.transport.write(_RESPONSE)
        self.transport.close()
