"""MutatingPolicy mutations: ApplyConfiguration and JSONPatch, applied in order.

kyverno `pkg/cel/policies/mpol/compiler/policy.go` evaluate: each patcher sees the object
as patched by the previous one (`data[object]` is replaced after each patch); an error
stops with `error` (rule `evaluation`); otherwise the policy passes ("success") whether or
not anything changed.

ApplyConfiguration is a server-side-apply merge (apiserver `policy/mutating/patch/smd.go`):
maps merge field by field and lists of the Kubernetes schema's map type merge by their
keys, other lists are replaced. We merge with the strategic-merge machinery, whose list
keys come from the same schema (`argogate/engine/mutate/mergekeys.py`). JSONPatch is an
RFC 6902 patch given as a list of `JSONPatch{op, path, value}` objects.
"""

from __future__ import annotations

import copy
from typing import Any

from argogate.engine.cel import CelEvalError
from argogate.engine.celpolicies.decide import Decision
from argogate.engine.celpolicies.model import Mutation, Variant
from argogate.engine.mutate.json6902 import PatchError, apply_operations
from argogate.engine.mutate.merge import MergeError, merge


def _apply(mutation: Mutation, obj: dict[str, Any], activation: dict[str, Any]) -> dict[str, Any]:
    value = mutation.program.evaluate(activation)
    if mutation.patch_type == "ApplyConfiguration":
        if not isinstance(value, dict):
            raise CelEvalError("apply configuration must evaluate to an Object")
        # SSA keeps apiVersion/kind of the target; an apply configuration never renames it
        patch = {k: v for k, v in value.items() if k not in ("apiVersion", "kind")}
        try:
            merged = merge(obj, patch)
        except MergeError as e:
            raise CelEvalError(f"error applying patch: {e}") from None
        return merged if isinstance(merged, dict) else obj
    if not isinstance(value, list):
        raise CelEvalError("JSONPatch expression must evaluate to a list of JSONPatch")
    ops = []
    for op in value:
        if not isinstance(op, dict):
            raise CelEvalError("JSONPatch expression must evaluate to a list of JSONPatch")
        ops.append(op)
    try:
        patched = apply_operations(obj, ops)
    except PatchError as e:
        raise CelEvalError(f"JSON Patch: {e}") from None
    if not isinstance(patched, dict):
        raise CelEvalError("JSON Patch: the patched document is not an object")
    return patched


def mutate(variant: Variant, resource: dict[str, Any], activation: dict[str, Any]) -> Decision:
    obj = copy.deepcopy(resource)
    for mutation in variant.mutations:
        try:
            obj = _apply(mutation, obj, activation)
        except CelEvalError as e:
            return Decision("error", f"failed to evaluate policy: {e.message}", "evaluation")
        activation["object"] = obj
    return Decision("pass", "success", patched=obj)
