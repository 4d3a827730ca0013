"""Each PSS check: a passing and a failing pod, with Kyverno's exact reason, detail and field errors.

Expected texts follow the check_*.go sources and tests of kyverno/pod-security-admission
(and upstream k8s.io/pod-security-admission for the reason/detail strings).
"""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.podsecurity import baseline as b
from argogate.engine.podsecurity import restricted as r
from argogate.engine.podsecurity.checks import CHECKS, CHECKS_BY_ID, CheckFn
from argogate.engine.podsecurity.evaluate import format_checks
from argogate.engine.podsecurity.results import CheckFailure, Denial


def c(name: str = "a", **sc: Any) -> dict[str, Any]:
    return {"name": name, "image": "nginx", "securityContext": sc} if sc else {"name": name, "image": "nginx"}


def rendered(denial: Denial) -> str:
    return format_checks((CheckFailure("x", denial.reason, denial.detail, denial.errors),))


# (id, fn, passing (meta, spec), failing (meta, spec), reason, detail, rendered field errors)
CASES: list[tuple[str, CheckFn, tuple[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], dict[str, Any]], str, str, str]] = [
    (
        "allowPrivilegeEscalation",
        r.allow_privilege_escalation_1_8,
        ({}, {"containers": [c(allowPrivilegeEscalation=False)]}),
        ({}, {"containers": [c("a"), c("b", runAsUser=1), c("c", allowPrivilegeEscalation=True), c("d", allowPrivilegeEscalation=False)]}),
        "allowPrivilegeEscalation != false",
        'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
        "spec.containers[0].securityContext.allowPrivilegeEscalation: Required value, "
        "spec.containers[1].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: nil, "
        "spec.containers[2].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: true",
    ),
    (
        "appArmorProfile",
        b.app_armor_profile_1_0,
        (
            {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "runtime/default", "x": "y"}},
            {"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}, "containers": [c(appArmorProfile={"type": "Localhost"})]},
        ),
        (
            {"annotations": {"container.apparmor.security.beta.kubernetes.io/e": "unconfined", "container.apparmor.security.beta.kubernetes.io/d": "localhost/foo"}},
            {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}, "containers": [c("foo", appArmorProfile={"type": "Unconfined"})]},
        ),
        "forbidden AppArmor profiles",
        'pod and container "foo" and annotation must not set AppArmor profile type to '
        '"Unconfined", "container.apparmor.security.beta.kubernetes.io/e="unconfined""',
        "spec.securityContext.appArmorProfile.type is forbidden, forbidden values found: Unconfined, "
        "spec.containers[0].securityContext.appArmorProfile.type is forbidden, forbidden values found: Unconfined, "
        "metadata.annotations[container.apparmor.security.beta.kubernetes.io/e] is forbidden, forbidden values found: unconfined",
    ),
    (
        "capabilities_baseline",
        b.capabilities_baseline_1_0,
        ({}, {"containers": [c(capabilities={"add": ["KILL", "NET_BIND_SERVICE"]})]}),
        ({}, {"containers": [c("a", capabilities={"add": ["SYS_ADMIN", "NET_RAW", "KILL"]}), c("b", capabilities={"add": ["NET_RAW"]})]}),
        "non-default capabilities",
        'containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
        "spec.containers[0].securityContext.capabilities.add is forbidden, forbidden values found: [NET_RAW SYS_ADMIN], "
        "spec.containers[1].securityContext.capabilities.add is forbidden, forbidden values found: [NET_RAW]",
    ),
    (
        "capabilities_restricted",
        r.capabilities_restricted_1_22,
        ({}, {"containers": [c(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})]}),
        ({}, {"containers": [c("a"), c("b", capabilities={"drop": ["NET_RAW"], "add": ["CHOWN"]}), c("c", capabilities={})]}),
        "unrestricted capabilities",
        'containers "a", "b", "c" must set securityContext.capabilities.drop=["ALL"]; '
        'container "b" must not include "CHOWN" in securityContext.capabilities.add',
        "spec.containers[0].securityContext.capabilities.drop: Required value, "
        "spec.containers[1].securityContext.capabilities.drop is forbidden, forbidden values found: [NET_RAW], "
        "spec.containers[2].securityContext.capabilities.drop: Required value, "
        "spec.containers[1].securityContext.capabilities.add is forbidden, forbidden values found: [CHOWN]",
    ),
    (
        "hostNamespaces",
        b.host_namespaces_1_0,
        ({}, {"hostNetwork": False, "containers": [c()]}),
        ({}, {"hostNetwork": True, "hostPID": True, "hostIPC": True}),
        "host namespaces",
        "hostNetwork=true, hostPID=true, hostIPC=true",
        "spec.hostNetwork is forbidden, forbidden values found: true, spec.hostPID is forbidden, forbidden values found: true, "
        "spec.hostIPC is forbidden, forbidden values found: true",
    ),
    (
        "hostPathVolumes",
        b.host_path_volumes_1_0,
        ({}, {"volumes": [{"name": "a", "emptyDir": {}}]}),
        ({}, {"volumes": [{"name": "a", "emptyDir": {}}, {"name": "b", "hostPath": {"path": "/run/xtables.lock"}}, {"name": "c", "hostPath": {}}]}),
        "hostPath volumes",
        'volumes "b", "c"',
        "spec.volumes[1].hostPath is forbidden, forbidden values found: /run/xtables.lock, spec.volumes[2].hostPath: Forbidden",
    ),
    (
        "hostPorts",
        b.host_ports_1_0,
        ({}, {"containers": [{"name": "a", "ports": [{"containerPort": 80}, {"hostPort": 0}]}]}),
        ({}, {"containers": [{"name": "a", "ports": [{"hostPort": 9090}, {"hostPort": 10}]}, {"name": "b", "ports": [{"hostPort": 10}]}]}),
        "hostPort",
        'containers "a", "b" use hostPorts 10, 9090',
        "spec.containers[0].ports[0].hostPort is forbidden, forbidden values found: 9090, "
        "spec.containers[0].ports[1].hostPort is forbidden, forbidden values found: 10, "
        "spec.containers[1].ports[0].hostPort is forbidden, forbidden values found: 10",
    ),
    (
        "hostProbesAndHostLifecycle",
        b.host_probes_and_lifecycle_1_34,
        ({}, {"containers": [{"name": "a", "livenessProbe": {"httpGet": {"port": 80}}, "lifecycle": {"postStart": {"httpGet": {"host": ""}}}}]}),
        (
            {},
            {
                "containers": [
                    {"name": "valid"},
                    {"name": "invalid1", "livenessProbe": {"httpGet": {"host": "a.com"}}},
                    {"name": "invalid2", "lifecycle": {"preStop": {"tcpSocket": {"host": "b.com"}}}, "startupProbe": {"httpGet": {"host": "a.com"}}},
                ]
            },
        ),
        "probe or lifecycle host",
        'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"',
        "spec.containers[1].livenessProbe.httpGet.host is forbidden, forbidden values found: a.com, "
        "spec.containers[2].startupProbe.httpGet.host is forbidden, forbidden values found: a.com, "
        "spec.containers[2].lifecycle.preStop.tcpSocket.host is forbidden, forbidden values found: b.com",
    ),
    (
        "privileged",
        b.privileged_1_0,
        ({}, {"containers": [c(privileged=False)]}),
        ({}, {"initContainers": [c("i", privileged=True)], "containers": [c("a", privileged=True)]}),
        "privileged",
        'containers "i", "a" must not set securityContext.privileged=true',
        "spec.initContainers[0].securityContext.privileged is forbidden, forbidden values found: true, "
        "spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true",
    ),
    (
        "procMount",
        b.proc_mount_1_0,
        ({}, {"containers": [c(procMount="Default")]}),
        ({}, {"containers": [c("a", procMount="Unmasked"), c("b", procMount="other")]}),
        "procMount",
        'containers "a", "b" must not set securityContext.procMount to "Unmasked", "other"',
        "spec.containers[0].securityContext.procMount is forbidden, forbidden values found: Unmasked, "
        "spec.containers[1].securityContext.procMount is forbidden, forbidden values found: other",
    ),
    (
        "restrictedVolumes",
        r.restricted_volumes_1_0,
        ({}, {"volumes": [{"name": "a", "configMap": {}}, {"name": "b", "image": {"reference": "x"}}]}),
        ({}, {"volumes": [{"name": "a", "secret": {}}, {"name": "b", "hostPath": {"path": "/"}}, {"name": "c", "nfs": {}}, {"name": "d"}]}),
        "restricted volume types",
        'volumes "b", "c", "d" use restricted volume types "hostPath", "nfs", "unknown"',
        "spec.volumes[1].hostPath: Forbidden, spec.volumes[2].nfs: Forbidden, spec.volumes[3].unknown: Forbidden",
    ),
    (
        "runAsNonRoot",
        r.run_as_non_root_1_0,
        ({}, {"securityContext": {"runAsNonRoot": True}, "containers": [c()]}),
        ({}, {"securityContext": {"runAsNonRoot": False}, "containers": [c("a", runAsNonRoot=False), c("b")]}),
        "runAsNonRoot != true",
        'pod and container "a" must not set securityContext.runAsNonRoot=false\n'
        'pod or container "b" must set securityContext.runAsNonRoot=true',
        "spec.securityContext.runAsNonRoot is forbidden, forbidden values found: false, "
        "spec.containers[0].securityContext.runAsNonRoot is forbidden, forbidden values found: false, "
        "spec.containers[1].securityContext.runAsNonRoot: Required value",
    ),
    (
        "runAsUser",
        r.run_as_user_1_23,
        ({}, {"securityContext": {"runAsUser": 1000}, "containers": [c(runAsUser=1)]}),
        ({}, {"securityContext": {"runAsUser": 0}, "containers": [c("a", runAsUser=0), c("b", runAsUser=5)]}),
        "runAsUser=0",
        'pod and container "a" must not set runAsUser=0',
        "spec.securityContext.runAsUser is forbidden, forbidden values found: 0, "
        "spec.containers[0].securityContext.runAsUser is forbidden, forbidden values found: 0",
    ),
    (
        "seLinuxOptions",
        b.se_linux_options_1_31,
        ({}, {"securityContext": {"seLinuxOptions": {"type": "container_engine_t", "level": "s0"}}}),
        ({}, {"securityContext": {"seLinuxOptions": {"type": "bar", "role": "r"}}, "containers": [c("a", seLinuxOptions={"user": "u"})]}),
        "seLinuxOptions",
        'pod and container "a" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set',
        "spec.securityContext.seLinuxOptions.type is forbidden, forbidden values found: bar, "
        "spec.securityContext.seLinuxOptions.role is forbidden, forbidden values found: r, "
        "spec.containers[0].securityContext.seLinuxOptions.user is forbidden, forbidden values found: u",
    ),
    (
        "seccompProfile_baseline",
        b.seccomp_profile_baseline_1_19,
        ({}, {"containers": [c(seccompProfile={"type": "Localhost"})]}),
        ({}, {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [c("a", seccompProfile={"type": "Unconfined"})]}),
        "seccompProfile",
        'pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined"',
        "spec.securityContext.seccompProfile.type is forbidden, forbidden values found: Unconfined, "
        "spec.containers[0].securityContext.seccompProfile.type is forbidden, forbidden values found: Unconfined",
    ),
    (
        "seccompProfile_baseline 1.0 annotations",
        b.seccomp_profile_baseline_1_0,
        ({"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}}, {"containers": [c()]}),
        (
            {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined", "container.seccomp.security.alpha.kubernetes.io/a": "bad"}},
            {"containers": [c("a")]},
        ),
        "seccompProfile",
        'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="bad", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
        "metadata.annotations[container.seccomp.security.alpha.kubernetes.io/a] is forbidden, forbidden values found: bad, "
        "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod] is forbidden, forbidden values found: unconfined",
    ),
    (
        "seccompProfile_restricted",
        r.seccomp_profile_restricted_1_19,
        ({}, {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [c()]}),
        ({}, {"containers": [c("a"), c("b", seccompProfile={"type": "Localhost"})]}),
        "seccompProfile",
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        "spec.containers[0].securityContext.seccompProfile.type: Required value",
    ),
    (
        "sysctls",
        b.sysctls_1_32,
        ({}, {"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_rmem", "value": "1"}]}}),
        ({}, {"securityContext": {"sysctls": [{"name": "kernel.shm_rmid_forced"}, {"name": "a.b"}, {"name": "c.d"}]}}),
        "forbidden sysctls",
        "a.b, c.d",
        "spec.securityContext.sysctls[1].name is forbidden, forbidden values found: a.b, "
        "spec.securityContext.sysctls[2].name is forbidden, forbidden values found: c.d",
    ),
    (
        "windowsHostProcess",
        b.windows_host_process_1_0,
        ({}, {"securityContext": {"windowsOptions": {"hostProcess": False}}, "containers": [c()]}),
        ({}, {"securityContext": {"windowsOptions": {"hostProcess": True}}, "containers": [c("a", windowsOptions={"hostProcess": True})]}),
        "hostProcess",
        'pod and container "a" must not set securityContext.windowsOptions.hostProcess=true',
        "spec.securityContext.windowsOptions.hostProcess is forbidden, forbidden values found: true, "
        "spec.containers[0].securityContext.windowsOptions.hostProcess is forbidden, forbidden values found: true",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "fn", "good", "bad", "reason", "detail", "errors"), CASES, ids=[x[0] for x in CASES]
)
def test_check(
    name: str,
    fn: CheckFn,
    good: tuple[dict[str, Any], dict[str, Any]],
    bad: tuple[dict[str, Any], dict[str, Any]],
    reason: str,
    detail: str,
    errors: str,
) -> None:
    assert fn(*good) is None
    denial = fn(*bad)
    assert denial is not None
    assert denial.reason == reason
    assert denial.detail == detail
    assert rendered(denial) == f"(Forbidden reason: {reason}, field error list: [{errors}])"


