"""Autogen for CEL policies: a Pod policy also applies to the Pod controllers.

Kyverno (`pkg/cel/autogen/support.go` CanAutoGen, `pkg/cel/policies/vpol/autogen/autogen.go`)
derives extra policy variants, each evaluated as a policy of its own with the same name:

* only when matchConstraints has exactly one resource rule for `""/v1/pods`, no
  resourceNames, no excludeResourceRules and no non-empty selectors;
* the controllers are `spec.autogen.podControllers.controllers` when set (an empty list
  means none), else daemonsets, deployments, replicasets, statefulsets, jobs, cronjobs;
* controllers are grouped by replacement set: `defaults` (`object.spec` ->
  `object.spec.template.spec`, `object.metadata` -> `object.spec.template.metadata`) and
  `cronjobs` (via `spec.jobTemplate.spec.template`); each group gets match constraints
  per group/version with the original operations;
* ValidatingPolicy: the whole spec is rewritten as JSON text, except occurrences followed
  by `.name` / `.namespace` (`pkg/cel/autogen/replacement.go` protectedSuffixes);
* MutatingPolicy (`pkg/cel/policies/mpol/autogen/autogen.go`): only matchConditions and
  ApplyConfiguration expressions are rewritten (metadata only for labels/annotations),
  and an `Object{...}` apply configuration is wrapped into the template path.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

# name -> (group, version, resource, kind, replacements)
_CONFIGS = {
    "daemonsets": ("apps", "v1", "daemonsets", "DaemonSet", "defaults"),
    "deployments": ("apps", "v1", "deployments", "Deployment", "defaults"),
    "replicasets": ("apps", "v1", "replicasets", "ReplicaSet", "defaults"),
    "statefulsets": ("apps", "v1", "statefulsets", "StatefulSet", "defaults"),
    "jobs": ("batch", "v1", "jobs", "Job", "defaults"),
    "cronjobs": ("batch", "v1", "cronjobs", "CronJob", "cronjobs"),
}
_TEMPLATE = {"defaults": "spec.template", "cronjobs": "spec.jobTemplate.spec.template"}
_PROTECTED = re.compile(r"\.(?:name|namespace)(?![A-Za-z0-9_])")


def can_autogen(match: Mapping[str, Any] | None) -> bool:
    if not match:
        return False
    for key in ("namespaceSelector", "objectSelector"):
        sel = match.get(key) or {}
        if sel.get("matchLabels") or sel.get("matchExpressions"):
            return False
    if match.get("excludeResourceRules"):
        return False
    rules = match.get("resourceRules") or []
    if len(rules) != 1:
        return False
    rule = rules[0]
    return (
        not rule.get("resourceNames")
        and list(rule.get("apiGroups") or []) == [""]
        and list(rule.get("apiVersions") or []) == ["v1"]
        and list(rule.get("resources") or []) == ["pods"]
    )


def _groups(spec: Mapping[str, Any]) -> dict[str, list[tuple[str, str, str, str]]]:
    controllers: Any = ((spec.get("autogen") or {}).get("podControllers") or {}).get("controllers")
    names = list(_CONFIGS) if controllers is None else [str(c) for c in controllers]
    groups: dict[str, list[tuple[str, str, str, str]]] = {}
    for name in names:
        config = _CONFIGS.get(name)
        if config is not None:
            groups.setdefault(config[4], []).append(config[:4])
    return {key: sorted(set(groups[key])) for key in sorted(groups)}


def _match_constraints(targets: list[tuple[str, str, str, str]], operations: Any) -> dict[str, Any]:
    by_gv: dict[tuple[str, str], set[str]] = {}
    for group, version, resource, _ in targets:
        by_gv.setdefault((group, version), set()).add(resource)
    return {
        "resourceRules": [
            {"apiGroups": [g], "apiVersions": [v], "resources": sorted(res), "operations": operations}
            for (g, v), res in sorted(by_gv.items())
        ]
    }


def _replace(text: str, old: str, new: str) -> str:
    out: list[str] = []
    start = 0
    while True:
        idx = text.find(old, start)
        if idx < 0:
            out.append(text[start:])
            return "".join(out)
        out.append(text[start:idx])
        rest_at = idx + len(old)
        out.append(old if _PROTECTED.match(text, rest_at) else new)
        start = rest_at


def _variants(
    spec: Mapping[str, Any], rewrite: Callable[[dict[str, Any], str], dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """(group name, `rewrite` of a copy of spec matching that group's controllers) per group."""
    match = spec.get("matchConstraints")
    if not can_autogen(match):
        return []
    assert match is not None
    operations = match["resourceRules"][0].get("operations")
    out = []
    for group, targets in _groups(spec).items():
        variant = copy.deepcopy(dict(spec))
        variant["matchConstraints"] = _match_constraints(targets, operations)
        out.append((group, rewrite(variant, group)))
    return out


def _validating_variant(variant: dict[str, Any], group: str) -> dict[str, Any]:
    text = json.dumps(variant)
    template = _TEMPLATE[group]
    for root in ("object.", "oldObject."):
        for part in ("spec", "metadata"):
            text = _replace(text, root + part, f"{root}{template}.{part}")
    result: dict[str, Any] = json.loads(text)
    return result


def validating_variants(spec: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(group name, rewritten spec) for each autogen variant of a ValidatingPolicy spec."""
    return _variants(spec, _validating_variant)


def _convert_mutation_expression(expression: str, group: str) -> str:
    template = _TEMPLATE[group]
    for root in ("object", "Object"):
        expression = expression.replace(f"{root}.spec", f"{root}.{template}.spec")
        for field in ("labels", "annotations"):
            expression = expression.replace(f"{root}.metadata.{field}", f"{root}.{template}.metadata.{field}")
    stripped = expression.strip()
    if not stripped.startswith("Object{"):
        return expression
    content = stripped[len("Object{") :]
    depth, end = 1, 0
    for i, char in enumerate(content):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                end = i
                break
    if end <= 0:
        return expression
    if group == "cronjobs":
        wrapper = (
            "Object{spec: Object.spec{jobTemplate: Object.spec.jobTemplate{spec: "
            "Object.spec.jobTemplate.spec{template: Object.spec.jobTemplate.spec.template{"
        )
        closing = "}}}}}"
    else:
        wrapper, closing = "Object{spec: Object.spec{template: Object.spec.template{", "}}}"
    return wrapper + content[:end] + closing + content[end + 1 :]


def _mutating_variant(variant: dict[str, Any], group: str) -> dict[str, Any]:
    for cond in variant.get("matchConditions") or []:
        if cond.get("expression"):
            cond["expression"] = _convert_mutation_expression(str(cond["expression"]), group)
    for mutation in variant.get("mutations") or []:
        apply = mutation.get("applyConfiguration") or {}
        if apply.get("expression"):
            apply["expression"] = _convert_mutation_expression(str(apply["expression"]), group)
    return variant


def mutating_variants(spec: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(group name, rewritten spec) for each autogen variant of a MutatingPolicy spec."""
    return _variants(spec, _mutating_variant)
