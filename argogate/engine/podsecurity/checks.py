"""The Pod Security Standards check registry: id, level, and versioned check functions.

The order is `policy.DefaultChecks()`: checks register from `init()` in Go's
file-name (byte) order of `check_*.go`, and Kyverno reports failures in that
order (e.g. seLinuxOptions sorts before seccompProfile_*: 'L' < 'c').

Minimum versions are those of kyverno/pod-security-admission, the fork Kyverno
vendors (go.mod `replace`), at Kubernetes 1.34 (hostProbesAndHostLifecycle).
Controls are Kyverno's names for groups of checks (pkg/pss/utils/mapping.go).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from argogate.engine.podsecurity import baseline as b
from argogate.engine.podsecurity import restricted as r
from argogate.engine.podsecurity.results import Denial

CheckFn = Callable[[dict[str, Any], dict[str, Any]], Denial | None]
Version = tuple[int, int]


@dataclass(frozen=True)
class VersionedCheck:
    minimum_version: Version
    check: CheckFn


@dataclass(frozen=True)
class Check:
    id: str
    level: Literal["baseline", "restricted"]
    versions: tuple[VersionedCheck, ...]


def _check(
    check_id: str, level: Literal["baseline", "restricted"], *versions: tuple[Version, CheckFn]
) -> Check:
    return Check(check_id, level, tuple(VersionedCheck(v, fn) for v, fn in versions))


CHECKS: tuple[Check, ...] = (
    _check(
        "allowPrivilegeEscalation",
        "restricted",
        ((1, 8), r.allow_privilege_escalation_1_8),
        ((1, 25), r.allow_privilege_escalation_1_25),
    ),
    _check("appArmorProfile", "baseline", ((1, 0), b.app_armor_profile_1_0)),
    _check("capabilities_baseline", "baseline", ((1, 0), b.capabilities_baseline_1_0)),
    _check(
        "capabilities_restricted",
        "restricted",
        ((1, 22), r.capabilities_restricted_1_22),
        ((1, 25), r.capabilities_restricted_1_25),
    ),
    _check("hostNamespaces", "baseline", ((1, 0), b.host_namespaces_1_0)),
    _check("hostPathVolumes", "baseline", ((1, 0), b.host_path_volumes_1_0)),
    _check("hostPorts", "baseline", ((1, 0), b.host_ports_1_0)),
    _check("hostProbesAndHostLifecycle", "baseline", ((1, 34), b.host_probes_and_lifecycle_1_34)),
    _check("privileged", "baseline", ((1, 0), b.privileged_1_0)),
    _check("procMount", "baseline", ((1, 0), b.proc_mount_1_0)),
    _check("restrictedVolumes", "restricted", ((1, 0), r.restricted_volumes_1_0)),
    _check("runAsNonRoot", "restricted", ((1, 0), r.run_as_non_root_1_0)),
    _check("runAsUser", "restricted", ((1, 23), r.run_as_user_1_23)),
    _check(
        "seLinuxOptions", "baseline", ((1, 0), b.se_linux_options_1_0), ((1, 31), b.se_linux_options_1_31)
    ),
    _check(
        "seccompProfile_baseline",
        "baseline",
        ((1, 0), b.seccomp_profile_baseline_1_0),
        ((1, 19), b.seccomp_profile_baseline_1_19),
    ),
    _check(
        "seccompProfile_restricted",
        "restricted",
        ((1, 19), r.seccomp_profile_restricted_1_19),
        ((1, 25), r.seccomp_profile_restricted_1_25),
    ),
    _check(
        "sysctls",
        "baseline",
        ((1, 0), b.sysctls_1_0),
        ((1, 27), b.sysctls_1_27),
        ((1, 29), b.sysctls_1_29),
        ((1, 32), b.sysctls_1_32),
    ),
    _check("windowsHostProcess", "baseline", ((1, 0), b.windows_host_process_1_0)),
)

CHECKS_BY_ID = {check.id: check for check in CHECKS}

# pkg/pss/utils/mapping.go PSS_control_name_to_ids.
CONTROL_CHECK_IDS: dict[str, tuple[str, ...]] = {
    "Capabilities": ("capabilities_baseline", "capabilities_restricted"),
    "Seccomp": ("seccompProfile_baseline", "seccompProfile_restricted"),
    "Privileged Containers": ("privileged",),
    "Host Ports": ("hostPorts",),
    "/proc Mount Type": ("procMount",),
    "Host Probes / Lifecycle Hooks": ("hostProbesAndHostLifecycle",),
    "HostProcess": ("windowsHostProcess",),
    "SELinux": ("seLinuxOptions",),
    "Host Namespaces": ("hostNamespaces",),
    "HostPath Volumes": ("hostPathVolumes",),
    "Sysctls": ("sysctls",),
    "AppArmor": ("appArmorProfile",),
    "Privilege Escalation": ("allowPrivilegeEscalation",),
    "Running as Non-root": ("runAsNonRoot",),
    "Running as Non-root user": ("runAsUser",),
    "Volume Types": ("restrictedVolumes",),
}

# pkg/pss/utils/mapping.go: used by policy validation (api/kyverno/v1 ValidatePSaControlNames).
RESTRICTED_CONTROL_NAMES = frozenset(
    {
        "Volume Types",
        "Privilege Escalation",
        "Running as Non-root",
        "Running as Non-root user",
        "Seccomp",
        "Capabilities",
    }
)
POD_LEVEL_CONTROLS = frozenset({"Host Namespaces", "HostPath Volumes", "Sysctls", "Volume Types"})
CONTAINER_LEVEL_CONTROLS = frozenset(
    {
        "Capabilities",
        "Privileged Containers",
        "Host Ports",
        "/proc Mount Type",
        "Privilege Escalation",
        "Host Probes / Lifecycle Hooks",
    }
)
