"""`v.*` validators: exact checks, Convex's messages (path, value, validator), JSON round trip."""

from __future__ import annotations

from typing import Any

import pytest

from albertplus_cli.values import UNDEFINED, Int64, ValidationError, Validator, encode_id, v
from albertplus_cli.values.validators import args_validator, validator_from_json

TERM = v.union(v.literal("spring"), v.literal("summer"), v.literal("fall"), v.literal("j-term"))
SEMESTER = v.object({"year": v.number(), "term": TERM})
PROGRAMS_ID = encode_id(10001, bytes(16))
SCHOOLS_ID = encode_id(10002, bytes(16))
TABLES = {"programs": 10001, "schools": 10002}.get


def failure(validator: Validator, value: Any, tables: Any = None) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validator.check(value, "", tables)
    return info.value


def test_nested_mismatch_names_the_path_the_value_and_the_validator() -> None:
    student = v.object({"userId": v.string(), "startingDate": SEMESTER})
    error = failure(student, {"userId": "u1", "startingDate": {"year": 2023, "term": "autumn"}})
    text = str(error)
    assert text.startswith("Value does not match validator.\n")
    assert "Path: .startingDate.term\n" in text
    assert 'Value: "autumn"\n' in text
    assert ('Validator: v.union(v.literal("spring"), v.literal("summer"), v.literal("fall"), '
            'v.literal("j-term"))') in text
    assert error.path == ".startingDate.term"


def test_array_paths_have_indexes() -> None:
    error = failure(v.object({"days": v.array(v.literal("monday"))}), {"days": ["monday", "tuesday"]})
    assert "Path: .days[1]" in str(error)


def test_missing_required_field() -> None:
    error = failure(v.object({"a": v.string(), "b": v.number()}), {"a": "x"})
    assert "Object is missing the required field `b`" in str(error)
    assert "v.optional" in str(error)
    assert error.path == ".b"


def test_extra_field() -> None:
    error = failure(v.object({"a": v.string()}), {"a": "x", "zzz": 1})
    assert "Object contains extra field `zzz` that is not in the validator." in str(error)


def test_optional_fields_may_be_missing_or_undefined_but_not_null() -> None:
    obj = v.object({"a": v.optional(v.string())})
    obj.check({})
    obj.check({"a": "x"})
    obj.check({"a": UNDEFINED})
    error = failure(obj, {"a": None})
    assert "Path: .a" in str(error) and "Value: null" in str(error)
    v.object({"a": v.optional(v.union(v.string(), v.null()))}).check({"a": None})
    assert repr(v.optional(v.optional(v.string()))) == "v.optional(v.string())"


def test_int64_and_number_are_distinct() -> None:
    v.number().check(1)
    v.number().check(1.5)
    v.int64().check(Int64(1))
    assert "Value: 1n" in str(failure(v.number(), Int64(1)))
    assert "Validator: v.int64()" in str(failure(v.int64(), 1))
    failure(v.number(), True)  # booleans are not numbers
    failure(v.number(), "1")


def test_scalars() -> None:
    v.string().check("")
    v.boolean().check(False)
    v.null().check(None)
    v.bytes().check(b"\x00")
    v.any().check({"anything": [1, "x", None]})
    failure(v.string(), b"x")
    failure(v.boolean(), 0)
    failure(v.null(), UNDEFINED)
    failure(v.bytes(), "AA==")
    failure(v.any(), UNDEFINED)


def test_literal() -> None:
    v.literal("a").check("a")
    v.literal(3).check(3.0)
    v.literal(True).check(True)
    v.literal(Int64(2)).check(Int64(2))
    failure(v.literal(1), True)
    failure(v.literal(True), 1)
    failure(v.literal(Int64(2)), 2)
    failure(v.literal("a"), "b")
    assert repr(v.literal("a")) == 'v.literal("a")'
    with pytest.raises(TypeError):
        v.literal([1])


def test_id_checks_format_and_table() -> None:
    v.id("programs").check(PROGRAMS_ID)
    v.id("programs").check(PROGRAMS_ID, "", TABLES)
    bad = failure(v.id("programs"), "not-an-id")
    assert 'Validator: v.id("programs")' in str(bad)
    other = failure(v.id("programs"), SCHOOLS_ID, TABLES)
    assert "another table" in str(other)
    # Without a table lookup only the format is checked.
    v.id("programs").check(SCHOOLS_ID)
    failure(v.id("programs"), 123)