def test_every_registered_check_is_covered() -> None:
    covered = {name.split(" ")[0] for name, *_ in CASES}
    assert covered == set(CHECKS_BY_ID)


def test_registry_order_is_go_file_order() -> None:
    assert [check.id for check in CHECKS] == [
        "allowPrivilegeEscalation", "appArmorProfile", "capabilities_baseline", "capabilities_restricted",
        "hostNamespaces", "hostPathVolumes", "hostPorts", "hostProbesAndHostLifecycle", "privileged",
        "procMount", "restrictedVolumes", "runAsNonRoot", "runAsUser", "seLinuxOptions",
        "seccompProfile_baseline", "seccompProfile_restricted", "sysctls", "windowsHostProcess",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("check_id", "minimums"),
    [
        ("allowPrivilegeEscalation", [(1, 8), (1, 25)]),
        ("capabilities_restricted", [(1, 22), (1, 25)]),
        ("hostProbesAndHostLifecycle", [(1, 34)]),
        ("runAsUser", [(1, 23)]),
        ("seLinuxOptions", [(1, 0), (1, 31)]),
        ("seccompProfile_baseline", [(1, 0), (1, 19)]),
        ("seccompProfile_restricted", [(1, 19), (1, 25)]),
        ("sysctls", [(1, 0), (1, 27), (1, 29), (1, 32)]),
    ],
)
def test_minimum_versions(check_id: str, minimums: list[tuple[int, int]]) -> None:
    assert [v.minimum_version for v in CHECKS_BY_ID[check_id].versions] == minimums


