"""Turning seed rows (seedAll's argument shape, spec §4.2) into table documents, and checking them first.

Each bundled row names its relationships (``courseCode``, ``programName``, the student's school and programs);
`convert_row` swaps those for ids through a resolver. `check_rows` runs every row through that conversion with
placeholder ids and the table's validator *before anything is written*, so a broken seed file is reported with
its file name and item number and the database is left untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from albertplus_cli.database.catalog import Catalog
from albertplus_cli.seed.dataset import SEED_TABLE_ORDER
from albertplus_cli.values import limits
from albertplus_cli.values.ids import FIRST_USER_TABLE_NUMBER, encode_id
from albertplus_cli.values.json_formats import InvalidValueError
from albertplus_cli.values.types import Int64
from albertplus_cli.values.validators import ObjectValidator, ValidationError

#: The fields a row is upserted by (spec §4.2; seedAll's handler plus the fixes listed in the brief).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "appConfigs": ("key",),
    "schools": ("name", "level"),
    "programs": ("name",),
    "courses": ("code",),
    "courseOfferings": ("classNumber", "term", "year"),
    "students": ("userId",),
    "userCourses": ("userId", "courseCode", "year", "term"),
    "userCourseOfferings": ("userId", "classNumber"),
}

#: Tables whose rows belong to one parent and are replaced as a group: table -> (parent id field).
GROUPED_TABLES: dict[str, str] = {"prerequisites": "courseId", "requirements": "programId"}

#: Tables whose rows carry a user id (``--user-id`` rewrites them).
USER_TABLES = ("students", "userCourses", "userCourseOfferings")

# reference kind -> the table the id points to
_REF_TABLES = {"course": "courses", "program": "programs", "school": "schools"}


class SeedError(Exception):
    """Seed data that cannot be loaded; the message names the file (and item) at fault."""


class UnresolvedReference(Exception):  # noqa: N818 - a signal, not an error to the user
    """A row names a course, program or school that exists neither in the seed data nor in the database."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# resolver(kind, key) -> id; kind is "course" (code), "program" (name) or "school" ((name, level))
Resolver = Callable[[str, Any], str]


@dataclass
class SeedRow:
    """One seed row and where it came from (for error messages)."""

    table: str
    source: str  # "seed/courses.json" or "synthetic data (--scale N)"
    index: int
    row: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.source}: item {self.index}"


def _require(row: dict[str, Any], name: str, kind: type | tuple[type, ...], what: str) -> Any:
    if name not in row:
        raise SeedError(f"missing the field `{name}` ({what})")
    value = row[name]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise SeedError(f"the field `{name}` must be {what}, got {orjson.dumps(value).decode()[:80]}")
    return value


def convert_row(table: str, row: dict[str, Any], resolve: Resolver) -> dict[str, Any]:
    """The table document for one seed row (relationship names replaced by ids).

    Raises SeedError for a row of the wrong shape, UnresolvedReference for a name the resolver cannot find.
    """
    if table == "prerequisites":
        fields = {k: v for k, v in row.items() if k != "courseCode"}
        code = _require(row, "courseCode", str, "a course code")
        try:
            fields["courseId"] = resolve("course", code)
        except UnresolvedReference as e:
            raise UnresolvedReference(f"Course not found: {code} (prerequisite skipped)") from e
        return fields
    if table == "requirements":
        fields = {k: v for k, v in row.items() if k != "programName"}
        name = _require(row, "programName", str, "a program name")
        try:
            fields["programId"] = resolve("program", name)
        except UnresolvedReference as e:
            raise UnresolvedReference(f"Program not found: {name} (requirement skipped)") from e
        return fields
    if table == "students":
        fields = {k: v for k, v in row.items() if k != "schoolLevel"}
        school = _require(row, "school", str, "a school name")
        level = _require(row, "schoolLevel", str, '"undergraduate" or "graduate"')
        programs = _require(row, "programs", list, "a list of program names")
        try:
            fields["school"] = resolve("school", (school, level))
        except UnresolvedReference as e:
            raise UnresolvedReference(f"School not found: {school} ({level}) (student skipped)") from e
        ids = []
        for name in programs:
            if not isinstance(name, str):
                raise SeedError("`programs` must list program names (strings)")
            try:
                ids.append(resolve("program", name))
            except UnresolvedReference as e:
                raise UnresolvedReference(f"Program not found: {name} (student skipped)") from e
        fields["programs"] = ids
        return fields
    return dict(row)


def placeholder_resolver(catalog: Catalog) -> Resolver:
    """Resolves every name to a well-formed id of the right table (for checking shapes before writing)."""
    cache: dict[str, str] = {}

    def resolve(kind: str, _key: Any) -> str:
        table = _REF_TABLES[kind]
        if table not in cache:
            number = catalog.table_number(table) or FIRST_USER_TABLE_NUMBER
            cache[table] = encode_id(number, bytes(16))
        return cache[table]

    return resolve


def check_rows(rows: Iterable[SeedRow], catalog: Catalog) -> None:
    """Validate every row against its table's schema; raise SeedError naming the first bad file and item."""
    resolve = placeholder_resolver(catalog)
    schema = catalog.schema
    schema_tables = schema.tables if schema is not None else {}
    checkers: dict[str, _RowChecker] = {}
    for item in rows:
        if schema_tables and item.table not in schema_tables:
            raise SeedError(f"{item.source}: table `{item.table}` is not in the schema (schema.py)")
        checker = checkers.get(item.table)
        if checker is None:
            checker = checkers[item.table] = _RowChecker(item.table, catalog)
        try:
            checker.check(convert_row(item.table, item.row, resolve))
        except SeedError as e:
            raise SeedError(f"{item.where}: {e}") from None


