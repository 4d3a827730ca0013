"""Rule selection: does a rule's match/exclude select a resource?

Reproduces kyverno `pkg/engine/utils/match.go` (MatchesResourceDescription,
doesResourceMatchConditionBlock) and `pkg/utils/match/` (kinds with
group/version/subresource, wildcard names and namespaces, annotations, label and
namespace selectors with wildcards, user info). Within a resource description
every attribute must hold (AND), within a list attribute one entry suffices (OR).
`match.any` needs one filter, `match.all` needs all; `exclude.any` excludes when
one filter selects the resource, `exclude.all` when all of them do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from argogate.engine import wildcards

# Kinds whose objects have no namespace (the Kyverno CLI's built-in discovery data).
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "ComponentStatus", "Namespace", "Node", "PersistentVolume", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
        "CustomResourceDefinition", "APIService", "SelfSubjectReview", "TokenReview", "SelfSubjectAccessReview",
        "SelfSubjectRulesReview", "SubjectAccessReview", "CertificateSigningRequest", "FlowSchema",
        "PriorityLevelConfiguration", "IPAddress", "IngressClass", "ServiceCIDR", "RuntimeClass", "ClusterRole",
        "ClusterRoleBinding", "DeviceClass", "ResourceSlice", "PriorityClass", "CSIDriver", "CSINode",
        "StorageClass", "VolumeAttachment", "VolumeAttributesClass", "ClusterPolicy", "ClusterPolicyReport",
        "ClusterIssuer", "ClusterCleanupPolicy", "ClusterSecretStore", "ClusterExternalSecret",
        "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    }
)  # fmt: skip


@dataclass(frozen=True)
class AdmissionInfo:
    """Who makes the request (the CLI's --userinfo file); empty means nobody in particular."""

    username: str = ""
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    cluster_roles: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def empty(self) -> bool:
        return not (self.username or self.groups or self.roles or self.cluster_roles)

    def to_request(self) -> dict[str, Any]:
        return {"username": self.username, "groups": list(self.groups)} if self.username or self.groups else {}


@dataclass(frozen=True)
class MatchInput:
    resource: dict[str, Any]
    group: str
    version: str
    kind: str
    subresource: str = ""
    operation: str = "CREATE"
    namespace_labels: dict[str, str] = field(default_factory=dict)
    admission: AdmissionInfo = field(default_factory=AdmissionInfo)

    @classmethod
    def of(cls, resource: dict[str, Any], **kw: Any) -> MatchInput:
        group, version = split_api_version(str(resource.get("apiVersion") or ""))
        return cls(resource, group, version, str(resource.get("kind") or ""), **kw)


def split_api_version(api_version: str) -> tuple[str, str]:
    if "/" in api_version:
        g, v = api_version.split("/", 1)
        return g, v
    return "", api_version


_VERSION = re.compile(r"^(v\d+((alpha|beta)\d+)?|\*)$")


def parse_kind_selector(selector: str) -> tuple[str, str, str, str]:
    """(group, version, kind, subresource) as kyverno `pkg/utils/kube/kind.go: ParseKindSelector`."""
    parts = selector.split("/")
    parts = parts[:-1] + parts[-1].split(".")
    n = len(parts)
    if n == 1:
        return "*", "*", parts[0], ""
    if n == 2:
        if parts[0] == "*" and parts[1] == "*":
            return "*", "*", "*", "*"
        if parts[0] == "*" and parts[1].lower() == parts[1]:
            return "*", "*", parts[0], parts[1]
        if _VERSION.match(parts[0]):
            return "*", parts[0], parts[1], ""
        return "*", "*", parts[0], parts[1]
    if n == 3:
        if _VERSION.match(parts[0]):
            return "*", parts[0], parts[1], parts[2]
        return parts[0], parts[1], parts[2], ""
    if n == 4:
        return parts[0], parts[1], parts[2], parts[3]
    return "", "", "", ""


def check_kind(kinds: list[str], m: MatchInput, *, allow_ephemeral: bool = True) -> bool:
    """CheckKind (pkg/utils/match/kind.go): a selector without subresource matches any subresource."""
    for k in kinds:
        group, version, kind, sub = parse_kind_selector(str(k))
        if wildcards.match(group, m.group) and wildcards.match(version, m.version) and wildcards.match(kind, m.kind):
            if not sub or wildcards.match(sub, m.subresource):
                return True
            if allow_ephemeral and m.kind == "Pod" and m.version == "v1" and m.subresource == "ephemeralcontainers":
                return True
    return False


def check_selector(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A metav1.LabelSelector with Kyverno's wildcard support in matchLabels."""
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        key, value = str(key), str(value)
        if wildcards.contains_wildcard(key) or wildcards.contains_wildcard(value):
            if not any(wildcards.match(key, lk) and wildcards.match(value, str(lv)) for lk, lv in labels.items()):
                return False
        elif labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key = str(expr.get("key"))
        op = str(expr.get("operator"))
        values = [str(v) for v in expr.get("values") or []]
        present = key in labels
        if op == "In":
            if not present or labels[key] not in values:
                return False
        elif op == "NotIn":
            if present and labels[key] in values:
                return False
        elif op == "Exists":
            if not present:
                return False
        elif op == "DoesNotExist":
            if present:
                return False
        else:
            return False
    return True


def _check_annotations(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    actual = actual or {}
    for k, v in expected.items():
        if not any(wildcards.match(str(k), str(ak)) and wildcards.match(str(v), str(av)) for ak, av in actual.items()):
            return False
    return True


def _check_subjects(subjects: list[dict[str, Any]], info: AdmissionInfo) -> bool:
    for s in subjects:
        kind = s.get("kind")
        name = str(s.get("name") or "")
        if kind == "ServiceAccount":
            if info.username == f"system:serviceaccount:{s.get('namespace', '')}:{name}":
                return True
        elif kind == "Group":
            if any(wildcards.match(name, g) for g in info.groups):
                return True
        elif wildcards.match(name, info.username):
            return True
    return False


def _resource_namespace(resource: dict[str, Any]) -> str:
    md = resource.get("metadata") or {}
    if resource.get("kind") == "Namespace":
        return str(md.get("name") or "")
    return str(md.get("namespace") or "")


def _description_matches(rd: dict[str, Any], m: MatchInput) -> bool:
    md = m.resource.get("metadata") or {}
    if rd.get("kinds") and not check_kind(rd["kinds"], m):
        return False
    name = str(md.get("name") or md.get("generateName") or "")
    if rd.get("name") and not wildcards.match(str(rd["name"]), name):
        return False
    if rd.get("names") and not any(wildcards.match(str(n), name) for n in rd["names"]):
        return False
    if rd.get("namespaces"):
        ns = _resource_namespace(m.resource)
        if not any(wildcards.match(str(n), ns) for n in rd["namespaces"]):
            return False
    if rd.get("annotations") and not _check_annotations(rd["annotations"], md.get("annotations") or {}):
        return False
    if rd.get("selector") is not None and not check_selector(rd["selector"], md.get("labels") or {}):
        return False
    if rd.get("namespaceSelector") is not None and m.kind != "Namespace" and m.kind:
        if not check_selector(rd["namespaceSelector"], m.namespace_labels):
            return False
    if rd.get("operations") and m.operation not in rd["operations"]:
        return False
    return True


def _user_info_matches(f: dict[str, Any], info: AdmissionInfo) -> bool:
    if f.get("roles") and not set(f["roles"]) & set(info.roles):
        return False
    if f.get("clusterRoles") and not set(f["clusterRoles"]) & set(info.cluster_roles):
        return False
    if f.get("subjects") and not _check_subjects(f["subjects"], info):
        return False
    return True


_USER_KEYS = ("roles", "clusterRoles", "subjects")


def _filter_selects(f: dict[str, Any], m: MatchInput, *, ignore_user: bool) -> bool | None:
    """True/False, or None for an empty filter (which selects nothing)."""
    rd = f.get("resources") or {}
    has_user = any(f.get(k) for k in _USER_KEYS) and not ignore_user
    if not rd and not has_user:
        return None
    if not _description_matches(rd, m):
        return False
    return ignore_user or _user_info_matches(f, m.admission)


def _flat_filter(block: dict[str, Any]) -> dict[str, Any]:
    return {k: block[k] for k in ("resources", *_USER_KEYS) if k in block}


def rule_matches(rule: dict[str, Any], m: MatchInput, *, policy_namespace: str = "") -> bool:
    """MatchesResourceDescription for one rule; True when the rule applies to the resource."""
    if policy_namespace and policy_namespace != (m.resource.get("metadata") or {}).get("namespace"):
        return False
    match = rule.get("match") or {}
    ignore_user = m.admission.empty
    if match.get("any"):
        if not any(_filter_selects(f, m, ignore_user=ignore_user) for f in match["any"]):
            return False
    elif match.get("all"):
        if not all(_filter_selects(f, m, ignore_user=ignore_user) for f in match["all"]):
            return False
    elif not _filter_selects(_flat_filter(match), m, ignore_user=ignore_user):
        return False
    return not excluded(rule.get("exclude") or {}, m)


def excluded(exclude: dict[str, Any], m: MatchInput) -> bool:
    if not exclude:
        return False
    if exclude.get("any"):
        return any(_filter_selects(f, m, ignore_user=False) for f in exclude["any"])
    if exclude.get("all"):
        return all(_filter_selects(f, m, ignore_user=False) for f in exclude["all"])
    return bool(_filter_selects(_flat_filter(exclude), m, ignore_user=False))


def match_block_selects(block: dict[str, Any], m: MatchInput) -> bool:
    """CheckMatchesResources (exceptions): any/all filters, user info always considered."""
    if block.get("any"):
        return any(_filter_selects(f, m, ignore_user=False) for f in block["any"])
    if block.get("all"):
        return all(_filter_selects(f, m, ignore_user=False) for f in block["all"])
    return True


def _filter_kinds(f: dict[str, Any]) -> frozenset[str] | None:
    kinds = (f.get("resources") or {}).get("kinds")
    if not kinds or not isinstance(kinds, list):
        return None
    out = set()
    for k in kinds:
        kind = parse_kind_selector(str(k))[2]
        if not kind or wildcards.contains_wildcard(kind):
            return None
        out.add(kind)
    return frozenset(out)


def rule_kinds(rule: dict[str, Any]) -> frozenset[str] | None:
    """The bare kinds a rule's `match` can select, or None when it cannot be told without a resource.

    A pre-filter only (the engine's per-kind rule index): a resource whose kind is not in
    the set can never satisfy `rule_matches`, because every `match.any` filter (one of
    them must select) or every `match.all` filter (all must) names kinds without wildcards.
    """
    match = rule.get("match") or {}
    if not isinstance(match, dict):
        return None
    if match.get("any"):
        union: set[str] = set()
        for f in match["any"]:
            kinds = _filter_kinds(f) if isinstance(f, dict) else None
            if kinds is None:
                return None
            union |= kinds
        return frozenset(union)
    if match.get("all"):
        sets = [_filter_kinds(f) if isinstance(f, dict) else None for f in match["all"]]
        known = [s for s in sets if s is not None]
        return frozenset.intersection(*known) if known else None
    return _filter_kinds(match)
