"""The order in which a pattern map's keys are walked (kyverno `pkg/engine/validate/validate.go`).

Anchors first (condition, existence, equality, negation, sorted by key), then the
other keys: global anchors and keys hiding anchors deeper down first
(`anchor/handlers.go`, `validate/utils.go`). This depends on the pattern alone,
so the walker works it out once per pattern map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argogate.engine import wildcards
from argogate.engine.anchors import Anchor, AnchorKind, parse

ANCHOR_PHASE = (AnchorKind.CONDITION, AnchorKind.EXISTENCE, AnchorKind.EQUALITY, AnchorKind.NEGATION)
_NESTED = (*ANCHOR_PHASE, AnchorKind.GLOBAL)
_TRACKED = (AnchorKind.CONDITION, AnchorKind.EXISTENCE, AnchorKind.NEGATION)

Entry = tuple[str, Anchor | None, Any]


@dataclass(frozen=True, slots=True)
class Plan:
    anchors: tuple[Entry, ...]
    others: tuple[Entry, ...]
    tracked: tuple[tuple[str, str], ...]  # (anchored key, bare key) for CheckAnchorInResource
    expand_metadata: bool


def has_nested_anchors(node: Any) -> bool:
    if isinstance(node, dict):
        for k, v in node.items():
            a = parse(k)
            if a is not None and a.kind in _NESTED:
                return True
            if has_nested_anchors(v):
                return True
        return False
    if isinstance(node, list):
        return any(has_nested_anchors(v) for v in node)
    return False


def build_plan(pattern: dict[str, Any]) -> Plan:
    anchors: list[Entry] = []
    globals_: list[Entry] = []
    nested: list[Entry] = []
    rest: list[Entry] = []
    tracked: list[tuple[str, str]] = []
    for key, value in pattern.items():
        a = parse(key)
        if a is not None and a.kind in _TRACKED:
            tracked.append((key, a.key))
        if a is not None and a.kind in ANCHOR_PHASE:
            anchors.append((key, a, value))
        elif a is not None and a.kind is AnchorKind.GLOBAL:
            globals_.append((key, a, value))
        elif has_nested_anchors(value):
            nested.append((key, None, value))
        else:
            rest.append((key, None, value))
    anchors.sort(key=lambda e: e[0])  # validate.go: sort.Strings(keys)
    # utils.go: getSortedNestedAnchorResource pushes global and nested-anchor keys to the
    # front of a Go map iteration (random order); we keep globals, then nested, in pattern order.
    return Plan(
        tuple(anchors),
        (*globals_, *nested, *rest),
        tuple(tracked),
        wildcards.needs_metadata_expansion(pattern),
    )
