"""Baseline-level Pod Security Standards checks, one function per check version.

Each function mirrors a `check_*.go` of kyverno/pod-security-admission (the fork
Kyverno vendors, evaluated with field errors on): same forbidden reason, same
forbidden detail, same field errors in the same order. Inputs are the pod's
metadata and spec as decoded JSON; a missing or null key is Go's nil pointer.
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
    go_quote,
    is_true,
    join_quote,
    pluralize,
    security_context,
    visit_containers,
)

Meta = dict[str, Any]
Spec = dict[str, Any]

_APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
_SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"

CAPABILITIES_ALLOWED_1_0 = frozenset(
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    }
)  # fmt: skip

SYSCTLS_1_0 = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    }
)
SYSCTLS_1_27 = SYSCTLS_1_0 | {"net.ipv4.ip_local_reserved_ports"}
SYSCTLS_1_29 = SYSCTLS_1_27 | {
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SYSCTLS_1_32 = SYSCTLS_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}

SELINUX_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SELINUX_TYPES_1_31 = SELINUX_TYPES_1_0 | {"container_engine_t"}


def _containers_phrase(names: list[str]) -> str:
    return f"{pluralize('container', 'containers', len(names))} {join_quote(names)}"


def app_armor_profile_1_0(meta: Meta, spec: Spec) -> Denial | None:
    allowed_types = ("RuntimeDefault", "Localhost")
    bad_setters = Violations()
    bad_values: set[str] = set()
    pod_profile = as_dict(spec.get("securityContext")).get("appArmorProfile")
    if isinstance(pod_profile, dict) and pod_profile.get("type") not in allowed_types:
        value = as_str(pod_profile.get("type"))
        bad_setters.add("pod", forbidden("spec.securityContext.appArmorProfile.type", value))
        bad_values.add(value)
    bad_containers: list[str] = []
    errs: list[FieldError] = []
    for container, path in visit_containers(spec):
        profile = as_dict(security_context(container)).get("appArmorProfile")
        if isinstance(profile, dict) and profile.get("type") not in allowed_types:
            value = as_str(profile.get("type"))
            bad_containers.append(container_name(container))
            errs.append(forbidden(f"{path}.securityContext.appArmorProfile.type", value))
            bad_values.add(value)
    if bad_containers:
        bad_setters.add(_containers_phrase(bad_containers), *errs)
    annotations = Violations()
    # Go ranges over the annotation map in random order; key order keeps the errors stable.
    for key, value in sorted(as_dict(meta.get("annotations")).items()):
        text = as_str(value)
        if key.startswith(_APPARMOR_ANNOTATION_PREFIX) and not (
            text == "" or text == "runtime/default" or text.startswith("localhost/")
        ):
            annotations.add(f"{key}={go_quote(text)}", forbidden(f"metadata.annotations[{key}]", text))
    bad_value_list = sorted(bad_values)
    if annotations:
        bad_value_list += sorted(annotations.data)
        bad_setters.add(pluralize("annotation", "annotations", len(annotations)), *annotations.errs)
    if not bad_setters:
        return None
    return Denial(
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", len(bad_value_list)),
        f"{' and '.join(bad_setters.data)} must not set AppArmor profile type to {join_quote(bad_value_list)}",
        tuple(bad_setters.errs),
    )


def capabilities_baseline_1_0(meta: Meta, spec: Spec) -> Denial | None:
    bad = Violations()
    non_default: set[str] = set()
    for container, path in visit_containers(spec):
        caps = as_dict(security_context(container)).get("capabilities")
        if not isinstance(caps, dict):
            continue
        added = {as_str(c) for c in as_list(caps.get("add"))} - CAPABILITIES_ALLOWED_1_0
        if added:
            non_default |= added
            value = tuple(sorted(added))
            bad.add(container_name(container), forbidden(f"{path}.securityContext.capabilities.add", value))
    if not bad:
        return None
    return Denial(
        "non-default capabilities",
        f"{_containers_phrase(bad.data)} must not include {join_quote(sorted(non_default))} "
        "in securityContext.capabilities.add",
        tuple(bad.errs),
    )


def host_namespaces_1_0(meta: Meta, spec: Spec) -> Denial | None:
    found = Violations()
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if is_true(spec.get(key)):
            found.add(f"{key}=true", forbidden(f"spec.{key}", True))
    if not found:
        return None
    return Denial("host namespaces", ", ".join(found.data), tuple(found.errs))


def host_path_volumes_1_0(meta: Meta, spec: Spec) -> Denial | None:
    volumes = Violations()
    for i, volume in enumerate(as_list(spec.get("volumes"))):
        host_path = as_dict(volume).get("hostPath")
        if isinstance(host_path, dict):
            # The fork reports the hostPath's path as the bad value.
            volumes.add(
                as_str(as_dict(volume).get("name")),
                forbidden(f"spec.volumes[{i}].hostPath", as_str(host_path.get("path"))),
            )
    if not volumes:
        return None
    detail = f"{pluralize('volume', 'volumes', len(volumes))} {join_quote(volumes.data)}"
    return Denial("hostPath volumes", detail, tuple(volumes.errs))


def host_ports_1_0(meta: Meta, spec: Spec) -> Denial | None:
    bad = Violations()
    ports: set[str] = set()
    for container, path in visit_containers(spec):
        errs: list[FieldError] = []
        for i, port in enumerate(as_list(container.get("ports"))):
            host_port = as_dict(port).get("hostPort")
            if isinstance(host_port, int) and not isinstance(host_port, bool) and host_port != 0:
                ports.add(str(host_port))
                errs.append(forbidden(f"{path}.ports[{i}].hostPort", host_port))
        if errs:
            bad.add(container_name(container), *errs)
    if not bad:
        return None
    detail = (
        f"{_containers_phrase(bad.data)} {pluralize('uses', 'use', len(bad))} "
        f"{pluralize('hostPort', 'hostPorts', len(ports))} {', '.join(sorted(ports))}"
    )
    return Denial("hostPort", detail, tuple(bad.errs))


def _handler_hosts(handler: Any, path: str) -> list[tuple[str, str]]:
    found = []
    for action in ("httpGet", "tcpSocket"):
        host = as_str(as_dict(as_dict(handler).get(action)).get("host"))
        if host:
            found.append((host, f"{path}.{action}.host"))
    return found


def host_probes_and_lifecycle_1_34(meta: Meta, spec: Spec) -> Denial | None:
    bad_containers: set[str] = set()
    hosts: set[str] = set()
    errs: list[FieldError] = []
    for container, path in visit_containers(spec):
        lifecycle = as_dict(container.get("lifecycle"))
        handlers = [
            (container.get(p), f"{path}.{p}") for p in ("livenessProbe", "readinessProbe", "startupProbe")
        ]
        handlers += [(lifecycle.get(h), f"{path}.lifecycle.{h}") for h in ("postStart", "preStop")]
        for handler, handler_path in handlers:
            for host, field in _handler_hosts(handler, handler_path):
                bad_containers.add(container_name(container))
                hosts.add(host)
                # The fork returns no ErrList here (Kyverno would dereference nil); we
                # report the paths its restricted-field mapping (pss/utils/mapping.go) names.
                errs.append(forbidden(field, host))
    if not bad_containers:
        return None
    names = sorted(bad_containers)
    detail = (
        f"{_containers_phrase(names)} {pluralize('uses', 'use', len(names))} "
        f"{pluralize('probe or lifecycle host', 'probe or lifecycle hosts', len(hosts))} "
        f"{join_quote(sorted(hosts))}"
    )
    return Denial("probe or lifecycle host", detail, tuple(errs))


def privileged_1_0(meta: Meta, spec: Spec) -> Denial | None:
    bad = Violations()
    for container, path in visit_containers(spec):
        if is_true(as_dict(security_context(container)).get("privileged")):
            bad.add(container_name(container), forbidden(f"{path}.securityContext.privileged", True))
    if not bad:
        return None
    detail = f"{_containers_phrase(bad.data)} must not set securityContext.privileged=true"
    return Denial("privileged", detail, tuple(bad.errs))


def proc_mount_1_0(meta: Meta, spec: Spec) -> Denial | None:
    bad = Violations()
    types: set[str] = set()
    for container, path in visit_containers(spec):
        proc_mount = as_dict(security_context(container)).get("procMount")
        if proc_mount is not None and proc_mount != "Default":
            value = as_str(proc_mount)
            bad.add(container_name(container), forbidden(f"{path}.securityContext.procMount", value))
            types.add(value)
    if not bad:
        return None
    detail = f"{_containers_phrase(bad.data)} must not set securityContext.procMount to {join_quote(sorted(types))}"
    return Denial("procMount", detail, tuple(bad.errs))


def _se_linux(spec: Spec, allowed: frozenset[str]) -> Denial | None:
    bad_setters = Violations()
    bad_types: set[str] = set()
    set_user = set_role = False

    def check(options: dict[str, Any], prefix: str, errs: list[FieldError]) -> bool:
        nonlocal set_user, set_role
        valid = True
        selinux_type = as_str(options.get("type"))
        if selinux_type not in allowed:
            valid = False
            bad_types.add(selinux_type)
            errs.append(forbidden(f"{prefix}.seLinuxOptions.type", selinux_type))
        for key in ("user", "role"):
            value = as_str(options.get(key))
            if value:
                valid = False
                set_user, set_role = set_user or key == "user", set_role or key == "role"
                errs.append(forbidden(f"{prefix}.seLinuxOptions.{key}", value))
        return valid

    pod_options = as_dict(spec.get("securityContext")).get("seLinuxOptions")
    pod_errs: list[FieldError] = []
    if isinstance(pod_options, dict) and not check(pod_options, "spec.securityContext", pod_errs):
        bad_setters.add("pod", *pod_errs)
    container_errs: list[FieldError] = []
    bad_containers = []
    for container, path in visit_containers(spec):
        options = as_dict(security_context(container)).get("seLinuxOptions")
        if isinstance(options, dict) and not check(options, f"{path}.securityContext", container_errs):
            bad_containers.append(container_name(container))
    if bad_containers:
        bad_setters.add(_containers_phrase(bad_containers), *container_errs)
    if not bad_setters:
        return None
    bad_data = []
    if bad_types:
        bad_data.append(f"{pluralize('type', 'types', len(bad_types))} {join_quote(sorted(bad_types))}")
    if set_user:
        bad_data.append("user may not be set")
    if set_role:
        bad_data.append("role may not be set")
    detail = f"{' and '.join(bad_setters.data)} set forbidden securityContext.seLinuxOptions: {'; '.join(bad_data)}"
    return Denial("seLinuxOptions", detail, tuple(bad_setters.errs))


def se_linux_options_1_0(meta: Meta, spec: Spec) -> Denial | None:
    return _se_linux(spec, SELINUX_TYPES_1_0)


def se_linux_options_1_31(meta: Meta, spec: Spec) -> Denial | None:
    return _se_linux(spec, SELINUX_TYPES_1_31)


def _valid_seccomp_annotation(value: str) -> bool:
    return value in ("runtime/default", "docker/default") or value.startswith("localhost/")


def seccomp_profile_baseline_1_0(meta: Meta, spec: Spec) -> Denial | None:
    annotations = as_dict(meta.get("annotations"))
    found: dict[str, list[FieldError]] = {}
    keys = [_SECCOMP_POD_ANNOTATION]
    keys += [_SECCOMP_CONTAINER_PREFIX + container_name(c) for c, _ in visit_containers(spec)]
    for key in keys:
        if key in annotations and not _valid_seccomp_annotation(as_str(annotations[key])):
            value = as_str(annotations[key])
            found.setdefault(f"{key}={go_quote(value)}", []).append(
                forbidden(f"metadata.annotations[{key}]", value)
            )
    if not found:
        return None
    # Go collects these in a map (random order); sorted keys keep the errors stable.
    data = sorted(found)
    errs = tuple(err for key in data for err in found[key])
    detail = f"forbidden {pluralize('annotation', 'annotations', len(data))} {', '.join(data)}"
    return Denial("seccompProfile", detail, errs)


def seccomp_profile_baseline_1_19(meta: Meta, spec: Spec) -> Denial | None:
    valid = ("RuntimeDefault", "Localhost")
    bad_setters = Violations()
    bad_values: set[str] = set()
    pod_profile = as_dict(spec.get("securityContext")).get("seccompProfile")
    if isinstance(pod_profile, dict) and pod_profile.get("type") not in valid:
        value = as_str(pod_profile.get("type"))
        bad_setters.add("pod", forbidden("spec.securityContext.seccompProfile.type", value))
        bad_values.add(value)
    bad_containers: list[str] = []
    errs: list[FieldError] = []
    for container, path in visit_containers(spec):
        profile = as_dict(security_context(container)).get("seccompProfile")
        if isinstance(profile, dict) and profile.get("type") not in valid:
            value = as_str(profile.get("type"))
            bad_containers.append(container_name(container))
            errs.append(forbidden(f"{path}.securityContext.seccompProfile.type", value))
            bad_values.add(value)
    if bad_containers:
        bad_setters.add(_containers_phrase(bad_containers), *errs)
    if not bad_setters:
        return None
    detail = (
        f"{' and '.join(bad_setters.data)} must not set securityContext.seccompProfile.type to "
        f"{join_quote(sorted(bad_values))}"
    )
    return Denial("seccompProfile", detail, tuple(bad_setters.errs))


def _sysctls(spec: Spec, allowed: frozenset[str]) -> Denial | None:
    bad = Violations()
    for i, sysctl in enumerate(as_list(as_dict(spec.get("securityContext")).get("sysctls"))):
        name = as_str(as_dict(sysctl).get("name"))
        if name not in allowed:
            bad.add(name, forbidden(f"spec.securityContext.sysctls[{i}].name", name))
    if not bad:
        return None
    return Denial("forbidden sysctls", ", ".join(bad.data), tuple(bad.errs))


def sysctls_1_0(meta: Meta, spec: Spec) -> Denial | None:
    return _sysctls(spec, SYSCTLS_1_0)


def sysctls_1_27(meta: Meta, spec: Spec) -> Denial | None:
    return _sysctls(spec, SYSCTLS_1_27)


def sysctls_1_29(meta: Meta, spec: Spec) -> Denial | None:
    return _sysctls(spec, SYSCTLS_1_29)


def sysctls_1_32(meta: Meta, spec: Spec) -> Denial | None:
    return _sysctls(spec, SYSCTLS_1_32)


def windows_host_process_1_0(meta: Meta, spec: Spec) -> Denial | None:
    bad_containers: list[str] = []
    errs: list[FieldError] = []
    for container, path in visit_containers(spec):
        options = as_dict(as_dict(security_context(container)).get("windowsOptions"))
        if is_true(options.get("hostProcess")):
            bad_containers.append(container_name(container))
            errs.append(forbidden(f"{path}.securityContext.windowsOptions.hostProcess", True))
    setters = Violations()
    pod_options = as_dict(as_dict(spec.get("securityContext")).get("windowsOptions"))
    if is_true(pod_options.get("hostProcess")):
        setters.add("pod", forbidden("spec.securityContext.windowsOptions.hostProcess", True))
    if bad_containers:
        setters.add(_containers_phrase(bad_containers), *errs)
    if not setters:
        return None
    detail = f"{' and '.join(setters.data)} must not set securityContext.windowsOptions.hostProcess=true"
    return Denial("hostProcess", detail, tuple(setters.errs))
