"""Kyverno mutate rules as pure functions over rendered manifests."""

from __future__ import annotations

from argogate.engine.mutate.json6902 import apply_json6902
from argogate.engine.mutate.outcome import MutateOutcome
from argogate.engine.mutate.rule import mutate_rule
from argogate.engine.mutate.strategic import apply_strategic_merge

__all__ = ["MutateOutcome", "apply_json6902", "apply_strategic_merge", "mutate_rule"]
