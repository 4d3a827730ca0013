"""One mutate rule: substitute, patch, or walk `foreach` lists.

Mirrors kyverno `pkg/engine/mutate/mutation.go` (Mutate, ForEach) and
`pkg/engine/handlers/mutation/common.go` (forEachMutator). Match/exclude, rule
`context` and rule `preconditions` belong to the rule pipeline, not here.

Context discipline follows kyverno's: `mutateElements` checkpoints the JSON
context, rewinds to that checkpoint before every element (kyverno `Reset`) and
drops it at the end (kyverno `Restore`). So within one foreach list every
element sees the original `request.object`; only after the list is done does
`request.object` become the patched resource for the next foreach entry.
"""

from __future__ import annotations

from typing import Any

from argogate.engine.conditions import evaluate_conditions
from argogate.engine.context import Context
from argogate.engine.mutate.json6902 import apply_json6902
from argogate.engine.mutate.outcome import MutateOutcome, success_message
from argogate.engine.mutate.strategic import strategic_merge
from argogate.engine.variables.substitute import VariableError, substitute_all

MUTATE_EXISTING_SKIP = (
    "mutate existing rules (targets) are not applied at render time: targets live in the cluster"
)


def mutate_rule(rule: dict[str, Any], resource: dict[str, Any], ctx: Context) -> MutateOutcome:
    """Apply the rule's `mutate` block to `resource` (kyverno mutateResourceHandler.Process)."""
    mutation = rule.get("mutate")
    if not isinstance(mutation, dict):
        return MutateOutcome("error", resource, "empty mutate rule")
    if mutation.get("targets") or mutation.get("mutateExistingOnPolicyUpdate"):
        return MutateOutcome("skip", resource, MUTATE_EXISTING_SKIP)
    if mutation.get("foreach") is not None:
        out = _mutate_foreach(mutation["foreach"], resource, ctx, 0)
    else:
        out = _patch(mutation, resource, ctx)
        if out.status == "pass":
            ctx.set(("request", "object"), out.patched)
    if out.status == "pass":
        return MutateOutcome("pass", out.patched, success_message(out.patched))
    if out.status == "error":
        return MutateOutcome("error", resource, out.message)
    return MutateOutcome(out.status, resource if out.status != "skip" else out.patched, out.message)


_PATCH_FIELDS = ("patchStrategicMerge", "patchesJson6902")


def _patch(block: dict[str, Any], resource: dict[str, Any], ctx: Context) -> MutateOutcome:
    """Substitute and apply one patch (kyverno mutate.Mutate / mutate.ForEach)."""
    present = [k for k in _PATCH_FIELDS if k in block]
    try:
        if len(present) == 1:
            # alone, a field substitutes as it would inside `{field: ...}` (same paths, and
            # nothing else for a `$()` reference to reach); preprocessing copies what it edits
            key = present[0]
            fields = {key: substitute_all(block[key], ctx, path=(key,))}
        else:
            fields = substitute_all({k: block[k] for k in present}, ctx)
    except VariableError as exc:
        return MutateOutcome("error", resource, f"variable substitution failed: {exc}")
    # kyverno NewPatcher: patchStrategicMerge wins over patchesJson6902
    if fields.get("patchStrategicMerge") is not None:
        # the callers word their own message on "pass"
        patch = fields["patchStrategicMerge"]
        # substitute_all returns the rule's own document when there was nothing to substitute,
        # else a new tree that is ours to edit
        owned = len(present) == 1 and patch is not block["patchStrategicMerge"]
        status, patched, message = strategic_merge(resource, patch, owned=owned)
        return MutateOutcome(status, patched, message or "")
    if fields.get("patchesJson6902"):
        return apply_json6902(resource, fields["patchesJson6902"])
    return MutateOutcome("error", resource, "empty mutate rule")


def _evaluate_list(expression: str, ctx: Context) -> list[Any]:
    value = ctx.query(expression)
    return value if isinstance(value, list) else [value]


def _mutate_foreach(
    entries: list[dict[str, Any]], resource: dict[str, Any], ctx: Context, nesting: int
) -> MutateOutcome:
    applied = 0
    current = resource
    for entry in entries:
        expression = entry.get("list", "")
        try:
            elements = _evaluate_list(expression, ctx)
        except Exception as exc:
            # kyverno NewErrorResponse(msg, err) appends the error a second time
            return MutateOutcome("error", resource, f"failed to evaluate list {expression}: {exc}: {exc}")
        out = _mutate_elements(entry, elements, current, ctx, nesting)
        if out.status == "error":
            return MutateOutcome("error", resource, f"failed to mutate elements: {out.message}")
        if out.status != "skip":
            applied += 1
            if out.status == "pass":
                current = out.patched
            ctx.set(("request", "object"), out.patched)
    message = f"{applied} elements processed"
    return MutateOutcome("skip" if applied == 0 else "pass", current, message)


