"""ClusterPolicy validate rules -> ValidatingPolicies, only where the translation is exact.

Kyverno 1.18 deprecates ClusterPolicy for the CEL kinds and leaves users to rewrite their
rules by hand. This translates the rule shapes whose meaning CEL can carry one to one,
refuses the rest with a reason, and `prove()` evaluates both forms on real resources so
a translation is only trusted when the verdicts agree.

Translated (one ValidatingPolicy per rule, named `<policy>-<rule>`):

* match: one resource block with `kinds` of built-in types (and `operations`);
* `validate.cel`: expressions, variables, celPreconditions (as matchConditions);
* `validate.pattern`: maps, `=(key)` anchors, lists of one element pattern, scalars
  (literals, `?*`, `*` wildcards, `!` negation, `|` alternatives);
* `validate.deny`: conditions on plain `{{ request.object.<path> }}` keys with Equals,
  NotEquals, In, NotIn, AnyIn, AnyNotIn and literal values.

Refused, with the reason: exclude blocks, preconditions, context entries, foreach,
anyPattern, podSecurity, other anchors and operators, variables in values, selectors
with a Pod rule (Kyverno's CEL autogen skips Pod controllers then), and any rule whose
proof on the given resources disagrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from argogate.model.policy import Policy

_KINDS = {
    "Pod": ("", "v1", "pods"), "Service": ("", "v1", "services"), "ConfigMap": ("", "v1", "configmaps"),
    "Secret": ("", "v1", "secrets"), "Namespace": ("", "v1", "namespaces"),
    "ServiceAccount": ("", "v1", "serviceaccounts"), "PersistentVolumeClaim": ("", "v1", "persistentvolumeclaims"),
    "Deployment": ("apps", "v1", "deployments"), "StatefulSet": ("apps", "v1", "statefulsets"),
    "DaemonSet": ("apps", "v1", "daemonsets"), "ReplicaSet": ("apps", "v1", "replicasets"),
    "Job": ("batch", "v1", "jobs"), "CronJob": ("batch", "v1", "cronjobs"),
    "Ingress": ("networking.k8s.io", "v1", "ingresses"), "NetworkPolicy": ("networking.k8s.io", "v1", "networkpolicies"),
    "Role": ("rbac.authorization.k8s.io", "v1", "roles"), "ClusterRole": ("rbac.authorization.k8s.io", "v1", "clusterroles"),
    "RoleBinding": ("rbac.authorization.k8s.io", "v1", "rolebindings"),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io", "v1", "clusterrolebindings"),
    "PodDisruptionBudget": ("policy", "v1", "poddisruptionbudgets"),
    "HorizontalPodAutoscaler": ("autoscaling", "v2", "horizontalpodautoscalers"),
}  # fmt: skip
_CONTROLLERS = {"Deployment": "deployments", "DaemonSet": "daemonsets", "StatefulSet": "statefulsets",
                "Job": "jobs", "CronJob": "cronjobs", "ReplicaSet": "replicasets"}  # fmt: skip
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = {"in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
             "package", "namespace", "return", "var", "void", "while", "true", "false", "null"}  # fmt: skip
_PLAIN_PATH = re.compile(r"^\{\{\s*request\.object((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\}$")


class Untranslatable(Exception):
    """A rule (or part of one) CEL cannot express exactly; the message says why."""


@dataclass
class Migration:
    policy: str
    translated: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (rule, ValidatingPolicy)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rule, reason)


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _child(expr: str, key: str) -> tuple[str, str]:
    """(presence test, access) for `expr.key`; dotted when it is an identifier, so autogen can rewrite it."""
    if _IDENT.match(key) and key not in _RESERVED:
        return f"has({expr}.{key})", f"{expr}.{key}"
    return f"{_quote(key)} in {expr}", f"{expr}[{_quote(key)}]"


def _scalar(expr: str, value: Any) -> str:
    if value is None:
        return f"{expr} == null"
    if isinstance(value, bool):
        return f"{expr} == {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"{expr} == {value}"
    if not isinstance(value, str):
        raise Untranslatable(f"pattern value {value!r} has no exact CEL form")
    if "{{" in value or "$(" in value:
        raise Untranslatable("a pattern value uses variables")
    alternatives = value.split("|")
    parts = [_string_test(expr, alt) for alt in alternatives]
    return parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"


def _string_test(expr: str, value: str) -> str:
    negate = value.startswith("!")
    body = value[1:] if negate else value
    if any(op in body for op in ("<", ">", "-", "&")) and not _is_plain(body):
        raise Untranslatable(f"pattern operator in {value!r} is not translated")
    if body == "?*":
        test = f"string({expr}) != ''"
    elif "*" in body or "?" in body:
        regex = "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in body) + "$"
        test = f"string({expr}).matches({_quote(regex)})"
    else:
        test = f"string({expr}) == {_quote(body)}"
    return f"!({test})" if negate else test


def _is_plain(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_.:/@*?-]*", text)) and not re.match(r"^\d+-\d+$", text)


def pattern_to_cel(pattern: Any, expr: str = "object", depth: int = 0) -> str:
    if isinstance(pattern, dict):
        tests = []
        for raw_key, sub in pattern.items():
            key = str(raw_key)
            optional = key.startswith("=(") and key.endswith(")")
            if optional:
                key = key[2:-1]
            elif re.match(r"^[+<^X]?\(.*\)$", key):
                raise Untranslatable(f"anchor {key} is not translated")
            if "*" in key or "?" in key:
                raise Untranslatable(f"wildcard key {key} is not translated")
            present, access = _child(expr, key)
            inner = pattern_to_cel(sub, access, depth + 1)
            tests.append(f"(!{present} || {inner})" if optional else f"({present} && {inner})")
        return " && ".join(tests) if tests else "true"
    if isinstance(pattern, list):
        if len(pattern) != 1 or not isinstance(pattern[0], dict):
            raise Untranslatable("only list patterns with one map element are translated")
        var = f"e{depth}"
        return f"{expr}.all({var}, {pattern_to_cel(pattern[0], var, depth + 1)})"
    return _scalar(expr, pattern)


def _condition(cond: dict[str, Any]) -> str:
    m = _PLAIN_PATH.match(str(cond.get("key", "")))
    if not m:
        raise Untranslatable("a deny condition key is not a plain {{ request.object.<path> }}")
    key = "object" + m.group(1)
    op, value = str(cond.get("operator")), cond.get("value")
    values = value if isinstance(value, list) else [value]
    if any(
        not isinstance(v, str | int | bool) or (isinstance(v, str) and ("*" in v or "?" in v or "{{" in v))
        for v in values
    ):
        raise Untranslatable("deny values must be literals without wildcards or variables")
    lit = "[" + ", ".join(_quote(v) if isinstance(v, str) else str(v).lower() for v in values) + "]"
    if op in ("Equals", "NotEquals") and not isinstance(value, list):
        test = f"{key} == {lit[1:-1]}"
        return test if op == "Equals" else f"!({test})"
    forms = {
        "In": f"(type({key}) == list ? {key}.all(x, x in {lit}) : {key} in {lit})",
        "AnyIn": f"(type({key}) == list ? {key}.exists(x, x in {lit}) : {key} in {lit})",
    }
    if op in forms:
        return forms[op]
    if op in ("NotIn", "AnyNotIn"):
        base = forms["In" if op == "NotIn" else "AnyIn"]
        if op == "AnyNotIn":
            return f"(type({key}) == list ? {key}.exists(x, !(x in {lit})) : !({key} in {lit}))"
        return f"!{base}"
    raise Untranslatable(f"deny operator {op} is not translated")


def deny_to_cel(deny: dict[str, Any]) -> str:
    conditions = deny.get("conditions")
    if isinstance(conditions, list):
        conditions = {"all": conditions}
    if not isinstance(conditions, dict) or not conditions:
        raise Untranslatable("deny without conditions is not translated")
    parts = []
    if conditions.get("any"):
        parts.append("(" + " || ".join(_condition(c) for c in conditions["any"]) + ")")
    if conditions.get("all"):
        parts.append("(" + " && ".join(_condition(c) for c in conditions["all"]) + ")")
    return f"!({' && '.join(parts)})"


def _match(rule: dict[str, Any]) -> dict[str, Any]:
    if rule.get("exclude"):
        raise Untranslatable("exclude blocks are not translated")
    match = rule.get("match") or {}
    blocks = [b.get("resources") or {} for b in (match.get("any") or match.get("all") or [])]
    if match.get("resources"):
        blocks.append(match["resources"])
    if len(blocks) != 1 or any(k not in ("kinds", "operations", "namespaceSelector") for k in blocks[0]):
        raise Untranslatable(
            "only a single match block with kinds, operations and a namespaceSelector is translated"
        )
    block = blocks[0]
    rules: dict[tuple[str, str], list[str]] = {}
    for kind in block.get("kinds") or []:
        if str(kind) not in _KINDS:
            raise Untranslatable(f"kind {kind} is not in the translation table")
        group, version, resource = _KINDS[str(kind)]
        rules.setdefault((group, version), []).append(resource)
    ops = [str(o) for o in block.get("operations") or ["CREATE", "UPDATE"]]
    out: dict[str, Any] = {
        "resourceRules": [
            {"apiGroups": [g], "apiVersions": [v], "resources": res, "operations": ops}
            for (g, v), res in rules.items()
        ]
    }
    if block.get("namespaceSelector"):
        if "pods" in [r for res in rules.values() for r in res]:
            raise Untranslatable(
                "with a namespaceSelector Kyverno's CEL autogen derives no Pod-controller variants"
            )
        out["namespaceSelector"] = block["namespaceSelector"]
    return out


def translate_rule(policy: Policy, rule: dict[str, Any]) -> dict[str, Any]:
    for key in ("preconditions", "context"):
        if rule.get(key):
            raise Untranslatable(f"{key} are not translated")
    validate = rule.get("validate") or {}
    spec: dict[str, Any] = {"matchConstraints": _match(rule)}
    action = str(validate.get("failureAction") or policy.default_action)
    spec["validationActions"] = ["Deny"] if action.lower() == "enforce" else ["Audit"]
    message = str(validate.get("message") or "")
    if "{{" in message:
        message = ""  # a message with variables has no literal form
    if validate.get("cel"):
        cel = validate["cel"]
        if cel.get("paramKind") or cel.get("paramRef"):
            raise Untranslatable("validate.cel with params is not translated")
        spec["validations"] = [
            {k: v for k, v in e.items() if k != "reason"} for e in cel.get("expressions") or []
        ]
        if message:
            for v in spec["validations"]:
                v.setdefault("message", message)
        if cel.get("variables"):
            spec["variables"] = cel["variables"]
        if rule.get("celPreconditions"):
            spec["matchConditions"] = rule["celPreconditions"]
    elif "pattern" in validate:
        spec["validations"] = [
            {"expression": pattern_to_cel(validate["pattern"]), **({"message": message} if message else {})}
        ]
    elif "deny" in validate:
        spec["validations"] = [
            {"expression": deny_to_cel(validate["deny"]), **({"message": message} if message else {})}
        ]
    else:
        kind = next(
            (k for k in ("foreach", "anyPattern", "podSecurity", "manifests") if k in validate),
            "this rule type",
        )
        raise Untranslatable(f"{kind} is not translated")
    controllers = policy.annotations.get("pod-policies.kyverno.io/autogen-controllers")
    if controllers is not None:
        names = [_CONTROLLERS[c] for c in controllers.split(",") if c in _CONTROLLERS]
        spec["autogen"] = {"podControllers": {"controllers": names}}
    return {
        "apiVersion": "policies.kyverno.io/v1",
        "kind": "ValidatingPolicy",
        "metadata": {
            "name": f"{policy.name}-{rule['name']}",
            "annotations": {"argogate.io/migrated-from": f"{policy.kind}/{policy.name} rule {rule['name']}"},
        },
        "spec": spec,
    }


def migrate(policy: Policy) -> Migration:
    """Translate every validate rule of `policy` (rules as written, not their autogen forms)."""
    out = Migration(policy.report_name)
    for rule in policy.raw.get("spec", {}).get("rules") or []:
        name = str(rule.get("name"))
        if "validate" not in rule:
            out.skipped.append((name, "not a validate rule"))
            continue
        try:
            out.translated.append((name, translate_rule(policy, rule)))
        except Untranslatable as e:
            out.skipped.append((name, str(e)))
    return out


def _verdicts(results: list[Any], policy: str, rules: set[str] | None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in results:
        if r.policy == policy and (rules is None or r.rule in rules):
            out.setdefault(r.resource.display(), set()).add(r.status.value)
    return out


def prove(policy: Policy, migration: Migration, resources: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Evaluate the ClusterPolicy and each translation on `resources`; a rule whose verdicts
    differ on any resource is moved from `translated` to `skipped`. Returns the mismatches."""
    from argogate.engine.celpolicies import CelPolicySet, compile_policy
    from argogate.engine.pipeline import Engine

    if not resources:
        return []
    original = Engine([policy]).evaluate(resources).results
    mismatches: list[tuple[str, str]] = []
    kept: list[tuple[str, dict[str, Any]]] = []
    for rule, vpol in migration.translated:
        translated = Engine([], cel=CelPolicySet([compile_policy(vpol)])).evaluate(resources).results
        want = _verdicts(original, policy.report_name, {rule, f"autogen-{rule}", f"autogen-cronjob-{rule}"})
        got = _verdicts(translated, vpol["metadata"]["name"], None)
        diff = [
            f"{res}: {'/'.join(sorted(want.get(res, {'no result'})))} vs {'/'.join(sorted(got.get(res, {'no result'})))}"
            for res in sorted(set(want) | set(got))
            if want.get(res) != got.get(res)
        ]
        if diff:
            mismatches.append((rule, "; ".join(diff)))
            migration.skipped.append((rule, "verdicts differ on the given resources: " + "; ".join(diff)))
        else:
            kept.append((rule, vpol))
    migration.translated = kept
    return mismatches
