"""Restricted-level Pod Security Standards checks, one function per check version.

Same contract as `baseline.py`: each function mirrors a `check_*.go` of
kyverno/pod-security-admission evaluated with field errors on.
"""

from __future__ import annotations

from typing import Any

from argogate.engine.podsecurity.results import (
    Denial,
    FieldError,
    Violations,
    as_dict,
    as_list,
    as_str,
    container_name,
    forbidden,
    is_windows,
    join_quote,
    pluralize,
    required,
    security_context,
    visit_containers,
)

Meta = dict[str, Any]
Spec = dict[str, Any]

# check_restrictedVolumes.go: inline volume sources the restricted profile allows.
ALLOWED_VOLUME_SOURCES = (
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
    "persistentVolumeClaim", "projected", "secret",
)  # fmt: skip
# The order of the Go switch decides which type a multi-source volume is reported as.
RESTRICTED_VOLUME_SOURCES = (
    "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi",
    "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
    "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
    "scaleIO", "storageos",
)  # fmt: skip


def _containers_phrase(names: list[str]) -> str:
    return f"{pluralize('container', 'containers', len(names))} {join_quote(names)}"


def allow_privilege_escalation_1_8(meta: Meta, spec: Spec) -> Denial | None:
    bad = Violations()
    for container, path in visit_containers(spec):
        field = f"{path}.securityContext.allowPrivilegeEscalation"
        sc = security_context(container)
        if sc is None:
            bad.add(container_name(container), required(field))
        elif sc.get("allowPrivilegeEscalation") is None:
            # The fork reports an unset value as the string "nil".
            bad.add(container_name(container), forbidden(field, "nil"))
        elif sc.get("allowPrivilegeEscalation") is not False:
            bad.add(container_name(container), forbidden(field, True))
    if not bad:
        return None
    detail = f"{_containers_phrase(bad.data)} must set securityContext.allowPrivilegeEscalation=false"
    return Denial("allowPrivilegeEscalation != false", detail, tuple(bad.errs))


def allow_privilege_escalation_1_25(meta: Meta, spec: Spec) -> Denial | None:
    return None if is_windows(spec) else allow_privilege_escalation_1_8(meta, spec)


def capabilities_restricted_1_22(meta: Meta, spec: Spec) -> Denial | None:
    missing_drop_all = Violations()
    adding_forbidden = Violations()
    forbidden_caps: set[str] = set()
    for container, path in visit_containers(spec):
        name = container_name(container)
        caps = as_dict(security_context(container)).get("capabilities")
        if not isinstance(caps, dict):
            missing_drop_all.add(name, required(f"{path}.securityContext.capabilities.drop"))
            continue
        drop = [as_str(c) for c in as_list(caps.get("drop"))]
        if "ALL" not in drop:
            if drop:
                bad_drop = forbidden(f"{path}.securityContext.capabilities.drop", tuple(sorted(set(drop))))
                missing_drop_all.add(name, bad_drop)
            else:
                missing_drop_all.add(name, required(f"{path}.securityContext.capabilities.drop"))
        added = {as_str(c) for c in as_list(caps.get("add"))} - {"NET_BIND_SERVICE"}
        if added:
            forbidden_caps |= added
            value = tuple(sorted(added))
            adding_forbidden.add(name, forbidden(f"{path}.securityContext.capabilities.add", value))
    details = []
    if missing_drop_all:
        details.append(
            f'{_containers_phrase(missing_drop_all.data)} must set securityContext.capabilities.drop=["ALL"]'
        )
    if adding_forbidden:
        details.append(
            f"{_containers_phrase(adding_forbidden.data)} must not include "
            f"{join_quote(sorted(forbidden_caps))} in securityContext.capabilities.add"
        )
    if not details:
        return None
    errs = tuple(missing_drop_all.errs + adding_forbidden.errs)
    return Denial("unrestricted capabilities", "; ".join(details), errs)


def capabilities_restricted_1_25(meta: Meta, spec: Spec) -> Denial | None:
    return None if is_windows(spec) else capabilities_restricted_1_22(meta, spec)


def restricted_volumes_1_0(meta: Meta, spec: Spec) -> Denial | None:
    bad = Violations()
    types: set[str] = set()
    for i, volume in enumerate(as_list(spec.get("volumes"))):
        volume = as_dict(volume)
        if any(volume.get(key) is not None for key in ALLOWED_VOLUME_SOURCES):
            continue
        kind = next((k for k in RESTRICTED_VOLUME_SOURCES if volume.get(k) is not None), "unknown")
        types.add(kind)
        bad.add(as_str(volume.get("name")), forbidden(f"spec.volumes[{i}].{kind}"))
    if not bad:
        return None
    detail = (
        f"{pluralize('volume', 'volumes', len(bad))} {join_quote(bad.data)} {pluralize('uses', 'use', len(bad))} "
        f"{pluralize('restricted volume type', 'restricted volume types', len(types))} "
        f"{join_quote(sorted(types))}"
    )
    return Denial("restricted volume types", detail, tuple(bad.errs))


