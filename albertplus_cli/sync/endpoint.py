"""The WebSocket routes `/api/sync` and `/api/{client_version}/sync`."""

from __future__ import annotations

import re

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from albertplus_cli.backend import Backend
from albertplus_cli.sync.hub import SyncHub
from albertplus_cli.sync.session import Session

MAX_SOCKETS = 10_000
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.\-+]*)?$")


def sync_routes(backend: Backend, hub: SyncHub) -> list[WebSocketRoute]:
    async def sync(websocket: WebSocket) -> None:
        version = websocket.path_params.get("client_version")
        if version is not None and not _SEMVER.match(version):
            await websocket.close(code=1008, reason="InvalidVersion")
            return
        if len(hub.sessions) >= MAX_SOCKETS:
            await websocket.close(code=1013, reason="Overloaded")
            return
        await websocket.accept()
        await Session(websocket, backend, hub).run()

    return [WebSocketRoute("/api/sync", sync), WebSocketRoute("/api/{client_version}/sync", sync)]
