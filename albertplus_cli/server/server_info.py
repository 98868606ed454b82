"""`.albertplus/server.json`: where the project's running `albertplus dev` listens, and its instance secret.

Written (mode 0600: it holds the secret) once the server listens, removed when it stops; a crash leaves it
behind, which is why clients check `instance_proof` before trusting the address.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

SERVER_FILE = "server.json"


@dataclass(frozen=True)
class ServerInfo:
    url: str
    site_url: str
    pid: int
    instance_secret: str | None


def write_server_info(state_dir: Path, info: ServerInfo) -> Path:
    path = state_dir / SERVER_FILE
    tmp = path.with_name(f".{SERVER_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        os.fchmod(f.fileno(), 0o600)
        json.dump({"url": info.url, "siteUrl": info.site_url, "pid": info.pid,
                   "instanceSecret": info.instance_secret}, f)
    os.replace(tmp, path)
    return path


def read_server_info(state_dir: Path) -> ServerInfo | None:
    """The recorded server, or None when there is no (readable, well-formed) server.json."""
    try:
        data = json.loads((state_dir / SERVER_FILE).read_text())
        url = str(data["url"]).rstrip("/")
        secret = data.get("instanceSecret")
        return ServerInfo(url, str(data.get("siteUrl", "")), int(data.get("pid", 0)),
                          secret if isinstance(secret, str) and secret else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remove_server_info(state_dir: Path) -> None:
    with contextlib.suppress(OSError):
        (state_dir / SERVER_FILE).unlink()