def check_document_fields(table: str, fields: dict[str, Any], catalog: Catalog) -> None:
    """Field names, limits and the table validator, as an insert checks them; raises SeedError."""
    _RowChecker(table, catalog).check(fields)


_SCALARS = (str, int, float, bool, type(None))


def _memo_key(name: str, value: Any) -> Any:
    """A cache key for a field value made of scalars (or a list of them); None when not cacheable."""
    if isinstance(value, _SCALARS):
        return (name, type(value), value)
    if isinstance(value, list) and all(isinstance(item, _SCALARS) for item in value):
        return (name, "list", tuple((type(item), item) for item in value))
    return None


class _RowChecker:
    """The checks an insert makes (field names, limits, the table validator), for many rows of one table.

    Seed rows repeat the same few values (school names, terms, days) thousands of times, so for an object
    validator each field's verdict is remembered per value; anything unusual falls back to the validator
    itself, whose error message is the one reported.
    """

    def __init__(self, table: str, catalog: Catalog) -> None:
        info = catalog.table(table)
        validator = info.validator if info is not None else None
        if validator is None and catalog.schema is not None:
            table_def = catalog.schema.table(table)
            validator = table_def.validator if table_def is not None else None
        if catalog.schema is not None and not catalog.schema.schema_validation:
            validator = None
        self.validator = validator
        self.object = validator if isinstance(validator, ObjectValidator) else None
        self.tables = catalog.table_number
        self.good: set[Any] = set()

    def check(self, fields: dict[str, Any]) -> None:
        for name in fields:
            if isinstance(name, str) and name.startswith("_"):
                raise SeedError(f"field `{name}` starts with an underscore, which only system fields may")
        self._check_limits(fields)
        if self.validator is None:
            return
        if self.object is not None and self._fast_ok(self.object, fields):
            return
        try:
            self.validator.check(fields, "", self.tables)
        except ValidationError as e:
            path = e.path.lstrip(".") if getattr(e, "path", "") else ""
            where = f"field `{path}`: " if path else ""
            raise SeedError(f"{where}{_one_line(str(e))}") from None

    def _fast_ok(self, obj: ObjectValidator, fields: dict[str, Any]) -> bool:
        for name in fields:
            if name not in obj.fields:
                return False
        good = self.good
        for name, field_validator in obj.fields.items():
            if name not in fields:
                if not field_validator.is_optional:
                    return False
                continue
            value = fields[name]
            key = _memo_key(name, value)
            if key is not None and key in good:
                continue
            if not field_validator.matches(value, self.tables):
                return False
            if key is not None:
                good.add(key)
        return True

    def _check_limits(self, fields: dict[str, Any]) -> None:
        try:
            if self.validator is None:
                limits.check_document(fields)
                return
            # The validator admits only the field names it declares (valid ones), so nesting and size are
            # what is left; rows read from JSON hold plain JSON values, which orjson sizes directly.
            limits.check_shape(fields, limits.MAX_DOCUMENT_NESTING, "Document")
            if len(orjson.dumps(fields)) > limits.MAX_DOCUMENT_SIZE // 2:
                limits.check_document(fields)
        except (InvalidValueError, limits.LimitError) as e:
            raise SeedError(str(e)) from None
        except TypeError:  # a value orjson does not know (int64, bytes): the full check
            try:
                limits.check_document(fields)
            except (InvalidValueError, limits.LimitError) as e:
                raise SeedError(str(e)) from None


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def canonical(value: Any) -> Any:
    """A hashable form of a value where equal Convex values are equal (4 == 4.0 as float64; int64 apart)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Int64):
        return ("$int64", value.value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ("$bytes", bytes(value))
    if isinstance(value, (list, tuple)):
        return ("$array", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("$object", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    return ("$other", repr(value))


def natural_key(table: str, fields: dict[str, Any]) -> Any:
    """The upsert key of a document: its natural-key fields, or (other tables) the whole document."""
    names = NATURAL_KEYS.get(table)
    if names is None:
        return canonical(fields)
    return tuple(canonical(fields.get(name)) for name in names)


def seed_rows(
    data: dict[str, list[dict[str, Any]]], synthetic: dict[str, list[dict[str, Any]]], scale: int
) -> list[SeedRow]:
    """All rows in seedAll's table order (then any other tables, by name), tagged with their source."""
    order = [t for t in SEED_TABLE_ORDER if t in data or t in synthetic]
    order += sorted(t for t in data if t not in SEED_TABLE_ORDER)
    order += sorted(t for t in synthetic if t not in SEED_TABLE_ORDER and t not in data)
    rows: list[SeedRow] = []
    for table in order:
        source = f"seed/{table}.json"
        rows.extend(SeedRow(table, source, i, row) for i, row in enumerate(data.get(table, [])))
        extra = synthetic.get(table, [])
        rows.extend(SeedRow(table, f"synthetic data (--scale {scale})", i, row) for i, row in enumerate(extra))
    return rows


def tables_in_order(rows: Sequence[SeedRow]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.setdefault(row.table, None)
    return list(seen)