def run_as_non_root_1_0(meta: Meta, spec: Spec) -> Denial | None:
    bad_setters = Violations()
    pod_value = as_dict(spec.get("securityContext")).get("runAsNonRoot")
    if pod_value is False:
        bad_setters.add("pod", forbidden("spec.securityContext.runAsNonRoot", False))
    pod_non_root = pod_value is True
    explicit: list[str] = []
    explicit_errs: list[FieldError] = []
    implicit = Violations()
    for container, path in visit_containers(spec):
        value = as_dict(security_context(container)).get("runAsNonRoot")
        if value is not None:
            if value is not True:
                explicit.append(container_name(container))
                explicit_errs.append(forbidden(f"{path}.securityContext.runAsNonRoot", False))
        elif not pod_non_root:
            implicit.add(container_name(container), required(f"{path}.securityContext.runAsNonRoot"))
    if explicit:
        bad_setters.add(_containers_phrase(explicit), *explicit_errs)
    details = []
    if bad_setters:
        details.append(f"{' and '.join(bad_setters.data)} must not set securityContext.runAsNonRoot=false")
    if implicit:
        details.append(
            f"pod or {_containers_phrase(implicit.data)} must set securityContext.runAsNonRoot=true"
        )
    if not details:
        return None
    return Denial("runAsNonRoot != true", "\n".join(details), tuple(bad_setters.errs + implicit.errs))


def _is_zero(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def run_as_user_1_23(meta: Meta, spec: Spec) -> Denial | None:
    bad_setters = Violations()
    if _is_zero(as_dict(spec.get("securityContext")).get("runAsUser")):
        bad_setters.add("pod", forbidden("spec.securityContext.runAsUser", 0))
    explicit: list[str] = []
    errs: list[FieldError] = []
    for container, path in visit_containers(spec):
        if _is_zero(as_dict(security_context(container)).get("runAsUser")):
            explicit.append(container_name(container))
            errs.append(forbidden(f"{path}.securityContext.runAsUser", 0))
    if explicit:
        bad_setters.add(_containers_phrase(explicit), *errs)
    if not bad_setters:
        return None
    detail = f"{' and '.join(bad_setters.data)} must not set runAsUser=0"
    return Denial("runAsUser=0", detail, tuple(bad_setters.errs))


def seccomp_profile_restricted_1_19(meta: Meta, spec: Spec) -> Denial | None:
    valid = ("RuntimeDefault", "Localhost")
    bad_setters = Violations()
    bad_values: set[str] = set()
    pod_seccomp_set = False
    pod_profile = as_dict(spec.get("securityContext")).get("seccompProfile")
    if isinstance(pod_profile, dict):
        if pod_profile.get("type") not in valid:
            value = as_str(pod_profile.get("type"))
            bad_setters.add("pod", forbidden("spec.securityContext.seccompProfile.type", value))
            bad_values.add(value)
        else:
            pod_seccomp_set = True
    explicit: list[str] = []
    explicit_errs: list[FieldError] = []
    implicit = Violations()
    for container, path in visit_containers(spec):
        field = f"{path}.securityContext.seccompProfile.type"
        profile = as_dict(security_context(container)).get("seccompProfile")
        if isinstance(profile, dict):
            if profile.get("type") not in valid:
                value = as_str(profile.get("type"))
                explicit.append(container_name(container))
                explicit_errs.append(forbidden(field, value))
                bad_values.add(value)
        elif not pod_seccomp_set:
            implicit.add(container_name(container), required(field))
    if explicit:
        bad_setters.add(_containers_phrase(explicit), *explicit_errs)
    if bad_setters:
        detail = (
            f"{' and '.join(bad_setters.data)} must not set securityContext.seccompProfile.type to "
            f"{join_quote(sorted(bad_values))}"
        )
        return Denial("seccompProfile", detail, tuple(bad_setters.errs))
    if implicit:
        detail = (
            f"pod or {_containers_phrase(implicit.data)} must set securityContext.seccompProfile.type "
            'to "RuntimeDefault" or "Localhost"'
        )
        return Denial("seccompProfile", detail, tuple(implicit.errs))
    return None


def seccomp_profile_restricted_1_25(meta: Meta, spec: Spec) -> Denial | None:
    return None if is_windows(spec) else seccomp_profile_restricted_1_19(meta, spec)