@pytest.mark.parametrize(
    "fn",
    [r.allow_privilege_escalation_1_25, r.capabilities_restricted_1_25, r.seccomp_profile_restricted_1_25],
)
def test_windows_pods_are_exempt_from_1_25(fn: CheckFn) -> None:
    spec = {"os": {"name": "windows"}, "containers": [c()]}
    assert fn({}, spec) is None
    assert fn({}, {**spec, "os": {"name": "linux"}}) is not None


@pytest.mark.parametrize(
    ("fn", "name", "allowed"),
    [
        (b.sysctls_1_0, "net.ipv4.ip_local_reserved_ports", False),
        (b.sysctls_1_27, "net.ipv4.ip_local_reserved_ports", True),
        (b.sysctls_1_27, "net.ipv4.tcp_keepalive_time", False),
        (b.sysctls_1_29, "net.ipv4.tcp_keepalive_time", True),
        (b.sysctls_1_29, "net.ipv4.tcp_wmem", False),
        (b.sysctls_1_32, "net.ipv4.tcp_wmem", True),
    ],
)
def test_sysctl_sets_grow_by_version(fn: CheckFn, name: str, allowed: bool) -> None:
    assert (fn({}, {"securityContext": {"sysctls": [{"name": name}]}}) is None) is allowed


def test_selinux_container_engine_t_only_from_1_31() -> None:
    spec = {"securityContext": {"seLinuxOptions": {"type": "container_engine_t"}}}
    assert b.se_linux_options_1_31({}, spec) is None
    denial = b.se_linux_options_1_0({}, spec)
    assert denial is not None
    assert denial.detail == 'pod set forbidden securityContext.seLinuxOptions: type "container_engine_t"'


def test_seccomp_restricted_explicit_bad_value_wins_over_implicit() -> None:
    spec = {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [c("a")]}
    denial = r.seccomp_profile_restricted_1_19({}, spec)
    assert denial is not None
    assert denial.detail == 'pod must not set securityContext.seccompProfile.type to "Unconfined"'
    assert rendered(denial).endswith(
        "[spec.securityContext.seccompProfile.type is forbidden, forbidden values found: Unconfined])"
    )
