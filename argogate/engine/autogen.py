"""Autogen: Pod rules also apply to the Pod controllers, as Kyverno generates them.

Reproduces kyverno `pkg/autogen/v1/autogen.go` and `rule.go`: a policy whose
rules match only Pods (no names, selectors or annotations in match/exclude) gets,
for each Pod rule, an `autogen-<rule>` rule for DaemonSet, Deployment, Job,
StatefulSet, ReplicaSet, ReplicationController (the pattern wrapped under
`spec.template`) and an `autogen-cronjob-<rule>` rule for CronJob (wrapped under
`spec.jobTemplate.spec.template`). Variables are shifted the way Kyverno does it:
by textual replacement on the JSON of the rule (`request.object.spec` becomes
`request.object.spec.template.spec`, and so on), quirks included.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from argogate.model.policy import Rule

ANNOTATION = "pod-policies.kyverno.io/autogen-controllers"
POD_CONTROLLERS = ("DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController", "CronJob")
_NON_CRON = ("DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController")
_PODS_AND_CONTROLLERS = frozenset((*POD_CONTROLLERS, "Pod"))

_REPLACE = {
    ("Pod", False): (
        ("request.object.spec", "request.object.spec.template.spec"),
        ("request.oldObject.spec", "request.oldObject.spec.template.spec"),
        ("request.object.metadata", "request.object.spec.template.metadata"),
        ("request.oldObject.metadata", "request.oldObject.spec.template.metadata"),
    ),
    ("Pod", True): (
        ("object.spec", "object.spec.template.spec"),
        ("oldObject.spec", "oldObject.spec.template.spec"),
        ("object.metadata", "object.spec.template.metadata"),
        ("oldObject.metadata", "oldObject.spec.template.metadata"),
    ),
    ("Cronjob", False): (
        ("request.object.spec", "request.object.spec.jobTemplate.spec.template.spec"),
        ("request.oldObject.spec", "request.oldObject.spec.jobTemplate.spec.template.spec"),
        ("request.object.metadata", "request.object.spec.jobTemplate.spec.template.metadata"),
        ("request.oldObject.metadata", "request.oldObject.spec.jobTemplate.spec.template.metadata"),
    ),
    ("Cronjob", True): (
        ("object.spec", "object.spec.jobTemplate.spec.template.spec"),
        ("oldObject.spec", "oldObject.spec.jobTemplate.spec.template.spec"),
        ("object.metadata", "object.spec.jobTemplate.spec.template.metadata"),
        ("oldObject.metadata", "oldObject.spec.jobTemplate.spec.template.metadata"),
    ),
}


def _kind_name(selector: str) -> str:
    """`apps/v1/Deployment` -> `Deployment`; `Pod/exec` -> `Pod` (kubeutils.ParseKindSelector)."""
    parts = selector.split("/")
    if len(parts) == 1:
        return parts[0]
    # Kind/subresource, version/Kind, group/version/Kind, group/version/Kind/sub
    if len(parts) == 2:
        return parts[0] if parts[0][:1].isupper() else parts[1]
    return parts[2]


def _filters(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The resource descriptions of a match/exclude block, any/all or legacy flat form."""
    out = []
    if block.get("resources"):
        out.append(block["resources"])
    for key in ("any", "all"):
        for f in block.get(key) or []:
            if isinstance(f, dict):
                out.append(f.get("resources") or {})
    return out


def _block_kinds(block: dict[str, Any]) -> list[str]:
    kinds: list[str] = []
    for rd in _filters(block):
        kinds.extend(rd.get("kinds") or [])
    return kinds


def _contains_kind(kinds: list[str], kind: str) -> bool:
    return any(_kind_name(k) == kind for k in kinds)


def _supports_autogen(rd: dict[str, Any]) -> tuple[bool, bool]:
    """(allowed, needed) for one resource description (checkAutogenSupport)."""
    kinds = rd.get("kinds") or []
    other_than_pod = len(kinds) > 1 and _contains_kind(kinds, "Pod")
    if rd.get("name") or rd.get("names") or rd.get("selector") is not None or rd.get("annotations") is not None:
        return False, False
    if other_than_pod:
        return False, False
    return True, any(_kind_name(k) in _PODS_AND_CONTROLLERS for k in kinds)


def can_autogen(rules: list[dict[str, Any]]) -> bool:
    needed = False
    for rule in rules:
        if rule.get("generate"):
            return False
        mutate = rule.get("mutate") or {}
        if mutate.get("patchesJson6902") or any(
            isinstance(fe, dict) and fe.get("patchesJson6902") for fe in mutate.get("foreach") or []
        ):
            return False
        blocks = [rule.get("match") or {}]
        if rule.get("exclude"):
            blocks.append(rule["exclude"])
        for block in blocks:
            for rd in _filters(block):
                ok, need = _supports_autogen(rd)
                if not ok:
                    return False
                needed = needed or need
    return needed


def _replace_kinds(filters: list[dict[str, Any]], kinds: list[str], *, only_pod: bool) -> list[dict[str, Any]]:
    out = copy.deepcopy(filters)
    for f in out:
        res = f.get("resources")
        if res is None:
            continue
        if not only_pod or _contains_kind(res.get("kinds") or [], "Pod"):
            res["kinds"] = list(kinds)
    return out


