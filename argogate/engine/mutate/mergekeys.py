"""Which lists a strategic merge patch merges by key, and by which key.

Kyverno hands patchStrategicMerge to kustomize's kyaml `merge2`, which looks up
the resource's apiVersion/kind in kyaml's embedded Kubernetes OpenAPI document
and merges a list only when the field carries `x-kubernetes-patch-strategy:
merge` (keys from `x-kubernetes-list-map-keys`, else `x-kubernetes-patch-merge-key`).
Every other list, and every list of a kind the schema does not know (CRDs), is
replaced wholesale: kyverno never turns on kyaml's key inference.

We do not ship the whole OpenAPI document; this table holds the merge-strategy
fields of the built-in types that mutate policies actually touch. A field absent
here is treated as "no strategy" (replace), which is also what kyaml does for
any field it has no schema for.
"""

from __future__ import annotations

from typing import NamedTuple


class ListSpec(NamedTuple):
    """An associative list: its merge keys (empty for a set of scalars) and element type."""

    keys: tuple[str, ...]
    element: str | None


_CONTAINER_LISTS = {
    "ports": ListSpec(("containerPort", "protocol"), None),
    "env": ListSpec(("name",), None),
    "volumeMounts": ListSpec(("mountPath",), None),
    "volumeDevices": ListSpec(("devicePath",), None),
}

# type -> list field -> ListSpec (kyaml openapi, kubernetes 1.2x swagger)
_LISTS: dict[str, dict[str, ListSpec]] = {
    "ObjectMeta": {
        "finalizers": ListSpec((), None),
        "ownerReferences": ListSpec(("uid",), None),
    },
    "PodSpec": {
        "containers": ListSpec(("name",), "Container"),
        "initContainers": ListSpec(("name",), "Container"),
        "ephemeralContainers": ListSpec(("name",), "Container"),
        "volumes": ListSpec(("name",), None),
        "imagePullSecrets": ListSpec(("name",), None),
        "hostAliases": ListSpec(("ip",), None),
        "topologySpreadConstraints": ListSpec(("topologyKey", "whenUnsatisfiable"), None),
        "resourceClaims": ListSpec(("name",), None),
        "schedulingGates": ListSpec(("name",), None),
    },
    "Container": _CONTAINER_LISTS,
    "ServiceSpec": {"ports": ListSpec(("port", "protocol"), None)},
}

# type -> map field -> type
_FIELDS: dict[str, dict[str, str]] = {
    "PodRoot": {"metadata": "ObjectMeta", "spec": "PodSpec"},
    "PodTemplateSpec": {"metadata": "ObjectMeta", "spec": "PodSpec"},
    "WorkloadRoot": {"metadata": "ObjectMeta", "spec": "WorkloadSpec"},
    "WorkloadSpec": {"template": "PodTemplateSpec"},
    "CronJobRoot": {"metadata": "ObjectMeta", "spec": "CronJobSpec"},
    "CronJobSpec": {"jobTemplate": "JobTemplateSpec"},
    "JobTemplateSpec": {"metadata": "ObjectMeta", "spec": "WorkloadSpec"},
    "PodTemplateRoot": {"metadata": "ObjectMeta", "template": "PodTemplateSpec"},
    "ServiceRoot": {"metadata": "ObjectMeta", "spec": "ServiceSpec"},
    "MetaRoot": {"metadata": "ObjectMeta"},
}

_ROOTS: dict[tuple[str, str], str] = {
    ("", "Pod"): "PodRoot",
    ("", "PodTemplate"): "PodTemplateRoot",
    ("", "ReplicationController"): "WorkloadRoot",
    ("apps", "Deployment"): "WorkloadRoot",
    ("apps", "StatefulSet"): "WorkloadRoot",
    ("apps", "DaemonSet"): "WorkloadRoot",
    ("apps", "ReplicaSet"): "WorkloadRoot",
    ("extensions", "Deployment"): "WorkloadRoot",
    ("extensions", "DaemonSet"): "WorkloadRoot",
    ("extensions", "ReplicaSet"): "WorkloadRoot",
    ("batch", "Job"): "WorkloadRoot",
    ("batch", "CronJob"): "CronJobRoot",
    ("", "Service"): "ServiceRoot",
}

_META_ONLY_GROUPS = {
    "",
    "apps",
    "batch",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "autoscaling",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "certificates.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "events.k8s.io",
}


def root_type(resource: object) -> str | None:
    """The schema type of a whole manifest, or None when kyaml would have no schema."""
    if not isinstance(resource, dict):
        return None
    api_version, kind = resource.get("apiVersion"), resource.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return None
    group = api_version.rpartition("/")[0]
    found = _ROOTS.get((group, kind))
    if found is not None:
        return found
    return "MetaRoot" if group in _META_ONLY_GROUPS else None


def field_type(type_name: str | None, field: str) -> str | None:
    if type_name is None:
        return None
    return _FIELDS.get(type_name, {}).get(field)


def list_spec(type_name: str | None, field: str) -> ListSpec | None:
    """The merge spec of `type_name.field`, or None for a list that is replaced."""
    if type_name is None:
        return None
    return _LISTS.get(type_name, {}).get(field)


_NO_FIELDS: dict[str, str] = {}
_NO_LISTS: dict[str, ListSpec] = {}


def type_tables(type_name: str | None) -> tuple[dict[str, str], dict[str, ListSpec]]:
    """(field -> type, list field -> ListSpec) of `type_name`: `field_type` and `list_spec`
    for every field of one map at once."""
    if type_name is None:
        return _NO_FIELDS, _NO_LISTS
    return _FIELDS.get(type_name, _NO_FIELDS), _LISTS.get(type_name, _NO_LISTS)