def test_record() -> None:
    rec = v.record(v.string(), v.number())
    rec.check({"a": 1, "b": 2.5})
    error = failure(rec, {"a": "x"})
    assert "Path: .a" in str(error) and "Validator: v.number()" in str(error)
    failure(rec, ["a"])
    failure(v.record(v.literal("only"), v.number()), {"other": 1})


def test_array() -> None:
    v.array(v.number()).check([])
    v.array(v.number()).check([1, 2.0])
    failure(v.array(v.number()), {"0": 1})
    with pytest.raises(TypeError):
        v.array(v.optional(v.number()))


REQUIREMENT_BASE = {"programId": v.id("programs"), "isMajor": v.boolean(), "description": v.optional(v.string())}
REQUIREMENT = v.union(
    v.object({**REQUIREMENT_BASE, "type": v.literal("required"), "courses": v.array(v.string())}),
    v.object({**REQUIREMENT_BASE, "type": v.literal("alternative"), "courses": v.array(v.string())}),
    v.object({
        **REQUIREMENT_BASE,
        "type": v.literal("options"),
        "courses": v.array(v.string()),
        "courseLevels": v.array(v.object({"program": v.string(), "level": v.number()})),
        "creditsRequired": v.number(),
    }),
)


def test_union_of_objects_accepts_each_variant() -> None:
    base = {"programId": PROGRAMS_ID, "isMajor": True, "courses": ["CSCI-UA 101"]}
    REQUIREMENT.check({**base, "type": "required"}, "", TABLES)
    REQUIREMENT.check({**base, "type": "alternative", "description": "d"}, "", TABLES)
    REQUIREMENT.check(
        {**base, "type": "options", "courseLevels": [{"program": "CSCI-UA", "level": 400}], "creditsRequired": 8},
        "", TABLES,
    )


def test_union_of_objects_reports_the_discriminated_variant() -> None:
    base = {"programId": PROGRAMS_ID, "isMajor": True, "courses": []}
    error = failure(REQUIREMENT, {**base, "type": "options", "courseLevels": []})
    assert "missing the required field `creditsRequired`" in str(error)
    # `required` has no `creditsRequired`: the extra field is named.
    error = failure(REQUIREMENT, {**base, "type": "required", "creditsRequired": 4})
    assert "extra field `creditsRequired`" in str(error)


def test_union_of_objects_with_unknown_discriminator_shows_the_whole_union() -> None:
    error = failure(REQUIREMENT, {"programId": PROGRAMS_ID, "isMajor": True, "courses": [], "type": "nope"})
    assert "Value does not match validator." in str(error)
    assert "Validator: v.union(v.object({" in str(error)


def test_args_validator_wraps_a_dict() -> None:
    validator = args_validator({"a": v.string()})
    assert validator is not None
    validator.check({"a": "x"})
    with pytest.raises(ValidationError):
        validator.check({})
    assert args_validator(None) is None
    with pytest.raises(TypeError):
        args_validator([v.string()])  # type: ignore[arg-type]


def test_object_helpers() -> None:
    obj = v.object({"a": v.string(), "b": v.number()})
    obj.partial().check({})
    obj.omit("b").check({"a": "x"})
    obj.extend({"c": v.boolean()}).check({"a": "x", "b": 1, "c": True})
    with pytest.raises(ValueError):
        v.object({"$bad": v.string()})
    with pytest.raises(TypeError):
        v.object({"a": "not a validator"})  # type: ignore[dict-item]


ALL_VALIDATORS = [
    v.string(), v.number(), v.int64(), v.boolean(), v.null(), v.bytes(), v.any(), v.id("programs"),
    v.literal("x"), v.literal(2.5), v.literal(True), v.literal(Int64(-3)),
    v.array(v.union(v.string(), v.null())),
    v.object({"a": v.optional(v.string()), "b": v.array(v.number())}),
    v.record(v.string(), v.object({"x": v.int64()})),
    REQUIREMENT,
    SEMESTER,
]


@pytest.mark.parametrize("validator", ALL_VALIDATORS, ids=repr)
def test_json_round_trip(validator: Validator) -> None:
    rebuilt = validator_from_json(validator.to_json())
    assert rebuilt.to_json() == validator.to_json()
    assert repr(rebuilt) == repr(validator)


def test_json_shapes() -> None:
    assert v.object({"a": v.optional(v.string())}).to_json() == {
        "type": "object", "value": {"a": {"fieldType": {"type": "string"}, "optional": True}},
    }
    assert v.id("t").to_json() == {"type": "id", "tableName": "t"}
    assert v.literal(Int64(1)).to_json() == {"type": "literal", "value": {"$integer": "AQAAAAAAAAA="}}
    with pytest.raises(ValueError):
        validator_from_json({"type": "nope"})
