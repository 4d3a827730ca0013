"""`matchConstraints` / `matchResources`: the admission-webhook matching rules.

Reproduces kyverno `pkg/cel/matching/matcher.go`, which composes the apiserver's
predicates: namespaceSelector (cluster-scoped objects other than Namespaces always
match; a Namespace is selected by its own labels; a namespace the CLI knows nothing
about has only `kubernetes.io/metadata.name`), objectSelector (the object's labels),
excludeResourceRules, then resourceRules (operations, apiGroups, apiVersions,
resources with `*` and `x/*` forms, scope, resourceNames with the generateName prefix
rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from argogate.engine.celpolicies.kinds import GVR


@dataclass(frozen=True)
class Attributes:
    """What an admission request says about the object (apiserver admission.Attributes)."""

    gvr: GVR
    kind: str
    namespace: str
    name: str
    operation: str
    labels: Mapping[str, str] = field(default_factory=dict)
    generate_name: str = ""
    subresource: str = ""
    cluster_scoped: bool = False


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics; an empty or absent selector matches everything."""
    if not selector:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(str(key)) != str(value):
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op = str(expr.get("key")), str(expr.get("operator"))
        values = [str(v) for v in expr.get("values") or []]
        present = key in labels
        if (
            (op == "In" and (not present or labels[key] not in values))
            or (op == "NotIn" and present and labels[key] in values)
            or (op == "Exists" and not present)
            or (op == "DoesNotExist" and present)
            or op not in ("In", "NotIn", "Exists", "DoesNotExist")
        ):
            return False
    return True


def _rule_matches(rule: Mapping[str, Any], attr: Attributes) -> bool:
    # apiserver admission/plugin/webhook/predicates/rules/rules.go Matcher.Matches
    ops = [str(o) for o in rule.get("operations") or []]
    if "*" not in ops and attr.operation not in ops:
        return False
    groups = [str(g) for g in rule.get("apiGroups") or []]
    if "*" not in groups and attr.gvr.group not in groups:
        return False
    versions = [str(v) for v in rule.get("apiVersions") or []]
    if "*" not in versions and attr.gvr.version not in versions:
        return False
    scope = str(rule.get("scope") or "*")
    if scope == "Cluster" and not attr.cluster_scoped:
        return False
    if scope == "Namespaced" and attr.cluster_scoped:
        return False
    resource, sub = attr.gvr.resource, attr.subresource
    for pattern in (str(r) for r in rule.get("resources") or []):
        res, _, sub_pattern = pattern.partition("/")
        if res not in ("*", resource):
            continue
        if (not sub_pattern and not sub) or sub_pattern == "*" or (sub_pattern and sub_pattern == sub):
            return True
    return False


def _rules_match(rules: Sequence[Mapping[str, Any]], attr: Attributes) -> bool:
    for rule in rules:
        if not _rule_matches(rule, attr):
            continue
        names = [str(n) for n in rule.get("resourceNames") or []]
        if not names:
            return True
        if not attr.name:
            if attr.generate_name and any(attr.generate_name.startswith(n) for n in names):
                return True
            continue
        if attr.name in names:
            return True
    return False


def matches(
    constraints: Mapping[str, Any] | None, attr: Attributes, namespace_labels: Mapping[str, str] | None
) -> bool:
    """Whether a request falls under `constraints` (None: nothing matches, as in vpol's engine)."""
    if constraints is None:
        return False
    ns_selector = constraints.get("namespaceSelector")
    if ns_selector and (attr.namespace or attr.gvr.resource == "namespaces"):
        if attr.gvr.resource == "namespaces" and not attr.subresource:
            labels: Mapping[str, str] = attr.labels
        else:
            labels = namespace_labels if namespace_labels is not None else {}
            if namespace_labels is None:
                labels = {"kubernetes.io/metadata.name": attr.namespace}
        if not selector_matches(ns_selector, labels):
            return False
    if not selector_matches(constraints.get("objectSelector"), attr.labels):
        return False
    if _rules_match(constraints.get("excludeResourceRules") or [], attr):
        return False
    rules = constraints.get("resourceRules") or []
    return not rules or _rules_match(rules, attr)
