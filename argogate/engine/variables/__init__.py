"""Kyverno variable substitution: `{{ jmespath }}` and `$(./relative/reference)`."""

from __future__ import annotations

from argogate.engine.variables.substitute import (
    VariableError,
    is_reference,
    is_variable,
    substitute_all,
    substitute_in_conditions,
    substitute_in_preconditions,
    traversal_path,
)

__all__ = [
    "VariableError",
    "is_reference",
    "is_variable",
    "substitute_all",
    "substitute_in_conditions",
    "substitute_in_preconditions",
    "traversal_path",
]
