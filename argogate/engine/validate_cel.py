"""Kyverno's `validate.cel` rule: a ValidatingAdmissionPolicy evaluated inside a ClusterPolicy.

Kyverno (pkg/engine/handlers/validation/validate_cel.go) hands the rule to the
Kubernetes VAP validator (apiserver admission/plugin/policy/validating/validator.go)
with a nil failure policy, which means Fail. Consequences we reproduce:

* `celPreconditions` are match conditions: any `false` -> skip ("cel preconditions not
  met"); otherwise an evaluation error -> fail with the error text.
* a validation that errors is a *deny* (so a Kyverno `fail`, not `error`) whose message
  is `expression '<expr>' resulted in error: <cel error>`; a compile error reads
  `compilation error: compilation failed: ERROR: <input>:l:c: ...`.
* a validation that is not `true` denies with the messageExpression result (trimmed,
  single line, at most 5 KiB), else the expression's message (falling back to the
  rule's `validate.message`), else `failed expression: <expr>`.
* decisions are checked in order and the first deny wins; otherwise
  `Validation rule '<name>' passed.`
* `variables` are lazily evaluated, memoised per evaluation, and an error inside one
  surfaces as `composited variable "<name>" fails to evaluate: <err>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from argogate.engine.cel import CelEvalError, CelSyntaxError, Program, compile
from argogate.engine.cel.variables import LazyVariables, undefined_variable

# apiserver/pkg/apis/cel/config.go MaxEvaluatedMessageExpressionSizeBytes
MAX_MESSAGE_BYTES = 5 * 1024
_BASE_DECLARATIONS = ("object", "oldObject", "request", "namespaceObject", "variables", "authorizer")


@dataclass(frozen=True, slots=True)
class CelOutcome:
    status: str  # "pass" | "fail" | "skip" | "error"
    message: str


class _Compiled:
    """One expression compiled the way the apiserver compiles it: errors are kept, not raised."""

    __slots__ = ("error", "expression", "program")

    def __init__(
        self, expression: str, declarations: Sequence[str], variable_names: Sequence[str], want: str | None
    ) -> None:
        self.expression = expression
        self.program: Program | None = None
        self.error = ""
        try:
            program = compile(expression, declarations)
            _check_variables(program, variable_names)
        except CelSyntaxError as e:
            # apiserver admission/plugin/cel/compile.go CompileCELExpression
            self.error = f"compilation failed: {e}"
            return
        if want is not None and program.output_type not in (want, "dyn"):
            self.error = f"must evaluate to {want} but got {program.output_type}"
            return
        self.program = program

    def run(self, activation: Mapping[str, Any]) -> tuple[Any, str]:
        """(value, error text); the text is what apiserver's filter.go ForInput puts in Error."""
        if self.program is None:
            return None, f"compilation error: {self.error}"
        try:
            return self.program.evaluate(activation), ""
        except CelEvalError as e:
            return None, f"expression '{self.expression}' resulted in error: {e.message}"


def _check_variables(program: Program, names: Sequence[str]) -> None:
    node = undefined_variable(program, names)
    if node is not None:
        raise CelSyntaxError(f"undefined field '{node.field}'", program.expression, node.pos)


def validate_cel(
    rule_name: str,
    validate: Mapping[str, Any],
    cel_preconditions: Sequence[Mapping[str, Any]] | None,
    *,
    object: Mapping[str, Any] | None,
    old_object: Mapping[str, Any] | None = None,
    request: Mapping[str, Any] | None = None,
    namespace_object: Mapping[str, Any] | None = None,
    params: Sequence[Mapping[str, Any] | None] | None = None,
) -> CelOutcome:
    """Evaluate a Kyverno `validate.cel` rule against one admission request."""
    cel = validate.get("cel") or {}
    has_param = cel.get("paramKind") is not None
    declarations = [*_BASE_DECLARATIONS, "params"] if has_param else list(_BASE_DECLARATIONS)

    variable_names: list[str] = []
    variables: dict[str, _Compiled] = {}
    for var in cel.get("variables") or []:
        # each variable sees only the variables declared before it (composition.go)
        variables[var["name"]] = _Compiled(
            var.get("expression", ""), declarations, list(variable_names), None
        )
        variable_names.append(var["name"])

    preconditions = [
        _Compiled(p.get("expression", ""), declarations, variable_names, "bool")
        for p in cel_preconditions or []
    ]
    validations = cel.get("expressions") or []
    compiled = [_Compiled(v.get("expression", ""), declarations, variable_names, "bool") for v in validations]
    message_exprs = [
        _Compiled(
            v["messageExpression"], [d for d in declarations if d != "authorizer"], variable_names, "string"
        )
        if v.get("messageExpression")
        else None
        for v in validations
    ]
    default_message = validate.get("message") or ""

    if has_param and not params:
        return CelOutcome("error", "error in parameterized resource: no params found")
    for param in params if has_param and params else [None]:
        activation: dict[str, Any] = {
            "object": object,
            "oldObject": old_object,
            "request": request or {},
            "namespaceObject": namespace_object,
        }
        if has_param:
            activation["params"] = param
        programs = {n: c.program if c.program is not None else c.error for n, c in variables.items()}
        activation["variables"] = LazyVariables(programs, activation, composited=True)

        outcome = _decide(preconditions, compiled, message_exprs, validations, default_message, activation)
        if outcome is not None:
            return outcome
    return CelOutcome("pass", f"Validation rule '{rule_name}' passed.")


def _decide(
    preconditions: list[_Compiled],
    compiled: list[_Compiled],
    message_exprs: list[_Compiled | None],
    validations: Sequence[Mapping[str, Any]],
    default_message: str,
    activation: dict[str, Any],
) -> CelOutcome | None:
    # webhook/matchconditions/matcher.go Match: a false condition wins, then errors
    errors: list[str] = []
    for pre in preconditions:
        value, error = pre.run(activation)
        if error:
            errors.append(error)
        elif value is False:
            return CelOutcome("skip", "cel preconditions not met")
    if errors:
        return CelOutcome("fail", errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")

    for i, validation in enumerate(validations):
        value, error = compiled[i].run(activation)
        if error:
            return CelOutcome("fail", error)
        if value is True:
            continue
        return CelOutcome("fail", _deny_message(validation, message_exprs[i], default_message, activation))
    return None


def _deny_message(
    validation: Mapping[str, Any],
    message_expr: _Compiled | None,
    default_message: str,
    activation: dict[str, Any],
) -> str:
    message = ""
    if message_expr is not None:
        value, error = message_expr.run(activation)
        if not error and isinstance(value, str):
            message = value.strip()
            if len(message.encode("utf-8")) > MAX_MESSAGE_BYTES or "\n" in message:
                message = ""
    # validate_cel.go: an expression without a message inherits the rule's validate.message
    fallback = validation.get("message") or default_message
    if not message and fallback:
        message = str(fallback).strip()
    if not message:
        message = f"failed expression: {str(validation.get('expression', '')).strip()}"
    return message
