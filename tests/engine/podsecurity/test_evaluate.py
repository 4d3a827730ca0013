"""evaluate_pod_security: levels, versions, excludes, controllers and Kyverno's messages.

Cases marked "kyverno" are transcribed from kyverno/kyverno pkg/pss/evaluate_test.go and
pkg/event/events_test.go; the corpus test runs every `podSecurity` policy of the
conformance corpus against its kyverno-test.yaml expectations.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from argogate.engine.podsecurity import evaluate_pod_security, validate_spec
from argogate.yamlio import load_file

CORPUS = Path("/work/shared/conformance/kyverno-policies")


def pod(spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "test", **meta}, "spec": spec}


def ctr(name: str = "nginx", image: str = "nginx", **sc: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "image": image}
    if sc:
        out["securityContext"] = sc
    return out


RESTRICTED_OK = {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}


def test_kyverno_event_test_message() -> None:
    """pkg/event/events_test.go TestMessageLength: the message of a restricted:latest failure."""
    resource = pod(
        {
            "hostNetwork": True,
            "containers": [ctr("kube-proxy", "registry.k8s.io/kube-proxy", privileged=True)],
            "volumes": [
                {"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock"}},
                {"name": "lib-modules", "hostPath": {"path": "/lib/modules"}},
            ],
        }
    )
    outcome = evaluate_pod_security(
        {"level": "restricted", "version": "latest"}, resource, rule_name="baseline"
    )
    assert not outcome.ok and not outcome.error
    assert outcome.message == (
        "Validation rule 'baseline' failed. It violates PodSecurity \"restricted:latest\": "
        "(Forbidden reason: allowPrivilegeEscalation != false, field error list: [spec.containers[0].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: nil])"
        "(Forbidden reason: unrestricted capabilities, field error list: [spec.containers[0].securityContext.capabilities.drop: Required value])"
        "(Forbidden reason: host namespaces, field error list: [spec.hostNetwork is forbidden, forbidden values found: true])"
        "(Forbidden reason: hostPath volumes, field error list: [spec.volumes[1].hostPath is forbidden, forbidden values found: /run/xtables.lock, spec.volumes[2].hostPath is forbidden, forbidden values found: /lib/modules])"
        "(Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])"
        "(Forbidden reason: restricted volume types, field error list: [spec.volumes[1].hostPath: Forbidden, spec.volumes[2].hostPath: Forbidden])"
        "(Forbidden reason: runAsNonRoot != true, field error list: [spec.containers[0].securityContext.runAsNonRoot: Required value])"
        "(Forbidden reason: seccompProfile, field error list: [spec.containers[0].securityContext.seccompProfile.type: Required value])"
    )
    assert [c.id for c in outcome.failed_checks] == [
        "allowPrivilegeEscalation", "capabilities_restricted", "hostNamespaces", "hostPathVolumes",
        "privileged", "restrictedVolumes", "runAsNonRoot", "seccompProfile_restricted",
    ]  # fmt: skip


def test_pass_message() -> None:
    outcome = evaluate_pod_security(
        {"level": "baseline", "version": "latest"}, pod({"containers": [ctr()]}), rule_name="r"
    )
    assert outcome.ok and outcome.message == "Validation rule 'r' passed." and outcome.failed_checks == ()


def test_baseline_ignores_restricted_checks_but_privileged_level_runs_all() -> None:
    resource = pod({"containers": [ctr()]})
    assert evaluate_pod_security({"level": "baseline", "version": "latest"}, resource).ok
    # pkg/pss/evaluate.go only filters for baseline: any other level runs every check.
    outcome = evaluate_pod_security({"level": "privileged", "version": "latest"}, resource, rule_name="p")
    assert not outcome.ok
    assert outcome.message.startswith(
        "Validation rule 'p' failed. It violates PodSecurity \"privileged:latest\": "
    )


def test_empty_version_means_latest_and_is_echoed_raw() -> None:
    resource = pod({"hostPID": True, "containers": [ctr()]})
    outcome = evaluate_pod_security({"level": "baseline"}, resource, rule_name="r")
    assert outcome.message == (
        "Validation rule 'r' failed. It violates PodSecurity \"baseline:\": "
        "(Forbidden reason: host namespaces, field error list: [spec.hostPID is forbidden, forbidden values found: true])"
    )


def test_explicit_version_reports_every_failing_version() -> None:
    resource = pod({"securityContext": {"sysctls": [{"name": "kernel.msgmax"}]}, "containers": [ctr()]})
    one = "(Forbidden reason: forbidden sysctls, field error list: [spec.securityContext.sysctls[0].name is forbidden, forbidden values found: kernel.msgmax])"
    latest = evaluate_pod_security({"level": "baseline", "version": "latest"}, resource)
    assert [c.id for c in latest.failed_checks] == ["sysctls"]
    v130 = evaluate_pod_security({"level": "baseline", "version": "v1.30"}, resource, rule_name="r")
    # v1.0, v1.27 and v1.29 of the sysctls check all run and all fail.
    assert (
        v130.message == f"Validation rule 'r' failed. It violates PodSecurity \"baseline:v1.30\": {one * 3}"
    )


@pytest.mark.parametrize(
    ("version", "ok"),
    [("v1.33", True), ("v1.34", False), ("latest", False), ("v1.40", False)],
)
def test_host_probes_gated_at_1_34(version: str, ok: bool) -> None:
    resource = pod({"containers": [{"name": "a", "startupProbe": {"httpGet": {"host": "localhost"}}}]})
    assert evaluate_pod_security({"level": "baseline", "version": version}, resource).ok is ok


def test_seccomp_annotations_only_checked_for_explicit_versions() -> None:
    resource = pod(
        {"containers": [ctr()]}, annotations={"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}
    )
    assert evaluate_pod_security({"level": "baseline", "version": "latest"}, resource).ok
    outcome = evaluate_pod_security({"level": "baseline", "version": "v1.24"}, resource)
    assert (
        outcome.failed_checks[0].detail
        == 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"'
    )


@pytest.mark.parametrize(("version", "ok"), [("v1.21", True), ("v1.22", False)])
def test_capabilities_restricted_from_1_22(version: str, ok: bool) -> None:
    sc = {
        "allowPrivilegeEscalation": False,
        "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    resource = pod({"containers": [ctr(**sc)]})
    assert evaluate_pod_security({"level": "restricted", "version": version}, resource).ok is ok


def test_invalid_version_is_a_rule_error() -> None:
    outcome = evaluate_pod_security({"level": "baseline", "version": "1.24"}, pod({"containers": []}))
    assert outcome.error and not outcome.ok
    assert outcome.message == 'failed to parse pod security api version: must be "latest" or "v1.x"'


def test_unsupported_kind_is_a_rule_error() -> None:
    outcome = evaluate_pod_security({"level": "baseline"}, {"kind": "ConfigMap", "metadata": {"name": "x"}})
    assert outcome.error
    assert outcome.message == "Error while getting new resource: could not find correct resource type"


# --- controllers ---------------------------------------------------------------------------


def test_deployment_paths_are_rewritten() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [ctr(privileged=True)]}}
        },
    }
    outcome = evaluate_pod_security(
        {"level": "baseline", "version": "latest"}, deployment, rule_name="baseline"
    )
    assert outcome.message == (
        "Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": "
        "(Forbidden reason: privileged, field error list: [spec.template.spec.containers[0].securityContext.privileged "
        "is forbidden, forbidden values found: true])"
    )


@pytest.mark.parametrize("kind", ["DaemonSet", "StatefulSet", "Job", "ReplicaSet", "ReplicationController"])
def test_other_controllers_use_the_pod_template(kind: str) -> None:
    resource = {"kind": kind, "metadata": {"name": "x"}, "spec": {"template": {"spec": {"hostIPC": True}}}}
    outcome = evaluate_pod_security({"level": "baseline", "version": "latest"}, resource)
    assert outcome.failed_checks[0].errors[0].field == "spec.template.spec.hostIPC"


def test_cronjob_uses_job_template_metadata_and_rewrites_paths() -> None:
    annotation = {"container.apparmor.security.beta.kubernetes.io/nginx": "unconfined"}
    cronjob = {
        "kind": "CronJob",
        "metadata": {"name": "c"},
        "spec": {
            "jobTemplate": {
                "metadata": {"annotations": annotation},
                "spec": {"template": {"metadata": {}, "spec": {"containers": [ctr()], "hostPID": True}}},
            }
        },
    }
    outcome = evaluate_pod_security({"level": "baseline", "version": "latest"}, cronjob)
    fields = [e.field for c in outcome.failed_checks for e in c.errors]
    # validate_pss.go getSpec reads spec.jobTemplate.metadata; convertChecks maps "metadata"
    # to spec.template.metadata for every kind.
    assert fields == [
        "spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/nginx]",
        "spec.jobTemplate.spec.template.spec.hostPID",
    ]
    moved = copy.deepcopy(cronjob)
    moved["spec"]["jobTemplate"]["metadata"] = {}
    moved["spec"]["jobTemplate"]["spec"]["template"]["metadata"] = {"annotations": annotation}
    assert [c.id for c in evaluate_pod_security({"level": "baseline"}, moved).failed_checks] == [
        "hostNamespaces"
    ]


def test_pod_metadata_paths_get_the_template_prefix_too() -> None:
    resource = pod(
        {"containers": [ctr()]}, annotations={"container.apparmor.security.beta.kubernetes.io/x": "bad"}
    )
    outcome = evaluate_pod_security({"level": "baseline", "version": "latest"}, resource)
    assert outcome.failed_checks[0].errors[0].field.startswith("spec.template.metadata.annotations[")


# --- excludes -------------------------------------------------------------------------------


def rule(level: str, version: str, *excludes: dict[str, Any]) -> dict[str, Any]:
    return {"level": level, "version": version, "exclude": list(excludes)}


HOST_PROCESS = {"windowsOptions": {"hostProcess": True}}

KYVERNO_EXCLUDE_CASES = [
    (
        "baseline_hostProcess_defines_all_violate_true",
        rule("baseline", "v1.24", {"controlName": "HostProcess", "images": ["nginx"]}),
        pod(
            {
                "securityContext": {"windowsOptions": {"hostProcess": False}},
                "containers": [ctr(**HOST_PROCESS)],
            }
        ),
        True,
    ),
    (
        "baseline_hostProcess_defines_initContainer_&_ephemeralContainer_allowed_positive",
        rule(
            "baseline",
            "v1.24",
            *(
                {
                    "controlName": "HostProcess",
                    "images": ["nginx"],
                    "restrictedField": f"spec.{k}[*].securityContext.windowsOptions.hostProcess",
                    "values": ["true"],
                }
                for k in ("containers", "initContainers", "ephemeralContainers")
            ),
        ),
        pod({k: [ctr(**HOST_PROCESS)] for k in ("containers", "initContainers", "ephemeralContainers")}),
        True,
    ),
    (
        "baseline_hostProcess_defines_initContainer_&_ephemeralContainer_allowed_negative",
        rule(
            "baseline",
            "v1.24",
            *(
                {
                    "controlName": "HostProcess",
                    "images": ["nginx"],
                    "restrictedField": f"spec.{k}[*].securityContext.windowsOptions.hostProcess",
                    "values": ["true"],
                }
                for k in ("containers", "initContainers")
            ),
        ),
        pod({k: [ctr(**HOST_PROCESS)] for k in ("containers", "initContainers", "ephemeralContainers")}),
        False,
    ),
    (
        "baseline_hostProcess_defines_spec_only_violate_true",
        rule("baseline", "v1.24", {"controlName": "HostProcess"}),
        pod(
            {
                "securityContext": {"windowsOptions": {"hostProcess": True}},
                "containers": [ctr(image="nginx:1.2.3")],
            }
        ),
        True,
    ),
    (
        "baseline_hostProcess_defines_spec_blocked_with_no_exclusion",
        rule("baseline", "v1.24"),
        pod(
            {
                "securityContext": {"windowsOptions": {"hostProcess": True}},
                "containers": [ctr(image="nginx:1.2.3")],
            }
        ),
        False,
    ),
    (
        "baseline_host_namespaces_hostNetwork_violate_true",
        rule("baseline", "v1.24", {"controlName": "Host Namespaces"}),
        pod({"hostNetwork": True, "containers": [ctr()]}),
        True,
    ),
    (
        "baseline_privileged_defines_container_violate_true",
        rule("baseline", "v1.24", {"controlName": "Privileged Containers", "images": ["nginx"]}),
        pod({"containers": [ctr(privileged=True)]}),
        True,
    ),
    (
        "baseline_privileged_defines_container_violate_true_skip",
        rule("baseline", "v1.24", {"controlName": "Privileged Containers", "images": ["nginx"]}),
        pod({"containers": [ctr(image="nginx:1.2.3", privileged=True)]}),
        False,
    ),
    (
        "baseline_privileged_defines_initContainer_violate_true",
        rule("baseline", "v1.24", {"controlName": "Privileged Containers", "images": ["nginx"]}),
        pod({"containers": [ctr(privileged=False)], "initContainers": [ctr("nginx-init", privileged=True)]}),
        True,
    ),
    (
        "baseline_capabilities_defines_ephemeralContainers_violate_true",
        rule("baseline", "v1.24", {"controlName": "Capabilities", "images": ["nginx"]}),
        pod({"containers": [ctr()], "ephemeralContainers": [ctr("e", capabilities={"add": ["FAKE_VALUE"]})]}),
        True,
    ),
]


@pytest.mark.parametrize(
    ("name", "spec", "resource", "ok"), KYVERNO_EXCLUDE_CASES, ids=[c[0] for c in KYVERNO_EXCLUDE_CASES]
)
def test_kyverno_exclude_cases(name: str, spec: dict[str, Any], resource: dict[str, Any], ok: bool) -> None:
    assert evaluate_pod_security(spec, resource).ok is ok


def test_images_match_with_wildcards() -> None:
    resource = pod({"containers": [ctr(image="ghcr.io/x/nginx:1.2", privileged=True)]})
    assert evaluate_pod_security(
        rule(
            "baseline", "latest", {"controlName": "Privileged Containers", "images": ["ghcr.io/*/nginx:?.?"]}
        ),
        resource,
    ).ok
    assert not evaluate_pod_security(
        rule("baseline", "latest", {"controlName": "Privileged Containers", "images": ["docker.io/*"]}),
        resource,
    ).ok


def test_excluded_image_only_covers_its_own_container() -> None:
    resource = pod({"containers": [ctr("a", "nginx", privileged=True), ctr("b", "busybox", privileged=True)]})
    outcome = evaluate_pod_security(
        rule("baseline", "latest", {"controlName": "Privileged Containers", "images": ["nginx"]}), resource
    )
    assert [e.field for e in outcome.failed_checks[0].errors] == [
        "spec.containers[1].securityContext.privileged"
    ]
    # The detail is the check's own, computed before the exclusion.
    assert (
        outcome.failed_checks[0].detail == 'containers "a", "b" must not set securityContext.privileged=true'
    )


def test_values_must_cover_every_bad_value() -> None:
    resource = pod({"containers": [ctr(capabilities={"add": ["NET_RAW", "SYS_ADMIN"]})]})
    field = "spec.containers[*].securityContext.capabilities.add"
    both = {
        "controlName": "Capabilities",
        "images": ["nginx"],
        "restrictedField": field,
        "values": ["NET_RAW", "SYS_*"],
    }
    one = {**both, "values": ["NET_RAW"]}
    assert evaluate_pod_security(rule("baseline", "latest", both), resource).ok
    assert not evaluate_pod_security(rule("baseline", "latest", one), resource).ok


def test_restricted_field_must_match_exactly() -> None:
    resource = pod({"containers": [ctr(privileged=True)]})
    wrong = {
        "controlName": "Privileged Containers",
        "images": ["*"],
        "restrictedField": "spec.initContainers[*].securityContext.privileged",
        "values": ["true"],
    }
    assert not evaluate_pod_security(rule("baseline", "latest", wrong), resource).ok


def test_values_do_not_filter_errors_without_a_bad_value() -> None:
    # restrictedVolumes errors carry no value: any `values` list lets them through (evaluate.go extractBadValues).
    resource = pod(
        {
            "containers": [ctr(**RESTRICTED_OK, seccompProfile={"type": "RuntimeDefault"})],
            "volumes": [{"name": "v", "nfs": {}}],
        }
    )
    exclude = {
        "controlName": "Volume Types",
        "restrictedField": "spec.volumes[*].nfs",
        "values": ["anything"],
    }
    assert evaluate_pod_security(rule("restricted", "latest", exclude), resource).ok


def test_control_name_only_exclusion_removes_one_container_error_per_fake_container() -> None:
    # Without images the exclusion pod has one empty container "fake", so a container-level
    # control loses only one default error per matching field.
    resource = pod(
        {
            "containers": [
                ctr(
                    "a",
                    runAsNonRoot=True,
                    capabilities={"drop": ["ALL"]},
                    seccompProfile={"type": "RuntimeDefault"},
                ),
                ctr(
                    "b",
                    runAsNonRoot=True,
                    capabilities={"drop": ["ALL"]},
                    seccompProfile={"type": "RuntimeDefault"},
                ),
            ]
        }
    )
    outcome = evaluate_pod_security(
        rule("restricted", "latest", {"controlName": "Privilege Escalation"}), resource
    )
    assert [e.field for c in outcome.failed_checks for e in c.errors] == [
        "spec.containers[1].securityContext.allowPrivilegeEscalation"
    ]


def test_removal_swaps_in_the_last_error() -> None:
    resource = pod(
        {
            "containers": [
                ctr("a", "x", privileged=True),
                ctr("b", "nginx", privileged=True),
                ctr("c", "y", privileged=True),
                ctr("d", "z", privileged=True),
            ]
        }
    )
    outcome = evaluate_pod_security(
        rule("baseline", "latest", {"controlName": "Privileged Containers", "images": ["nginx"]}), resource
    )
    assert [e.field for e in outcome.failed_checks[0].errors] == [
        "spec.containers[0].securityContext.privileged",
        "spec.containers[3].securityContext.privileged",
        "spec.containers[2].securityContext.privileged",
    ]


def test_any_exclude_collapses_duplicate_version_results() -> None:
    resource = pod(
        {"securityContext": {"sysctls": [{"name": "kernel.msgmax"}]}, "hostPID": True, "containers": [ctr()]}
    )
    plain = evaluate_pod_security(rule("baseline", "v1.30"), resource)
    assert [c.id for c in plain.failed_checks] == ["hostNamespaces", "sysctls", "sysctls", "sysctls"]
    excluded = evaluate_pod_security(rule("baseline", "v1.30", {"controlName": "Host Namespaces"}), resource)
    assert [c.id for c in excluded.failed_checks] == ["sysctls"]


def test_seccomp_exclusion_covers_both_levels() -> None:
    resource = pod(
        {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [ctr(**RESTRICTED_OK)]}
    )
    assert not evaluate_pod_security(rule("restricted", "latest"), resource).ok
    assert evaluate_pod_security(rule("restricted", "latest", {"controlName": "Seccomp"}), resource).ok


# --- validate_spec --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "errors"),
    [
        ({"level": "restricted", "version": "latest"}, []),
        ({"level": "baseline", "version": "v1.24", "exclude": [{"controlName": "Host Namespaces"}]}, []),
        (
            {"level": "strict", "version": "latest"},
            [
                "podSecurity.level: Unsupported value: 'strict': supported values: privileged, baseline, restricted"
            ],
        ),
        (
            {"level": "baseline", "version": "1.24"},
            ['podSecurity.version: Invalid value: \'1.24\': must be "latest" or "v1.x"'],
        ),
        (
            {"level": "baseline", "exclude": [{"controlName": "Nope"}]},
            ["podSecurity.exclude[0].controlName: Unsupported value: 'Nope'"],
        ),
        (
            {"level": "baseline", "exclude": [{"controlName": "Privileged Containers"}]},
            [
                "podSecurity.exclude[0].controlName: Invalid value: 'Privileged Containers': exclude.images must be specified for the container level control"
            ],
        ),
        (
            {"level": "baseline", "exclude": [{"controlName": "Sysctls", "images": ["x"]}]},
            [
                "podSecurity.exclude[0].controlName: Invalid value: 'Sysctls': exclude.images must not be specified for the pod level control"
            ],
        ),
        (
            {"level": "baseline", "exclude": [{"controlName": "Running as Non-root"}]},
            [
                "podSecurity.exclude[0].controlName: Invalid value: 'Running as Non-root': Invalid control name defined at the given level"
            ],
        ),
        (
            {
                "level": "baseline",
                "exclude": [{"controlName": "HostProcess", "restrictedField": "spec.hostNetwork"}],
            },
            ["podSecurity.exclude[0].values: Forbidden: values is required"],
        ),
        (
            {"level": "baseline", "exclude": [{"controlName": "Seccomp", "values": ["x"]}]},
            ["podSecurity.exclude[0].restrictedField: Forbidden: restrictedField is required"],
        ),
    ],
)
def test_validate_spec(spec: dict[str, Any], errors: list[str]) -> None:
    assert validate_spec(spec) == errors


# --- conformance corpus ---------------------------------------------------------------------


def _corpus_cases() -> list[Any]:
    cases = []
    for test_file in sorted(CORPUS.rglob("kyverno-test.yaml")):
        test = load_file(test_file)[0].data
        base = test_file.parent
        policies = [d.data for p in test.get("policies", []) for d in load_file(base / p)]
        rules = {
            (p["metadata"]["name"], r["name"]): r["validate"]["podSecurity"]
            for p in policies
            for r in p.get("spec", {}).get("rules", [])
            if "podSecurity" in r.get("validate", {})
        }
        if not rules:
            continue
        resources = [d.data for rf in test.get("resources", []) for d in load_file(base / rf)]
        for result in test.get("results", []):
            key = (result["policy"], result["rule"])
            if key not in rules:
                continue
            for name in result.get("resources", []):
                resource = next(
                    r for r in resources if r["metadata"]["name"] == name and r["kind"] == result["kind"]
                )
                cases.append(
                    pytest.param(
                        rules[key], resource, result["result"], id=f"{test_file.parent.parent.name}:{name}"
                    )
                )
    return cases


@pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus not present")
@pytest.mark.parametrize(("spec", "resource", "expected"), _corpus_cases() if CORPUS.is_dir() else [])
def test_corpus(spec: dict[str, Any], resource: dict[str, Any], expected: str) -> None:
    outcome = evaluate_pod_security(spec, resource)
    assert ("pass" if outcome.ok else "fail") == expected


def test_corpus_is_not_empty() -> None:
    if CORPUS.is_dir():
        assert len(_corpus_cases()) >= 2
