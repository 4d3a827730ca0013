"""Evaluating one compiled variant: the shared steps of every CEL policy kind.

kyverno `pkg/cel/policies/vpol/compiler/policy.go` evaluateWithData: exceptions first
(a matched PolicyException with no `images`/`allowedValues` decides the result, rule
`exception`, skip or its `reportResult`), then matchConditions (false: skip; an error:
skip under failurePolicy Ignore, else error), then lazily evaluated variables, then the
kind's own step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from argogate.engine.cel import CelEvalError, Program
from argogate.engine.cel.variables import LazyVariables
from argogate.engine.celpolicies.model import CelException, CelPolicy, Variant


@dataclass
class Decision:
    status: str  # pass | fail | skip | error
    message: str
    rule: str = ""
    patched: dict[str, Any] | None = None
    generated: list[dict[str, Any]] = field(default_factory=list)


def conditions_hold(programs: list[Program], activation: Mapping[str, Any]) -> tuple[bool, str]:
    """(all true, combined error text): a false condition wins over errors (matcher.go Match)."""
    errors: list[str] = []
    for program in programs:
        try:
            value = program.evaluate(activation)
        except CelEvalError as e:
            errors.append(e.message)
            continue
        if not isinstance(value, bool):
            errors.append(f"type conversion error from '{type(value).__name__}' to 'bool'")
            continue
        if not value:
            return False, ""
    return (not errors), "; ".join(errors)


def exception_decision(
    policy: CelPolicy, exceptions: list[CelException], activation: dict[str, Any]
) -> Decision | None:
    """A matching exception's decision, or None (then `activation["exceptions"]` is set)."""
    matched: list[CelException] = []
    images: list[str] = []
    values: list[str] = []
    for exc in exceptions:
        if not exc.applies_to(policy):
            continue
        ok, error = conditions_hold(exc.match_conditions, activation)
        if error and not ok:
            return Decision("error", f"failed to load context: {error}", "evaluation")
        if ok:
            matched.append(exc)
            images.extend(exc.images)
            values.extend(exc.allowed_values)
    if matched and not images and not values:
        chosen, best = matched[0], 0
        for exc in matched:
            priority = exc.labels.get("kyverno.io/exception-priority", "")
            if priority.lstrip("-").isdigit() and int(priority) > best:
                chosen, best = exc, int(priority)
        keys = ", ".join(e.key for e in matched)
        if chosen.report_result == "pass":
            return Decision("pass", f"rule is passed due to policy exception: {keys}", "exception")
        return Decision("skip", f"rule is skipped due to policy exception: {keys}", "exception")
    activation["exceptions"] = {"allowedImages": images, "allowedValues": values}
    return None


def prepare(
    policy: CelPolicy, variant: Variant, exceptions: list[CelException], activation: dict[str, Any]
) -> Decision | None:
    """Exceptions, matchConditions and variables; a Decision when evaluation stops here."""
    decided = exception_decision(policy, exceptions, activation)
    if decided is not None:
        return decided
    activation["variables"] = LazyVariables(variant.variables, activation)
    ok, error = conditions_hold([p for _, p in variant.match_conditions], activation)
    if error and not ok:
        if policy.failure_policy == "Ignore":
            return Decision("skip", "skip")
        return Decision("error", f"failed to evaluate match conditions: {error}", "evaluation")
    if not ok:
        return Decision("skip", "skip")
    return None
