"""The function decorators of the authoring API: `query`, `mutation`, `action` and internal variants.

A decorated handler becomes a `FunctionDefinition`; the loader finds them as module attributes, named by
the attribute (`courses.py`'s `getCourses` is `courses:getCourses`). Handlers take `(ctx, args)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, overload

from albertplus_cli.values.validators import Validator, args_validator

Kind = Literal["query", "mutation", "action"]
Visibility = Literal["public", "internal"]
Handler = Callable[..., Any]
ArgsSpec = Mapping[str, Validator] | Validator | None


@dataclass
class FunctionDefinition:
    kind: Kind
    visibility: Visibility
    handler: Handler
    args: Validator | None
    returns: Validator | None
    module: str = ""

    @property
    def udf_type(self) -> str:
        """Convex's capitalized kind, as in "Trying to execute a:b as Query"."""
        return self.kind.capitalize()

    def __call__(self, ctx: Any, args: Mapping[str, Any] | None = None) -> Any:
        """Call the handler directly (a helper sharing code between functions; no validation)."""
        return self.handler(ctx, dict(args or {}))


def _make(kind: Kind, visibility: Visibility) -> Any:
    @overload
    def decorator(handler: Handler) -> FunctionDefinition: ...

    @overload
    def decorator(
        handler: None = None, *, args: ArgsSpec = None, returns: Validator | None = None
    ) -> Callable[[Handler], FunctionDefinition]: ...

    def decorator(
        handler: Handler | None = None, *, args: ArgsSpec = None, returns: Validator | None = None
    ) -> FunctionDefinition | Callable[[Handler], FunctionDefinition]:
        validator = args_validator(args)
        if returns is not None and not isinstance(returns, Validator):
            raise TypeError("returns= must be a validator")

        def wrap(fn: Handler) -> FunctionDefinition:
            if not callable(fn):
                raise TypeError(f"@{kind} must decorate a function")
            return FunctionDefinition(kind, visibility, fn, validator, returns, getattr(fn, "__module__", ""))

        return wrap(handler) if handler is not None else wrap

    decorator.__name__ = f"{'internal_' if visibility == 'internal' else ''}{kind}"
    decorator.__doc__ = f"Define a {visibility} {kind}: `@{decorator.__name__}(args={{...}}, returns=...)`."
    return decorator


query = _make("query", "public")
mutation = _make("mutation", "public")
action = _make("action", "public")
internal_query = _make("query", "internal")
internal_mutation = _make("mutation", "internal")
internal_action = _make("action", "internal")
