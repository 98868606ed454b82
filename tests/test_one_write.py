"""`OneWriteTransport` on a real socket pair and a real asyncio transport: a head and the body that follows go
out as one write; a head with no body in the same turn of the loop still goes out at the end of that turn (a
streaming response is never stuck); later writes pass straight through; close sends what is held first."""

from __future__ import annotations

import asyncio
import socket

import pytest

from albertplus_cli.server.one_write import OneWriteTransport


def _pending(peer: socket.socket) -> bytes:
    try:
        return peer.recv(65536)
    except BlockingIOError:
        return b""


def test_head_and_body_leave_together_and_a_lone_head_leaves_at_the_end_of_the_turn() -> None:
    async def scenario() -> None:
        ours, peer = socket.socketpair()
        peer.setblocking(False)
        loop = asyncio.get_running_loop()
        transport, _protocol = await loop.connect_accepted_socket(asyncio.Protocol, ours)
        try:
            joined = OneWriteTransport(transport, loop)
            joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
            assert _pending(peer) == b""  # held for the body
            joined.write(b"body")
            await asyncio.sleep(0.01)
            assert _pending(peer) == b"HTTP/1.1 200 OK\r\n\r\nbody"
            joined.write(b"more")  # after the head: straight through
            await asyncio.sleep(0.01)
            assert _pending(peer) == b"more"

            streaming = OneWriteTransport(transport, loop)
            streaming.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            await asyncio.sleep(0.01)  # no body this turn: the head goes out alone
            assert _pending(peer) == b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"

            closing = OneWriteTransport(transport, loop)
            closing.write(b"HTTP/1.1 500 Internal Server Error\r\n\r\n")
            closing.close()
            await asyncio.sleep(0.01)
            assert _pending(peer) == b"HTTP/1.1 500 Internal Server Error\r\n\r\n"
            assert closing.is_closing()
        finally:
            transport.close()
            peer.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("body", [b"", b"x" * 200_000])
def test_an_empty_or_large_body_still_follows_its_head(body: bytes) -> None:
    async def scenario() -> bytes:
        ours, peer = socket.socketpair()
        loop = asyncio.get_running_loop()
        transport, _protocol = await loop.connect_accepted_socket(asyncio.Protocol, ours)
        joined = OneWriteTransport(transport, loop)
        joined.write(b"HEAD\r\n\r\n")
        joined.write(body)
        transport.close()
        peer.setblocking(True)
        received = b""
        while chunk := await loop.run_in_executor(None, peer.recv, 65536):
            received += chunk
        peer.close()
        return received

    assert asyncio.run(scenario()) == b"HEAD\r\n\r\n" + body
