"""Kyverno conditions: preconditions, deny conditions, foreach/attestation conditions."""

from __future__ import annotations

from argogate.engine.conditions.evaluate import (
    ConditionError,
    ConditionResult,
    evaluate_any_all_list,
    evaluate_condition,
    evaluate_conditions,
)
from argogate.engine.conditions.operators import CANONICAL_NAMES, OPERATORS, get_operator, is_valid_operator

__all__ = [
    "CANONICAL_NAMES",
    "OPERATORS",
    "ConditionError",
    "ConditionResult",
    "evaluate_any_all_list",
    "evaluate_condition",
    "evaluate_conditions",
    "get_operator",
    "is_valid_operator",
]
