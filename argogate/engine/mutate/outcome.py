"""The result of one mutation, as data (kyverno `pkg/engine/mutate/mutation.go: Response`).

`status` is one of kyverno's rule statuses: "pass" (the resource changed),
"skip" (nothing to do: "no patches applied", unmet foreach preconditions, ...),
"fail" (reserved; kyverno's mutate handlers do not produce it today) and
"error" (bad patch, failed substitution). `patched` is always a full document:
the mutated resource on pass, the untouched input otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MutateOutcome:
    status: str
    patched: dict[str, Any] = field(default_factory=dict)
    message: str = ""


def success_message(resource: dict[str, Any] | None) -> str:
    """kyverno `handlers/mutation/common.go: buildSuccessMessage`."""
    if resource is None:
        return "mutated resource"
    meta = resource.get("metadata") or {}
    kind, name, namespace = resource.get("kind", ""), meta.get("name", ""), meta.get("namespace", "")
    if not namespace:
        return f"mutated {kind}/{name}"
    return f"mutated {kind}/{name} in namespace {namespace}"
