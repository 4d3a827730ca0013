"""What a rule's match/exclude filters are tested against, and the tests on single attributes.

`MatchInput` is one resource as kyverno's `MatchesResourceDescription` sees it (kind
split into group/version/kind, operation, namespace labels, who asks); the kind
selectors and label selectors are kyverno `pkg/utils/kube/kind.go` and
`pkg/utils/match/` (kinds with subresources, wildcard label selectors).
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
        return (
            {"username": self.username, "groups": list(self.groups)} if self.username or self.groups else {}
        )


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
        if (
            wildcards.match(group, m.group)
            and wildcards.match(version, m.version)
            and wildcards.match(kind, m.kind)
        ):
            if not sub or wildcards.match(sub, m.subresource):
                return True
            if (
                allow_ephemeral
                and m.kind == "Pod"
                and m.version == "v1"
                and m.subresource == "ephemeralcontainers"
            ):
                return True
    return False


def check_selector(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A metav1.LabelSelector with Kyverno's wildcard support in matchLabels."""
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        key, value = str(key), str(value)
        if wildcards.contains_wildcard(key) or wildcards.contains_wildcard(value):
            if not any(
                wildcards.match(key, lk) and wildcards.match(value, str(lv)) for lk, lv in labels.items()
            ):
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


def check_annotations(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    actual = actual or {}
    for k, v in expected.items():
        if not any(
            wildcards.match(str(k), str(ak)) and wildcards.match(str(v), str(av)) for ak, av in actual.items()
        ):
            return False
    return True


def check_subjects(subjects: list[dict[str, Any]], info: AdmissionInfo) -> bool:
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