def _mutate_elements(
    entry: dict[str, Any], elements: list[Any], resource: dict[str, Any], ctx: Context, nesting: int
) -> MutateOutcome:
    # kyverno: patchStrategicMerge prepends list elements, so its elements go in reverse by default
    reverse = entry.get("patchStrategicMerge") is not None
    if entry.get("order") is not None:
        reverse = entry["order"] == "Descending"
    ordered = list(reversed(elements)) if reverse else list(elements)
    patched = resource
    ctx.checkpoint()
    try:
        for position, element in enumerate(ordered):
            if element is None:
                continue
            index = len(ordered) - 1 - position if reverse else position
            _rewind_keep(ctx)
            _add_element(ctx, element, index, nesting)
            problem = _load_context(entry.get("context") or [], ctx)
            if problem is not None:
                return MutateOutcome(
                    "error", resource, f"failed to load to mutate.foreach[{index}].context: {problem}"
                )
            try:
                result = evaluate_conditions(entry.get("preconditions"), ctx)
            except Exception as exc:
                return MutateOutcome(
                    "error", resource, f"failed to evaluate mutate.foreach[{index}].preconditions: {exc}"
                )
            if not result.ok:
                continue
            if entry.get("foreach") is not None:
                out = _mutate_foreach(entry["foreach"], patched, ctx, nesting + 1)
            else:
                out = _patch(entry, patched, ctx)
                if out.status == "pass":
                    ctx.set(("request", "object"), out.patched)
            if out.status in ("fail", "error"):
                return out
            if out.status == "pass":
                patched = out.patched
    finally:
        _rewind_drop(ctx)
    if patched != resource:
        return MutateOutcome("pass", patched, "")
    return MutateOutcome("skip", patched, "no patches applied")


def _rewind_keep(ctx: Context) -> None:
    """Back to the last checkpoint, keeping it (kyverno `Reset`)."""
    ctx.rewind()


def _rewind_drop(ctx: Context) -> None:
    """Back to the last checkpoint and pop it (kyverno `Restore`)."""
    ctx.restore()


def _add_element(ctx: Context, element: Any, index: int, nesting: int) -> None:
    """kyverno context.AddElement: `element`, `elementIndex` and their `<n>`-suffixed twins."""
    ctx.set(("element",), element)
    ctx.set((f"element{nesting}",), element)
    ctx.set(("elementIndex",), index)
    ctx.set((f"elementIndex{nesting}",), index)


def _load_context(entries: list[dict[str, Any]], ctx: Context) -> str | None:
    """Load foreach `context` entries; only `variable` entries need no cluster or registry."""
    for entry in entries:
        name = entry.get("name", "")
        if name in ctx.provided:
            continue  # set by the values file, as the Kyverno CLI's loader does
        if not isinstance(entry.get("variable"), dict):
            kinds = [k for k in entry if k != "name"]
            return f"context entry {name} of type {kinds[0] if kinds else 'unknown'} is not supported in foreach at render time"
        problem = _load_variable(name, entry["variable"], ctx)
        if problem is not None:
            return problem
    return None


def _load_variable(name: str, variable: dict[str, Any], ctx: Context) -> str | None:
    """kyverno `context/loaders/variable.go: loadVariable`."""
    from argogate.engine import jmes
    from argogate.engine.variables.substitute import VariableError, substitute_all

    try:
        path = substitute_all(variable.get("jmesPath") or "", ctx)
        default = (
            substitute_all(variable.get("default"), ctx) if variable.get("default") is not None else None
        )
        value = substitute_all(variable["value"], ctx) if variable.get("value") is not None else None
    except VariableError as exc:
        return f"failed to substitute variables in context entry {name}: {exc}"
    if not isinstance(path, str):
        return f"jmespath value must be a string {name} {variable.get('jmesPath')}"
    output = default
    if value is not None:
        output = value
        if path:
            try:
                output = jmes.search(path, value)
            except Exception as exc:
                if default is None:
                    return f"failed to apply jmespath {path} to variable {value}: {exc}"
                output = default
    elif path:
        try:
            found = ctx.query(path)
            if found is not None:
                output = found
        except Exception as exc:
            if default is None:
                return f"failed to apply jmespath {path} to variable <nil>: {exc}"
    if output is None:
        return f"failed to add context entry for variable {name} since it evaluated to nil"
    ctx.set((name,), output)
    return None
