"""HTTP actions for `functions/http.py`, served on the site port (Convex's `httpRouter` / `httpAction`).

```python
from albertplus_cli.server import HttpResponse, HttpRouter, http_action

@http_action
def hello(ctx, request):
    return HttpResponse.json({"hi": request.json()["name"]})

http = HttpRouter()
http.route(path="/hello", method="POST", handler=hello)
```
Handlers are synchronous, get an action context (`ctx.run_query`, `ctx.run_mutation`, `ctx.auth`) and an
`HttpRequest`, and return an `HttpResponse`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


@dataclass
class HttpRequest:
    method: str
    url: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    query: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """Headers are case-insensitive, as in the Fetch API."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        """The body as JSON; raises ValueError with a readable message when it isn't."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as e:
            raise ValueError(f"Request body is not valid JSON: {e}") from None


@dataclass
class HttpResponse:
    body: bytes | str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> HttpResponse:
        return cls(orjson.dumps(data), status, {"Content-Type": "application/json", **(headers or {})})


@dataclass
class HttpActionDefinition:
    handler: Callable[[Any, HttpRequest], HttpResponse]


def http_action(handler: Callable[[Any, HttpRequest], HttpResponse]) -> HttpActionDefinition:
    if not callable(handler):
        raise TypeError("@http_action must decorate a function (ctx, request) -> HttpResponse")
    return HttpActionDefinition(handler)


@dataclass
class _Route:
    method: str
    path: str | None
    prefix: str | None
    action: HttpActionDefinition


class HttpRouter:
    def __init__(self) -> None:
        self.routes: list[_Route] = []

    def route(self, *, method: str, handler: HttpActionDefinition | Callable[..., HttpResponse],
              path: str | None = None, path_prefix: str | None = None) -> None:
        method = method.upper()
        if method not in METHODS:
            raise ValueError(f"Unsupported HTTP method {method!r}; use one of {', '.join(METHODS)}")
        if (path is None) == (path_prefix is None):
            raise ValueError("http.route() needs exactly one of path= or path_prefix=")
        target = path if path is not None else path_prefix
        assert target is not None
        if not target.startswith("/"):
            raise ValueError(f"Route path {target!r} must start with '/'")
        if path_prefix is not None and not path_prefix.endswith("/"):
            raise ValueError(f"path_prefix {path_prefix!r} must end with '/'")
        action = handler if isinstance(handler, HttpActionDefinition) else HttpActionDefinition(handler)
        for existing in self.routes:
            if existing.method == method and existing.path == path and existing.prefix == path_prefix:
                raise ValueError(f"Route {method} {target} is defined twice")
        self.routes.append(_Route(method, path, path_prefix, action))

    def lookup(self, method: str, path: str) -> HttpActionDefinition | None:
        """The action routed for this method and path, or None.

        Method and path match together, as in Convex's `httpRouter`: a known path asked with a method it has
        no route for is simply not found (the site answers 404, not 405). An exact `path` wins over a
        `path_prefix`, and a longer prefix over a shorter one.
        """
        best: _Route | None = None
        for route in self.routes:
            if route.method != method:
                continue
            matches = route.path == path if route.path is not None else path.startswith(route.prefix or "")
            if matches and (best is None or (route.path is not None and best.path is None)
                            or len(route.prefix or "") > len(best.prefix or "")):
                best = route
        return best.action if best else None
