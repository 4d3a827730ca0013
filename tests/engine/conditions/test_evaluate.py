"""any/all evaluation and Kyverno's messages (evaluate.go, evaluate_test.go)."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.conditions import ConditionError, ConditionResult, evaluate_conditions
from argogate.engine.context import Context

CTX = Context(
    {"request": {"operation": "CREATE", "object": {"metadata": {"name": "web", "labels": {"app": "x"}}}}}
)


def cond(key: Any, op: str, value: Any, message: str = "") -> dict[str, Any]:
    out = {"key": key, "operator": op, "value": value}
    if message:
        out["message"] = message
    return out


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"all": [cond("{{request.operation}}", "Equals", "CREATE")]}, ConditionResult(True, "")),
        (
            {"all": [cond("{{request.operation}}", "Equals", "DELETE", "not delete")]},
            ConditionResult(False, "not delete"),
        ),
        (
            {"any": [cond("a", "Equals", "b", "m1"), cond("a", "Equals", "c", "m2")]},
            ConditionResult(False, "m1; m2"),
        ),
        (
            {"any": [cond("a", "Equals", "b", "m1"), cond("a", "Equals", "a", "ok")]},
            ConditionResult(True, "ok"),
        ),
        (
            {
                "any": [cond("a", "Equals", "a", "t1")],
                "all": [cond("x", "Equals", "x", "t2"), cond("x", "Equals", "y", "f")],
            },
            ConditionResult(False, "f"),
        ),
        (
            {"any": [cond("a", "Equals", "b", "fa")], "all": [cond("x", "Equals", "y", "fb")]},
            ConditionResult(False, "fa; fb"),
        ),
        ({"any": [], "all": [cond("x", "Equals", "x")]}, ConditionResult(False, "")),
        ({}, ConditionResult(True, "")),
        (
            [cond("{{request.object.metadata.name}}", "Equals", "web", "a"), cond("1", "Equals", "1", "b")],
            ConditionResult(True, "a;b"),
        ),
        ([cond("x", "Equals", "x"), cond("x", "Equals", "y", "second")], ConditionResult(False, "second")),
        (
            [{"all": [cond("x", "Equals", "x", "p")]}, {"any": [cond("x", "Equals", "y", "q")]}],
            ConditionResult(False, "q"),
        ),
        (
            {"all": [cond("{{ request.object.metadata.labels.missing || '' }}", "Equals", "")]},
            ConditionResult(True, ""),
        ),
        (
            {"all": [cond("{{request.object.metadata.labels}}", "Equals", {"app": "x"})]},
            ConditionResult(True, ""),
        ),
        (
            {
                "all": [
                    cond(
                        "{{request.object.metadata.name}}",
                        "AnyIn",
                        ["{{request.object.metadata.labels.app}}", "web"],
                    )
                ]
            },
            ConditionResult(True, ""),
        ),
    ],
)
def test_evaluate(conditions: Any, expected: ConditionResult) -> None:
    assert evaluate_conditions(conditions, CTX) == expected


def test_unresolvable_key_is_an_error() -> None:
    with pytest.raises(ConditionError) as info:
        evaluate_conditions({"all": [cond("{{request.object.metadata.labels.missing}}", "Equals", "")]}, CTX)
    assert info.value.message == (
        "failed to substitute variables in condition key: failed to resolve "
        'request.object.metadata.labels.missing at path : JMESPath query failed: Unknown key "missing" in path'
    )


def test_unresolvable_value_is_an_error() -> None:
    with pytest.raises(ConditionError, match="failed to substitute variables in condition value"):
        evaluate_conditions([cond("a", "Equals", "{{nope}}")], CTX)


def test_unknown_operator_is_an_error() -> None:
    with pytest.raises(ConditionError, match="failed to create handler for condition operator"):
        evaluate_conditions({"all": [cond("a", "Matches", "a")]}, CTX)


def test_any_short_circuits_before_errors() -> None:
    conditions = {"any": [cond("a", "Equals", "a"), cond("{{nope}}", "Equals", "a")]}
    assert evaluate_conditions(conditions, CTX).ok
