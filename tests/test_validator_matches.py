"""`Validator.matches` (the message-free fast path unions use) must agree with `check` on every value."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from value_strategies import values

from albertplus_cli.values import ValidationError, v

VALIDATORS = [
    v.string(), v.number(), v.boolean(), v.null(), v.int64(), v.bytes(), v.any(),
    v.literal("fall"), v.literal(4), v.literal(True),
    v.array(v.union(v.literal("monday"), v.literal("friday"))),
    v.object({"year": v.number(), "term": v.union(v.literal("spring"), v.literal("fall"))}),
    v.object({"a": v.optional(v.string()), "b": v.array(v.number())}),
    v.union(
        v.object({"type": v.literal("required"), "courses": v.array(v.string())}),
        v.object({"type": v.literal("options"), "courses": v.array(v.string()), "creditsRequired": v.number()}),
    ),
    v.record(v.string(), v.number()),
]


def _checks(validator: Any, value: Any) -> bool:
    try:
        validator.check(value)
    except ValidationError:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALIDATORS), values)
def test_matches_agrees_with_check(validator: Any, value: Any) -> None:
    assert validator.matches(value) == _checks(validator, value)


@given(st.sampled_from(VALIDATORS))
def test_matches_accepts_typical_documents(validator: Any) -> None:
    samples = ["fall", 4, True, None, ["monday"], {"year": 2026.0, "term": "fall"}, {"b": [1.0]},
               {"type": "options", "courses": [], "creditsRequired": 16}, {"x": 1.0}]
    for sample in samples:
        assert validator.matches(sample) == _checks(validator, sample)
