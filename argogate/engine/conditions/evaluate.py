"""any/all condition blocks (kyverno pkg/engine/variables/evaluate.go).

Each condition's key and value are substituted on their own (SubstituteAllInPreconditions),
then handed to the operator. A substitution failure or an unknown operator is an error of
the whole evaluation (`ConditionError`), which Kyverno turns into a rule error; a false
condition is data (`ConditionResult.ok` false) carrying Kyverno's message text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from argogate.engine.conditions.membership import Operator
from argogate.engine.conditions.operators import get_operator
from argogate.engine.context import Context
from argogate.engine.variables import VariableError, substitute_in_preconditions


@dataclass(frozen=True)
class ConditionResult:
    ok: bool
    message: str


class ConditionError(Exception):
    """Evaluation could not complete (Kyverno returns an error, not a verdict)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _join(messages: list[str], sep: str) -> str:
    """stringutils.JoinNonEmpty."""
    return sep.join(m for m in messages if m)


@lru_cache(maxsize=256)
def _operator(name: str) -> Operator | None:
    return get_operator(name)


def evaluate_condition(condition: Mapping[str, Any], ctx: Context) -> tuple[bool, str]:
    """variables.Evaluate: (result, the condition's own message)."""
    try:
        key = substitute_in_preconditions(condition.get("key"), ctx)
    except VariableError as e:
        raise ConditionError(f"failed to substitute variables in condition key: {e}") from e
    try:
        value = substitute_in_preconditions(condition.get("value"), ctx)
    except VariableError as e:
        raise ConditionError(f"failed to substitute variables in condition value: {e}") from e
    operator = condition.get("operator")
    handler = _operator(operator) if isinstance(operator, str) else None
    if handler is None:
        raise ConditionError(
            f"failed to create handler for condition operator: unknown operator {operator!r}"
        )
    message = condition.get("message")
    return handler(key, value), message if isinstance(message, str) else ""


def _any_all(block: Mapping[str, Any], ctx: Context) -> ConditionResult:
    any_conditions, all_conditions = block.get("any"), block.get("all")
    any_ok, all_ok = True, True
    false_messages: list[str] = []
    true_messages: list[str] = []
    if any_conditions is not None:
        any_ok = False
        for condition in any_conditions:
            ok, msg = evaluate_condition(condition, ctx)
            if ok:
                any_ok = True
                true_messages.append(msg)
                break
            false_messages.append(msg)
    for condition in all_conditions or []:
        ok, msg = evaluate_condition(condition, ctx)
        if not ok:
            all_ok = False
            false_messages.append(msg)
            break
        true_messages.append(msg)
    if any_ok and all_ok:
        return ConditionResult(True, _join(true_messages, "; "))
    return ConditionResult(False, _join(false_messages, "; "))


def _flat(conditions: list[Mapping[str, Any]], ctx: Context) -> ConditionResult:
    true_messages: list[str] = []
    for condition in conditions:
        ok, msg = evaluate_condition(condition, ctx)
        if not ok:
            return ConditionResult(False, msg)
        true_messages.append(msg)
    return ConditionResult(True, _join(true_messages, ";"))


def _is_any_all(item: Any) -> bool:
    return isinstance(item, Mapping) and ("any" in item or "all" in item) and "operator" not in item


def evaluate_any_all_list(blocks: list[Mapping[str, Any]], ctx: Context) -> ConditionResult:
    """EvaluateAnyAllConditions: every block must pass; the first failing block's message."""
    true_messages: list[str] = []
    for block in blocks:
        result = _any_all(block, ctx)
        if not result.ok:
            return result
        true_messages.append(result.message)
    return ConditionResult(True, _join(true_messages, ";"))


def evaluate_conditions(conditions: Any, ctx: Context) -> ConditionResult:
    """EvaluateConditions: an `{any, all}` block, or the legacy flat list (all must pass).

    A list of `{any, all}` blocks (as in verifyImages attestations) is accepted too.
    """
    if isinstance(conditions, Mapping):
        return _any_all(conditions, ctx)
    if isinstance(conditions, list):
        if conditions and all(_is_any_all(c) for c in conditions):
            return evaluate_any_all_list(conditions, ctx)
        if not all(isinstance(c, Mapping) for c in conditions):
            raise ConditionError("invalid condition")
        return _flat(conditions, ctx)
    if conditions is None:
        return ConditionResult(True, "")
    raise ConditionError("invalid condition")
