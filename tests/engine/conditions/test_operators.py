"""Condition operators, table-driven (ported from kyverno operator/*_test.go and evaluate_test.go)."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.conditions import CANONICAL_NAMES, get_operator, is_valid_operator

CASES: list[tuple[str, Any, Any, bool]] = [
    # Equals: strings, wildcards, numbers, bools, maps, lists, quantities, durations
    ("Equals", "name", "name", True),
    ("Equals", "name", "name1", False),
    ("Equals", "name", "n*", True),
    ("Equals", "name", "n?me", True),
    ("Equals", "n*", "name", False),
    ("Equals", 1, 1.0, True),
    ("Equals", 1.5, "1.5", True),
    ("Equals", 1, "1.0", True),  # numbers are float64 in Kyverno
    ("Equals", 1, "one", False),
    ("Equals", True, True, True),
    ("Equals", True, "true", False),
    ("Equals", {"a": 1}, {"a": 1.0}, True),
    ("Equals", {"a": True}, {"a": 1}, False),
    ("Equals", ["a", "b"], ["a", "b"], True),
    ("Equals", ["a", "b"], ["b", "a"], False),
    ("Equals", "1Gi", "1024Mi", True),
    ("Equals", "1Gi", "1G", False),
    ("Equals", "1", "*", False),  # a quantity key with a non-quantity value is simply false
    ("Equals", "1h", "60m", True),
    ("Equals", "1h", 3600, True),
    ("Equals", None, None, False),
    ("Equal", "a", "a", True),
    ("equals", "a", "a", True),
    # NotEquals
    ("NotEquals", "name", "name1", True),
    ("NotEquals", "name", "name", False),
    ("NotEquals", "name", "n*", False),
    ("NotEquals", True, "true", True),
    ("NotEquals", 1, 2, True),
    ("NotEquals", 1, "x", True),
    ("NotEquals", {"a": 1}, [1], True),
    ("NotEquals", None, "x", False),  # unsupported key type: false for both operators
    ("NotEquals", "1Gi", "x", False),
    ("NotEquals", "1Gi", "1024Mi", False),
    ("NotEquals", "2h", "60m", True),
    # numeric
    ("GreaterThanOrEquals", "1", 1.0, True),
    ("GreaterThanOrEquals", "1", 0, True),
    ("GreaterThan", 10, 5, True),
    ("GreaterThan", 5, "10", False),
    ("GreaterThan", "10Gi", "1Gi", True),
    ("GreaterThan", "500m", "1", False),
    ("LessThan", "1.5", 2, True),
    ("LessThanOrEquals", 2, "2", True),
    ("GreaterThan", "2h", "30m", True),
    ("GreaterThan", "1h", 3599, True),
    ("LessThan", 59, "1m", True),
    ("GreaterThan", "1.10.0", "1.9.0", True),
    ("LessThan", "1.10.0-rc.1", "1.10.0", True),
    ("GreaterThan", "abc", "abd", False),
    ("GreaterThan", True, 0, False),
    ("greaterthan", 10, 5, False),  # dispatched, but compareByCondition only knows canonical names
    # durations (deprecated operators)
    ("DurationGreaterThan", "2h", "1h", True),
    ("DurationGreaterThanOrEquals", "1h", 3600, True),
    ("DurationLessThan", 30, "1m", True),
    ("DurationLessThanOrEquals", "1x", "1h", False),
    # In / NotIn (deprecated)
    ("In", "a", ["a", "b"], True),
    ("In", "c", ["a", "b"], False),
    ("In", "a", '["a", "b"]', True),
    ("In", "a", "a*", True),
    ("In", ["a", "b"], ["a", "b", "c"], True),
    ("In", ["a", "d"], ["a", "b", "c"], False),
    ("In", "a", 5, False),
    ("NotIn", "c", ["a", "b"], True),
    ("NotIn", "a", ["a", "b"], False),
    ("NotIn", ["a", "d"], ["a", "b"], True),
    ("NotIn", ["a"], "a", True),  # setExistsInArray: a one-element key equal to the value string
    ("NotIn", "a", "not-json", False),  # invalid type: false
    # AnyIn / AnyNotIn
    ("AnyIn", ["a", "x"], ["a", "b"], True),
    ("AnyIn", ["x", "y"], ["a", "b"], False),
    ("AnyIn", ["a*"], ["abc"], True),
    ("AnyIn", "abc", ["a*"], True),
    ("AnyIn", 1, [1, 2], True),
    ("AnyIn", True, ["true"], True),
    ("AnyIn", "5", "1-10", True),
    ("AnyIn", "15", "1-10", False),
    ("AnyIn", ["15", "5"], "1-10", True),
    ("AnyIn", "a", "a", True),
    ("AnyIn", "b", "a", False),
    ("AnyNotIn", ["a", "x"], ["a", "b"], True),
    ("AnyNotIn", ["a", "b"], ["a", "b"], False),
    ("AnyNotIn", "15", "1-10", True),
    ("AnyNotIn", ["5", "6"], "1-10", False),
    ("AnyNotIn", ["5", "16"], "1-10", True),
    # AllIn / AllNotIn
    ("AllIn", ["a", "b"], ["a", "b", "c"], True),
    ("AllIn", ["a", "d"], ["a", "b", "c"], False),
    ("AllIn", ["a*", "b"], ["abc", "b"], True),
    ("AllIn", ["2", "3"], "1-5", True),
    ("AllIn", ["2", "7"], "1-5", False),
    ("AllIn", "a", ["a"], True),
    ("AllNotIn", ["d", "e"], ["a", "b"], True),
    ("AllNotIn", ["a", "b"], ["a", "b"], False),
    ("AllNotIn", ["a", "d"], ["a", "b"], True),  # allin.go isAllNotIn: "not all found"
    ("AllNotIn", "x", ["a"], True),
    ("AllNotIn", ["7", "8"], "1-5", True),
    ("AllNotIn", ["2", "8"], "1-5", False),
]


@pytest.mark.parametrize(("op", "key", "value", "expected"), CASES)
def test_operator(op: str, key: Any, value: Any, expected: bool) -> None:
    handler = get_operator(op)
    assert handler is not None
    assert handler(key, value) is expected


def test_operator_names() -> None:
    for name in CANONICAL_NAMES:
        assert is_valid_operator(name)
        assert is_valid_operator(name.upper())
    assert is_valid_operator("Equal") and is_valid_operator("NotEqual")
    assert not is_valid_operator("Matches")
    assert get_operator("Matches") is None