def _generate(rule: dict[str, Any], name: str, tpl_key: str, kinds: list[str], *, only_pod: bool) -> dict[str, Any] | None:
    rule = copy.deepcopy(rule)
    rule["name"] = name
    match = rule.setdefault("match", {})
    if match.get("any"):
        match["any"] = _replace_kinds(match["any"], kinds, only_pod=only_pod)
    elif match.get("all"):
        match["all"] = _replace_kinds(match["all"], kinds, only_pod=only_pod)
    else:
        match.setdefault("resources", {})["kinds"] = list(kinds)
    exclude = rule.get("exclude")
    if exclude:
        if exclude.get("any"):
            exclude["any"] = _replace_kinds(exclude["any"], kinds, only_pod=only_pod)
        elif exclude.get("all"):
            exclude["all"] = _replace_kinds(exclude["all"], kinds, only_pod=only_pod)
        elif (exclude.get("resources") or {}).get("kinds"):
            exclude["resources"]["kinds"] = list(kinds)

    def wrap(p: Any) -> dict[str, Any]:
        return {"spec": {tpl_key: p}}

    mutate = rule.get("mutate")
    if mutate:
        if mutate.get("patchStrategicMerge") is not None:
            rule["mutate"] = {"patchStrategicMerge": wrap(mutate["patchStrategicMerge"])}
            return rule
        if mutate.get("foreach"):
            rule["mutate"] = {
                "foreach": [
                    {k: v for k, v in fe.items() if k in ("list", "context", "preconditions")}
                    | {"patchStrategicMerge": wrap(fe.get("patchStrategicMerge"))}
                    for fe in mutate["foreach"]
                ]
            }
            return rule
    validate = rule.get("validate")
    if validate:
        keep = {k: validate[k] for k in ("message", "failureAction", "failureActionOverrides", "allowExistingViolations") if k in validate}
        if validate.get("pattern") is not None:
            rule["validate"] = keep | {"pattern": wrap(validate["pattern"])}
            return rule
        if validate.get("deny") is not None:
            rule["validate"] = keep | {"deny": validate["deny"]}
            return rule
        if validate.get("podSecurity") is not None:
            rule["validate"] = keep | {"podSecurity": validate["podSecurity"]}
            return rule
        if validate.get("anyPattern") is not None:
            rule["validate"] = keep | {"anyPattern": [wrap(p) for p in validate["anyPattern"]]}
            return rule
        if validate.get("foreach"):
            rule["validate"] = keep | {"foreach": validate["foreach"]}
            return rule
        if validate.get("cel") is not None:
            return rule
        if validate.get("assert") is not None:
            return rule
    if rule.get("verifyImages"):
        return rule
    return None


def _controllers_rule(rule: dict[str, Any], controllers: list[str]) -> dict[str, Any] | None:
    """generateRuleForControllers: the rule for the non-CronJob controllers."""
    name = str(rule.get("name") or "")
    if name.startswith("autogen-") or not controllers:
        return None
    if not _contains_kind(_block_kinds(rule.get("match") or {}), "Pod"):
        return None
    exclude_kinds = _block_kinds(rule.get("exclude") or {})
    if exclude_kinds and not _contains_kind(exclude_kinds, "Pod"):
        return None
    validated = sorted(c for c in controllers if c in _NON_CRON)
    kinds = validated if validated else sorted(controllers)
    return _generate(rule, _autogen_name("autogen", name), "template", kinds, only_pod=True)


def _autogen_name(prefix: str, name: str) -> str:
    return f"{prefix}-{name}"[:63]


def _convert(rule: dict[str, Any], kind: str) -> dict[str, Any]:
    cel = isinstance(rule.get("validate"), dict) and rule["validate"].get("cel") is not None
    text = json.dumps(rule)
    for old, new in _REPLACE[(kind, cel)]:
        text = text.replace(old, new)
    converted: dict[str, Any] = json.loads(text)
    return converted


def requested_controllers(annotations: dict[str, str]) -> list[str] | None:
    value = annotations.get(ANNOTATION)
    if value is None:
        return None
    return [c for c in value.split(",") if c]


def compute_rules(rules: list[dict[str, Any]], annotations: dict[str, str]) -> list[Rule]:
    """The policy's rules followed by the autogen rules Kyverno would add (ComputeRules)."""
    originals = [Rule(str(r.get("name") or ""), r) for r in rules]
    if not can_autogen(rules):
        return originals
    requested = requested_controllers(annotations)
    controllers = list(POD_CONTROLLERS) if requested is None else requested
    if controllers == ["none"] or not controllers:
        return originals
    generated: list[Rule] = []
    non_cron = [c for c in controllers if c != "CronJob"]
    for raw in rules:
        name = str(raw.get("name") or "")
        ctrl = _controllers_rule(raw, non_cron)
        if ctrl is not None:
            generated.append(Rule(ctrl["name"], _convert(ctrl, "Pod"), autogen_of=name))
        if "CronJob" in controllers or "all" in controllers:
            base = _controllers_rule(raw, controllers)
            if base is not None:
                cron = _generate(base, _autogen_name("autogen-cronjob", name), "jobTemplate", ["CronJob"], only_pod=False)
                if cron is not None:
                    generated.append(Rule(cron["name"], _convert(cron, "Cronjob"), autogen_of=name))
    if not generated:
        return originals
    return [r for r in originals if not r.name.startswith("autogen-")] + generated
