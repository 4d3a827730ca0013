"""Generate rules as data: the resources a rule would create, never a cluster write.

Mirrors kyverno `pkg/background/generate` (`data.go: manageData`, `clone.go:
manageClone/manageCloneList`) minus everything that needs the cluster's current
state: `synchronize`, `orphanDownstreamOnPolicyDelete` and "does the target
already exist" only decide create/update/skip against live objects, so at
render time every rule that applies yields "create". Clone sources come from the
caller's `lookup` / `list_lookup` (a store, a fixture, or a cluster adapter).

Labels: kyverno's background controller stamps `app.kubernetes.io/managed-by`,
`generate.kyverno.io/policy-*`, `rule-name` and `trigger-*` labels
(`pkg/background/common/labels.go: ManageLabels`); the `kyverno test` CLI output
has none. Pass `policy_name` to get the controller's labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from argogate.engine.context import Context
from argogate.engine.mutate.merge import copy_tree

Lookup = Callable[[str, str, str], "dict[str, Any] | None"]
ListLookup = Callable[[str, str, "dict[str, Any] | None"], "list[dict[str, Any]]"]


@dataclass(frozen=True)
class GenerateOutcome:
    """`status`: "pass" (resources to create), "skip" (nothing to generate), "error"."""

    status: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""


def _no_lookup(kind: str, namespace: str, name: str) -> dict[str, Any] | None:
    return None


def _no_list(kind: str, namespace: str, selector: dict[str, Any] | None) -> list[dict[str, Any]]:
    return []


def generate_rule(
    rule: dict[str, Any],
    trigger: dict[str, Any],
    ctx: Context,
    *,
    lookup: Lookup = _no_lookup,
    list_lookup: ListLookup = _no_list,
    policy_name: str | None = None,
    policy_namespace: str = "",
) -> GenerateOutcome:
    from argogate.engine.variables.substitute import VariableError, substitute_all

    block = rule.get("generate")
    if not isinstance(block, dict):
        return GenerateOutcome("error", [], "empty generate rule")
    if block.get("foreach") is not None:
        return GenerateOutcome("error", [], "generate.foreach is not supported at render time")
    try:
        spec = substitute_all(block, ctx)
    except VariableError as exc:
        return GenerateOutcome("error", [], f"variable substitution failed: {exc}")
    target = _target(spec)
    if "data" in spec:
        if spec["data"] is None:
            return GenerateOutcome("skip", [], "")
        # substitute_all hands back the rule's own block when there was nothing to substitute
        data = spec["data"] if spec is not block else copy_tree(spec["data"])
        created = [_stamp(data, target)]
    elif isinstance(spec.get("cloneList"), dict):
        outcome = _clone_list(spec, target, lookup, list_lookup)
        if isinstance(outcome, GenerateOutcome):
            return outcome
        created = outcome
    elif isinstance(spec.get("clone"), dict):
        clone = spec["clone"]
        source = (target[0], target[1], str(clone.get("namespace") or ""), str(clone.get("name") or ""))
        made = _clone(source, target, lookup)
        if isinstance(made, GenerateOutcome):
            return made
        created = [made] if made is not None else []
    else:
        return GenerateOutcome("error", [], "generate rule has neither data, clone nor cloneList")
    if policy_name is not None:
        for resource in created:
            _manage_labels(resource, trigger, policy_name, policy_namespace, str(rule.get("name", "")))
    if not created:
        return GenerateOutcome("skip", [], "")
    return GenerateOutcome("pass", created, "")


def _target(spec: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        str(spec.get("apiVersion") or ""),
        str(spec.get("kind") or ""),
        str(spec.get("namespace") or ""),
        str(spec.get("name") or ""),
    )


def _stamp(resource: Any, target: tuple[str, str, str, str]) -> dict[str, Any]:
    """Set apiVersion/kind/name/namespace from the rule (kyverno generate.go applyRule)."""
    out: dict[str, Any] = resource if isinstance(resource, dict) else {}
    api_version, kind, namespace, name = target
    out["apiVersion"], out["kind"] = api_version, kind
    meta = dict(out.get("metadata") or {})
    meta["name"] = name
    if namespace:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    out["metadata"] = meta
    return out


def _clone(
    source: tuple[str, str, str, str],
    target: tuple[str, str, str, str],
    lookup: Lookup,
    *,
    from_list: bool = False,
) -> dict[str, Any] | GenerateOutcome | None:
    _, kind, namespace, name = source
    # kyverno clone.go: never clone a resource onto itself
    if (namespace == target[2] and name == target[3]) or (from_list and namespace == target[2]):
        return None if from_list else GenerateOutcome("skip", [], "")
    found = lookup(kind, namespace, name)
    if found is None:
        target_text = f"{target[0]}/{target[1]}/{target[2]}/{target[3]}"
        return GenerateOutcome("error", [], f"source resource {target_text} not found")
    obj = copy_tree(found)
    meta = dict(obj.get("metadata") or {})
    if meta.get("namespace", "") != target[2]:
        meta.pop("ownerReferences", None)
    for key in ("uid", "selfLink", "creationTimestamp", "managedFields", "resourceVersion"):
        meta.pop(key, None)
    obj["metadata"] = meta
    return _stamp(obj, target)


def _clone_list(
    spec: dict[str, Any], target: tuple[str, str, str, str], lookup: Lookup, list_lookup: ListLookup
) -> list[dict[str, Any]] | GenerateOutcome:
    clone_list = spec["cloneList"]
    source_ns = str(clone_list.get("namespace") or "")
    created: list[dict[str, Any]] = []
    for kind_ref in clone_list.get("kinds") or []:
        for source in list_lookup(str(kind_ref), source_ns, clone_list.get("selector")):
            meta = source.get("metadata") or {}
            src = (
                str(source.get("apiVersion", "")),
                str(source.get("kind", "")),
                str(meta.get("namespace", "")),
                str(meta.get("name", "")),
            )
            made = _clone(
                src, (src[0], src[1], target[2], src[3]), lambda *_, found=source: found, from_list=True
            )
            if isinstance(made, GenerateOutcome):
                return made
            if made is not None:
                created.append(made)
    return created


def _manage_labels(
    resource: dict[str, Any], trigger: dict[str, Any], policy: str, policy_ns: str, rule_name: str
) -> None:
    """kyverno `pkg/background/common/labels.go: ManageLabels`."""
    meta = resource.setdefault("metadata", {})
    labels = dict(meta.get("labels") or {})
    api_version = str(trigger.get("apiVersion", ""))
    group, _, version = api_version.rpartition("/")
    trigger_meta = trigger.get("metadata") or {}
    labels.update(
        {
            "app.kubernetes.io/managed-by": "kyverno",
            "generate.kyverno.io/policy-name": policy,
            "generate.kyverno.io/policy-namespace": policy_ns,
            "generate.kyverno.io/rule-name": rule_name,
            "generate.kyverno.io/trigger-version": version,
            "generate.kyverno.io/trigger-group": group,
            "generate.kyverno.io/trigger-kind": str(trigger.get("kind", "")),
            "generate.kyverno.io/trigger-namespace": str(trigger_meta.get("namespace", "")),
            "generate.kyverno.io/trigger-uid": str(trigger_meta.get("uid", "")),
        }
    )
    meta["labels"] = labels
