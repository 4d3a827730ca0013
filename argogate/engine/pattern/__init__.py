"""Kyverno validate `pattern` matching: the tree walk (`walker`) and scalar operators (`scalar`).

Variables (`{{ }}`) and `$(...)` references must already be substituted by the
caller, as kyverno's `variables.SubstituteAll` does before `MatchPattern`.
"""

from __future__ import annotations

from argogate.engine.pattern.scalar import validate_value
from argogate.engine.pattern.walker import PatternError, match_pattern

__all__ = ["PatternError", "match_pattern", "validate_value"]
