"""One `send` system call per answer: a response's head held back until its body, then written together.

uvicorn writes an answer's head when the app sends `http.response.start` and its body at
`http.response.body`: two writes, two system calls, and on this machine a write to a loopback socket is the
largest single cost of a small answer (~38% of the samples of a cached query). Function calls always send the
body right after the head, so the API port's protocol gives each request's cycle this transport, which joins
the two. A head never waits long: if no body follows within the same turn of the event loop (a streaming
response that computes its first chunk), it goes out alone at the end of that turn.
"""

from __future__ import annotations

import asyncio
from typing import Any


class OneWriteTransport:
    """Wraps a connection's transport for one request: the first write (the head) is held for the next."""

    __slots__ = ("_transport", "_loop", "_head", "_done")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._head: bytes | None = None
        self._done = False  # the head went out: every later write passes straight through

    def write(self, data: bytes) -> None:
        if self._done:
            self._transport.write(data)
        elif self._head is None:
            self._head = bytes(data)
            self._loop.call_soon(self._flush)
        else:
            head, self._head, self._done = self._head, None, True
            self._transport.write(head + data)

    def _flush(self) -> None:
        if self._head is not None and not self._done:
            head, self._head, self._done = self._head, None, True
            if not self._transport.is_closing():
                self._transport.write(head)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
