"""Typed function references: what `functions/_generated/api.py` is made of, and how Python callers use them.

At run time `api` and `internal` are `any_api()` objects, as Convex's `anyApi`: any attribute chain
(`api.admin.tools.run`) is a reference whose `path` is the function path (`"admin/tools:run"`). So code that
names a function added a second ago still imports while its types are regenerated. For the type checker
the generated `api.py` declares the exact tree: each leaf is a
`FunctionReference[kind, visibility, [ArgsTypedDict], ReturnType]`. The arguments travel as a ParamSpec so
that mypy checks a dict literal against the function's TypedDict (`ctx.run_query(api.m.f, {...})`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, Literal, ParamSpec, Protocol, TypedDict, TypeVar, overload

Kind = TypeVar("Kind", bound=str, covariant=True)
Vis = TypeVar("Vis", bound=str, covariant=True)
Args = ParamSpec("Args")
Returns = TypeVar("Returns", covariant=True)
P = ParamSpec("P")
R = TypeVar("R")

QueryKind = Literal["query"]
MutationKind = Literal["mutation"]
ActionKind = Literal["action"]
Public = Literal["public"]
Internal = Literal["internal"]


class EmptyArgs(TypedDict):
    """The arguments of a function declared with `args={}`: such a reference may be called without args."""


class FunctionReference(Generic[Kind, Vis, Args, Returns]):
    """A reference to one function by path (`"courses:getCourses"`); the type parameters carry its
    kind, visibility, arguments and return type for the type checker."""

    __slots__ = ("_segments",)

    def __init__(self, path_or_segments: str | tuple[str, ...]) -> None:
        if isinstance(path_or_segments, str):
            module, _, name = path_or_segments.partition(":")
            segments = tuple(module.split("/")) + ((name,) if name else ())
        else:
            segments = tuple(path_or_segments)
        object.__setattr__(self, "_segments", segments)

    @property
    def path(self) -> str:
        """The function path: module segments joined by "/", then ":" and the export name."""
        segments: tuple[str, ...] = object.__getattribute__(self, "_segments")
        if len(segments) < 2:
            return "/".join(segments)
        return "/".join(segments[:-1]) + ":" + segments[-1]

    def __str__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"FunctionReference({self.path!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionReference) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


class AnyApi(FunctionReference[Any, Any, ..., Any]):
    """Convex's `anyApi`: every attribute is a deeper reference (`api.courses.getCourses`)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> AnyApi:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        segments: tuple[str, ...] = object.__getattribute__(self, "_segments")
        return AnyApi((*segments, name))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("api references are read-only")


def any_api() -> Any:
    """The run-time `api`/`internal` object of generated code."""
    return AnyApi(())


def function_path(ref: FunctionReference[Any, Any, ..., Any] | str) -> str:
    """The path of a reference (or a path string, unchanged)."""
    return ref if isinstance(ref, str) else ref.path


class _SyncClient(Protocol):
    """The part of the PyPI `convex` client (`ConvexClient` / `ConvexHttpClient`) that TypedClient uses."""

    def query(self, name: str, args: Any = None) -> Any: ...

    def mutation(self, name: str, args: Any = None) -> Any: ...

    def action(self, name: str, args: Any = None) -> Any: ...


class TypedClient:
    """Wrap a PyPI `convex` client so calls take generated references and are checked by mypy:

        client = TypedClient(ConvexClient(url))
        courses = client.query(api.courses.getCourses, {"level": "undergraduate"})
    """

    def __init__(self, client: _SyncClient) -> None:
        self.client = client

    @overload
    def query(self, ref: FunctionReference[QueryKind, Public, [EmptyArgs], R]) -> R: ...

    @overload
    def query(self, ref: FunctionReference[QueryKind, Public, P, R], *args: P.args, **kwargs: P.kwargs) -> R: ...

    def query(self, ref: Any, *args: Any, **kwargs: Any) -> Any:
        return self.client.query(function_path(ref), _args(args))

    @overload
    def mutation(self, ref: FunctionReference[MutationKind, Public, [EmptyArgs], R]) -> R: ...

    @overload
    def mutation(self, ref: FunctionReference[MutationKind, Public, P, R], *args: P.args,
                 **kwargs: P.kwargs) -> R: ...

    def mutation(self, ref: Any, *args: Any, **kwargs: Any) -> Any:
        return self.client.mutation(function_path(ref), _args(args))

    @overload
    def action(self, ref: FunctionReference[ActionKind, Public, [EmptyArgs], R]) -> R: ...

    @overload
    def action(self, ref: FunctionReference[ActionKind, Public, P, R], *args: P.args, **kwargs: P.kwargs) -> R: ...

    def action(self, ref: Any, *args: Any, **kwargs: Any) -> Any:
        return self.client.action(function_path(ref), _args(args))


def _args(args: tuple[Any, ...]) -> dict[str, Any]:
    if not args:
        return {}
    value = args[0]
    if not isinstance(value, Mapping):
        raise TypeError("function arguments must be a dict")
    return dict(value)
