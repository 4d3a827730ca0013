"""Kinds to resources: CEL policies match `resources: ["pods"]`, manifests say `kind: Pod`.

The Kyverno CLI maps a manifest's group/version/kind to its resource with a REST mapper
built from the built-in API discovery (kyverno `cmd/cli/kubectl-kyverno/processor`:
`restMapper.RESTMapping`, then `resolveResource` for kinds it does not know). The table
below holds the irregular built-in plurals; everything else follows the apimachinery
`UnsafeGuessKindToResource` rule (lower-case, then `s`/`es`/`ies`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from argogate.engine.match import CLUSTER_SCOPED_KINDS, split_api_version

_IRREGULAR = {
    "Endpoints": "endpoints",
    "PodSecurityPolicy": "podsecuritypolicies",
    "NetworkPolicy": "networkpolicies",
    "PriorityClass": "priorityclasses",
    "StorageClass": "storageclasses",
    "IngressClass": "ingressclasses",
    "RuntimeClass": "runtimeclasses",
    "DeviceClass": "deviceclasses",
    "VolumeAttributesClass": "volumeattributesclasses",
    "ResourceClaimTemplate": "resourceclaimtemplates",
    "PodDisruptionBudget": "poddisruptionbudgets",
}


class GVR(NamedTuple):
    group: str
    version: str
    resource: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


def resource_for_kind(kind: str) -> str:
    """apimachinery meta.UnsafeGuessKindToResource, with the built-in irregular plurals."""
    if kind in _IRREGULAR:
        return _IRREGULAR[kind]
    lower = kind.lower()
    if not lower:
        return ""
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return lower[:-1] + "ies"
    return lower + "s"


def gvr_of(resource: dict[str, Any]) -> GVR:
    group, version = split_api_version(str(resource.get("apiVersion") or ""))
    return GVR(group, version, resource_for_kind(str(resource.get("kind") or "")))


def is_cluster_scoped(kind: str) -> bool:
    return kind in CLUSTER_SCOPED_KINDS
