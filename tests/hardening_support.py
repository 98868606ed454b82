"""Shared by the hardening tests (tests/test_hardening_*.py): a small project whose functions echo what a
caller sends into logs, errors and results, plus raw-socket and memory probes for a running `albertplus dev`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable
from pathlib import Path

from project_factory import write_project

SCHEMA = """
from albertplus_cli.schema import define_schema, define_table
from albertplus_cli.values import v

schema = define_schema({
    "notes": define_table({"owner": v.string(), "text": v.string()}).index("by_owner", ["owner"]),
})
"""

NOTES = """
from albertplus_cli.server import ConvexError, mutation, query
from albertplus_cli.values import v


def owner(ctx):
    identity = ctx.auth.get_user_identity()
    return "anonymous" if identity is None else identity["subject"]


@query(args={"text": v.string()})
def echoLog(ctx, args):
    print(args["text"])
    return args["text"]


@query(args={"text": v.string()})
def fail(ctx, args):
    raise ValueError(args["text"])


@mutation(args={"data": v.string()})
def failWithData(ctx, args):
    raise ConvexError(args["data"])


@query(args={"size": v.number()})
def big(ctx, args):
    return "x" * int(args["size"])


@query(args={})
def anonymous(ctx, args):
    return "fast"


@mutation(args={"text": v.string()})
def add(ctx, args):
    return ctx.db.insert("notes", {"owner": owner(ctx), "text": args["text"]})


@query(args={})
def mine(ctx, args):
    notes = ctx.db.query("notes").with_index("by_owner", lambda r: r.eq("owner", owner(ctx))).collect()
    return [n["text"] for n in notes]


@mutation(args={})
def intoMissingTable(ctx, args):
    return ctx.db.insert("no_such_table", {"x": 1})
"""

HTTP = """
from albertplus_cli.server import HttpResponse, HttpRouter, http_action


@http_action
def upload(ctx, request):
    return HttpResponse.json({"received": len(request.body)})


@http_action
def crash(ctx, request):
    raise RuntimeError(request.text())


http = HttpRouter()
http.route(path="/upload", method="POST", handler=upload)
http.route(path="/crash", method="POST", handler=crash)
"""

AUTH_CONFIG = """
import os

providers = [{"domain": os.environ.get("TEST_OIDC_DOMAIN"), "applicationID": "convex"}]
"""


def hardening_project(root: Path) -> Path:
    return write_project(root, SCHEMA, {"notes.py": NOTES, "http.py": HTTP, "auth.config.py": AUTH_CONFIG})


def memory_kib(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (`VmRSS`) or its peak so far (`VmHWM`), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for pid {pid}")


def send_raw(url: str, chunks: Iterable[bytes], timeout: float = 60.0) -> bytes:
    """Send `chunks` on one connection while another thread reads; stops sending once the server answers or
    closes. Returns what the server sent (a refusal arrives while the client is still sending)."""
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    received = bytearray()
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        done = threading.Event()

        def read() -> None:
            try:
                while chunk := sock.recv(65536):
                    received.extend(chunk)
            except OSError:
                pass
            finally:
                done.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            for chunk in chunks:
                if done.is_set() or received:
                    break
                sock.sendall(chunk)
            else:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server closed the connection: what it answered is in `received`
        reader.join(timeout)
    return bytes(received)


def status_of(response: bytes) -> int:
    assert response.startswith(b"HTTP/1.1 "), response[:200]
    return int(response.split(b" ", 2)[1])


def repeated(block: bytes, total: int) -> Iterable[bytes]:
    sent = 0
    while sent < total:
        yield block
        sent += len(block)

