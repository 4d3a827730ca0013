"""GeneratingPolicy: `generate[].expression`s call `generator.Apply(namespace, objects)`.

kyverno `pkg/cel/policies/gpol/compiler/policy.go`: every generate expression is evaluated
in order with a generator bound in the activation; an error stops with `error`. The
objects collected are the generated resources (the CLI prints them after the inputs),
reported as a pass with the policy's name as the rule. Synchronisation and clone sources
need a cluster and are not modelled.
"""

from __future__ import annotations

from typing import Any

from argogate.engine.cel import CelEvalError
from argogate.engine.celpolicies.context import GeneratorLib
from argogate.engine.celpolicies.decide import Decision
from argogate.engine.celpolicies.model import Variant


def generate(variant: Variant, activation: dict[str, Any]) -> Decision:
    generator = GeneratorLib()
    activation["generator"] = generator
    for program in variant.generate:
        try:
            program.evaluate(activation)
        except CelEvalError as e:
            return Decision("error", f"failed to evaluate generate expression: {e.message}")
    return Decision("pass", "success", generated=generator.generated)
