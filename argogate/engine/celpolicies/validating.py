"""ValidatingPolicy and ValidatingAdmissionPolicy validations.

ValidatingPolicy (kyverno `pkg/cel/policies/vpol/compiler/policy.go`): validations run in
order; an error stops with `error`; the first `false` fails with the messageExpression
result (its own error becomes `failed to evaluate message expression: ...`), else the
message, else `CEL expression validation failed at index N`; a result that is not a bool
is an error. Every validation true: pass. The failure is a `fail` whatever the
validationActions; they only decide whether it blocks (Deny).

ValidatingAdmissionPolicy (apiserver `admission/plugin/policy/validating/validator.go`,
reported by kyverno `pkg/admissionpolicy/validate.go`): the same loop, but a failed
validation falls back to `failed expression: <expr>` and a messageExpression that errors
or yields an empty string falls back to the message.
"""

from __future__ import annotations

from typing import Any

from argogate.engine.cel import CelEvalError
from argogate.engine.celpolicies.decide import Decision
from argogate.engine.celpolicies.model import Validation, Variant


def _message_expression(validation: Validation, activation: dict[str, Any]) -> tuple[str, str]:
    """(message, error) of a messageExpression."""
    assert validation.message_expression is not None
    try:
        value = validation.message_expression.evaluate(activation)
    except CelEvalError as e:
        return "", e.message
    if not isinstance(value, str):
        return "", f"type conversion error from '{type(value).__name__}' to 'string'"
    return value, ""


def _deny_message_vpol(index: int, validation: Validation, activation: dict[str, Any]) -> str:
    message = validation.message
    if validation.message_expression is not None:
        text, error = _message_expression(validation, activation)
        message = f"failed to evaluate message expression: {error}" if error else text
    return message or f"CEL expression validation failed at index {index}"


def _deny_message_vap(validation: Validation, activation: dict[str, Any]) -> str:
    message = ""
    if validation.message_expression is not None:
        text, error = _message_expression(validation, activation)
        if not error:
            message = text.strip()
    if not message:
        message = validation.message.strip()
    if not message:
        message = f"failed expression: {validation.program.expression.strip()}"
    return message


def validate(variant: Variant, activation: dict[str, Any], *, admission_policy: bool = False) -> Decision:
    for index, validation in enumerate(variant.validations):
        try:
            value = validation.program.evaluate(activation)
        except CelEvalError as e:
            expr = validation.program.expression.strip()
            if admission_policy:
                return Decision("error", f"expression '{expr}' resulted in error: {e.message}")
            return Decision("error", e.message)
        if value is True:
            continue
        if value is not False:
            return Decision("error", f"type conversion error from '{type(value).__name__}' to 'bool'")
        if admission_policy:
            return Decision("fail", _deny_message_vap(validation, activation))
        return Decision("fail", _deny_message_vpol(index, validation, activation))
    return Decision("pass", "" if admission_policy else "success")
