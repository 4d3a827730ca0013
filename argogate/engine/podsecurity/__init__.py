"""Kyverno's `validate.podSecurity`: Pod Security Standards evaluated exactly as Kyverno does."""

from __future__ import annotations

from argogate.engine.podsecurity.evaluate import (
    PodSecurityOutcome,
    evaluate_pod_security,
    validate_spec,
)
from argogate.engine.podsecurity.results import CheckFailure, FieldError

__all__ = [
    "CheckFailure",
    "FieldError",
    "PodSecurityOutcome",
    "evaluate_pod_security",
    "validate_spec",
]
