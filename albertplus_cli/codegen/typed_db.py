"""Protocols the generated `functions/_generated/server.py` builds its typed `ctx` from.

They describe the real `ctx` objects (albertplus_cli.functions.context, albertplus_cli.database.query) with
document types: `ctx.db.query("courses")` is a `Query[CoursesDoc]`, so `.collect()` is a `list[CoursesDoc]`.
Only the type checker reads them; at run time the handlers get the real objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, Literal, NotRequired, ParamSpec, Protocol, TypedDict, TypeVar, overload

from albertplus_cli.codegen.references import (
    ActionKind,
    EmptyArgs,
    FunctionReference,
    MutationKind,
    QueryKind,
)
from albertplus_cli.database.expressions import FilterBuilder
from albertplus_cli.database.query import IndexRangeBuilder, SearchFilterBuilder

Doc = TypeVar("Doc")
D = TypeVar("D")
P = ParamSpec("P")
R = TypeVar("R")


class PaginationOptions(TypedDict):
    numItems: float
    cursor: str | None
    endCursor: NotRequired[str | None]
    id: NotRequired[float]


class PaginationResult(TypedDict, Generic[D]):
    page: list[D]
    isDone: bool
    continueCursor: str


class Query(Protocol[Doc]):
    """`ctx.db.query(table)` of a table whose documents are `Doc`."""

    def with_index(self, name: str, range_fn: Callable[[IndexRangeBuilder], Any] | None = None) -> Query[Doc]: ...

    def with_search_index(self, name: str, search_fn: Callable[[SearchFilterBuilder], Any]) -> Query[Doc]: ...

    def order(self, order: Literal["asc", "desc"]) -> Query[Doc]: ...

    def filter(self, fn: Callable[[FilterBuilder], Any]) -> Query[Doc]: ...

    def collect(self) -> list[Doc]: ...

    def take(self, n: int) -> list[Doc]: ...

    def first(self) -> Doc | None: ...

    def unique(self) -> Doc | None: ...

    def count(self) -> int: ...

    def paginate(self, opts: PaginationOptions | dict[str, Any]) -> PaginationResult[Doc]: ...

    def __iter__(self) -> Iterator[Doc]: ...


class Auth(Protocol):
    def get_user_identity(self) -> dict[str, Any] | None: ...

    def getUserIdentity(self) -> dict[str, Any] | None: ...  # noqa: N802 - Convex's spelling


class RunsQueries(Protocol):
    @overload
    def run_query(self, function: FunctionReference[QueryKind, Any, [EmptyArgs], R]) -> R: ...

    @overload
    def run_query(self, function: FunctionReference[QueryKind, Any, P, R], *args: P.args,
                  **kwargs: P.kwargs) -> R: ...


class RunsMutations(Protocol):
    @overload
    def run_mutation(self, function: FunctionReference[MutationKind, Any, [EmptyArgs], R]) -> R: ...

    @overload
    def run_mutation(self, function: FunctionReference[MutationKind, Any, P, R], *args: P.args,
                     **kwargs: P.kwargs) -> R: ...


class RunsActions(Protocol):
    @overload
    def run_action(self, function: FunctionReference[ActionKind, Any, [EmptyArgs], R]) -> R: ...

    @overload
    def run_action(self, function: FunctionReference[ActionKind, Any, P, R], *args: P.args,
                   **kwargs: P.kwargs) -> R: ...
