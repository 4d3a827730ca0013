"""The CEL policy kinds end to end through the engine: results, naming, mutation, generation."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from argogate.engine.celpolicies import (
    CelContext,
    CelPolicySet,
    compile_binding,
    compile_exception,
    compile_policy,
)
from argogate.engine.pipeline import Engine
from argogate.engine.values import Values
from argogate.model.result import RuleResult

POD_RULE = {
    "apiGroups": [""],
    "apiVersions": ["v1"],
    "resources": ["pods"],
    "operations": ["CREATE", "UPDATE"],
}


def pod(name: str, image: str = "nginx:1.25", ns: str = "default", **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"containers": [{"name": "c", "image": image}]},
    }


def deployment(name: str, image: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"template": {"metadata": {}, "spec": {"containers": [{"name": "c", "image": image}]}}},
    }


def vpol(spec: dict[str, Any], kind: str = "ValidatingPolicy", **md: Any) -> dict[str, Any]:
    return {
        "apiVersion": "policies.kyverno.io/v1",
        "kind": kind,
        "metadata": {"name": "no-latest", **md},
        "spec": spec,
    }


NO_LATEST = {
    "validationActions": ["Deny"],
    "matchConstraints": {"resourceRules": [POD_RULE]},
    "variables": [{"name": "images", "expression": "object.spec.containers.map(c, c.image)"}],
    "validations": [
        {
            "expression": "variables.images.all(i, !i.endsWith(':latest'))",
            "messageExpression": "'latest in ' + object.metadata.name",
        }
    ],
}


def run(
    docs: list[dict[str, Any]],
    resources: list[dict[str, Any]],
    *,
    context: CelContext | None = None,
    values: Values | None = None,
) -> list[RuleResult]:
    cel = CelPolicySet()
    for d in docs:
        if d["kind"] == "PolicyException":
            cel.exceptions.append(compile_exception(d))
        elif d["kind"].endswith("Binding"):
            cel.bindings.append(compile_binding(d))
        elif d["apiVersion"] in ("v1",):
            cel.objects.append(d)
        else:
            cel.policies.append(compile_policy(d))
    return Engine([], cel=cel, cel_context=context, values=values).evaluate(resources).results


def verdicts(results: list[RuleResult]) -> list[tuple[str, str, str, str]]:
    return [(r.policy, r.rule, r.resource.name, r.status.value) for r in results]


def test_validating_policy_pass_fail_and_autogen() -> None:
    results = run(
        [vpol(NO_LATEST)], [pod("good"), pod("bad", "nginx:latest"), deployment("dep", "nginx:latest")]
    )
    assert verdicts(results) == [
        ("no-latest", "", "good", "pass"),
        ("no-latest", "", "bad", "fail"),
        ("no-latest", "", "dep", "fail"),  # the autogen `defaults` variant
    ]
    assert results[1].message == "latest in bad" and results[1].blocks
    assert results[2].message == "latest in dep"  # object.metadata.name is not rewritten


@pytest.mark.parametrize(
    ("validation", "status", "message"),
    [
        ({"expression": "false", "message": "no"}, "fail", "no"),
        ({"expression": "false"}, "fail", "CEL expression validation failed at index 0"),
        (
            {"expression": "false", "messageExpression": "object.missing"},
            "fail",
            "failed to evaluate message expression: no such key: missing",
        ),
        ({"expression": "object.missing == 1"}, "error", "no such key: missing"),
        ({"expression": "'x'"}, "error", "type conversion error from 'str' to 'bool'"),
    ],
)
def test_validation_outcomes(validation: dict[str, Any], status: str, message: str) -> None:
    spec = {
        "matchConstraints": {"resourceRules": [POD_RULE]},
        "validations": [validation],
        "validationActions": ["Audit"],
    }
    (result,) = run([vpol(spec)], [pod("p")])
    assert (result.status.value, result.message, result.blocks) == (status, message, False)


def test_match_conditions_skip_and_failure_policy() -> None:
    spec = {"matchConstraints": {"resourceRules": [POD_RULE]}, "validations": [{"expression": "true"}]}
    skip = {**spec, "matchConditions": [{"name": "m", "expression": "object.metadata.name == 'other'"}]}
    broken = {**spec, "matchConditions": [{"name": "m", "expression": "object.nope"}]}
    assert [r.status.value for r in run([vpol(skip)], [pod("p")])] == ["skip"]
    assert [r.status.value for r in run([vpol(broken)], [pod("p")])] == ["error"]
    assert [r.status.value for r in run([vpol({**broken, "failurePolicy": "Ignore"})], [pod("p")])] == [
        "skip"
    ]


def test_namespaced_policy_sees_only_its_namespace() -> None:
    policy = vpol(NO_LATEST, kind="NamespacedValidatingPolicy", namespace="team-a")
    results = run([policy], [pod("a", "x:latest", ns="team-a"), pod("b", "x:latest", ns="team-b")])
    assert verdicts(results) == [("team-a/no-latest", "", "a", "fail")]


def test_cel_policy_exception() -> None:
    exc = {
        "apiVersion": "policies.kyverno.io/v1",
        "kind": "PolicyException",
        "metadata": {"name": "allow-legacy", "namespace": "default"},
        "spec": {
            "policyRefs": [{"name": "no-latest", "kind": "ValidatingPolicy"}],
            "matchConditions": [{"name": "legacy", "expression": "object.metadata.name == 'legacy'"}],
        },
    }
    results = run([vpol(NO_LATEST), exc], [pod("legacy", "x:latest"), pod("bad", "x:latest")])
    assert verdicts(results) == [
        ("no-latest", "exception", "legacy", "skip"),
        ("no-latest", "", "bad", "fail"),
    ]
    assert results[0].message == "rule is skipped due to policy exception: default/allow-legacy"


def test_resource_get_from_context_and_image_metadata() -> None:
    spec = {
        "matchConstraints": {"resourceRules": [POD_RULE]},
        "variables": [
            {"name": "cm", "expression": "resource.Get('v1', 'configmaps', 'platform', 'allowed')"}
        ],
        "validations": [
            {"expression": "object.spec.containers.all(c, c.image.startsWith(variables.cm.data.prefix))"},
            {"expression": "object.spec.containers.all(c, image.GetMetadata(c.image).config.user != 'root')"},
        ],
    }
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "allowed", "namespace": "platform"},
        "data": {"prefix": "ghcr.io/"},
    }
    context = CelContext(
        [cm], {"ghcr.io/a:1": {"config": {"user": "app"}}, "ghcr.io/b:1": {"config": {"user": "root"}}}
    )
    results = run(
        [vpol(spec)],
        [
            pod("ok", "ghcr.io/a:1"),
            pod("root", "ghcr.io/b:1"),
            pod("other", "docker.io/x:1"),
            pod("unknown", "ghcr.io/c:1"),
        ],
        context=context,
    )
    assert [r.status.value for r in results] == ["pass", "fail", "fail", "error"]
    assert "not found in the context" in results[3].message
    missing = run([vpol(spec)], [pod("ok", "ghcr.io/a:1")])
    assert missing[0].status.value == "error" and 'configmaps "allowed" not found' in missing[0].message


def test_http_needs_the_network() -> None:
    spec = {
        "matchConstraints": {"resourceRules": [POD_RULE]},
        "validations": [{"expression": "http.Get('https://x').ok"}],
    }
    (result,) = run([vpol(spec)], [pod("p")])
    assert result.status.value == "error" and "offline" in result.message


def test_namespace_object_from_values() -> None:
    spec = {
        "matchConstraints": {"resourceRules": [POD_RULE]},
        "validations": [{"expression": "namespaceObject.metadata.labels.env == 'prod'"}],
    }
    values = Values.from_dict(
        {
            "namespaces": [
                {
                    "apiVersion": "v1",
                    "kind": "Namespace",
                    "metadata": {"name": "default", "labels": {"env": "prod"}},
                }
            ]
        }
    )
    assert [r.status.value for r in run([vpol(spec)], [pod("p")], values=values)] == ["pass"]


MPOL = """\
apiVersion: policies.kyverno.io/v1alpha1
kind: MutatingPolicy
metadata: {name: pull-always}
spec:
  matchConstraints: {resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}]}
  mutations:
    - patchType: ApplyConfiguration
      applyConfiguration:
        expression: >-
          Object{metadata: Object.metadata{labels: {"mutated": "yes"}},
                 spec: Object.spec{containers: object.spec.containers.map(c, Object.spec.containers{name: c.name, imagePullPolicy: "Always"})}}
    - patchType: JSONPatch
      jsonPatch:
        expression: >-
          [JSONPatch{op: "add", path: "/metadata/annotations", value: {"seen": object.metadata.labels.mutated}}]
"""


def test_mutating_policy_applies_in_order_and_autogens() -> None:
    policy = yaml.safe_load(MPOL)
    out = Engine([], cel=CelPolicySet([compile_policy(policy)])).evaluate([pod("p"), deployment("d", "x:1")])
    patched = out.resources[0]
    assert patched["spec"]["containers"] == [
        {"name": "c", "image": "nginx:1.25", "imagePullPolicy": "Always"}
    ]
    assert patched["metadata"]["annotations"] == {"seen": "yes"}
    # autogen rewrites the apply configuration but not the JSONPatch, whose `object.metadata.labels`
    # then misses: an error drops every patch of the policy (mpol compiler policy.go evaluate)
    assert out.resources[1] == deployment("d", "x:1")
    assert [(r.rule, r.status.value) for r in out.results] == [("", "pass"), ("", "error")]


def test_generating_policy() -> None:
    gpol = {
        "apiVersion": "policies.kyverno.io/v1alpha1",
        "kind": "GeneratingPolicy",
        "metadata": {"name": "default-deny"},
        "spec": {
            "matchConstraints": {"resourceRules": [{**POD_RULE, "resources": ["namespaces"]}]},
            "generate": [
                {
                    "expression": "generator.Apply(object.metadata.name, [{'apiVersion': 'networking.k8s.io/v1', 'kind': 'NetworkPolicy', 'metadata': {'name': 'deny'}}])"
                }
            ],
        },
    }
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}
    out = Engine([], cel=CelPolicySet([compile_policy(gpol)])).evaluate([ns])
    assert out.generated == [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "deny", "namespace": "team-a"},
        }
    ]
    assert verdicts(out.results) == [("default-deny", "default-deny", "team-a", "pass")]


VAP = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE, UPDATE]}]}
  validations:
    - expression: "object.spec.replicas <= int(params.data.max)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec:
  policyName: max-replicas
  validationActions: [Deny]
  paramRef: {name: limits, namespace: params, parameterNotFoundAction: Deny}
"""
PARAMS = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "limits", "namespace": "params"},
    "data": {"max": "3"},
}


def _dep(name: str, replicas: int) -> dict[str, Any]:
    d = deployment(name, "x:1")
    d["spec"]["replicas"] = replicas
    return d


def test_validating_admission_policy_with_binding_and_params() -> None:
    docs = list(yaml.safe_load_all(VAP))
    results = run([*docs, PARAMS], [_dep("small", 2), _dep("big", 5)])
    assert verdicts(results) == [
        ("max-replicas", "max-replicas", "small", "pass"),
        ("max-replicas", "max-replicas", "big", "fail"),
    ]
    assert results[1].message == "failed expression: object.spec.replicas <= int(params.data.max)"
    assert results[1].blocks
    (missing,) = run(docs, [_dep("small", 2)])
    assert missing.status.value == "fail" and "parameterNotFoundAction" in missing.message
    # params found among the resources of the run (a rendered app)
    assert [r.status.value for r in run(docs, [PARAMS, _dep("big", 5)])] == ["fail"]


def test_validating_admission_policy_without_binding_uses_its_constraints() -> None:
    vap = yaml.safe_load(VAP.split("---")[0])
    vap["spec"].pop("paramKind")
    vap["spec"]["validations"] = [
        {
            "expression": "object.spec.replicas < 3",
            "messageExpression": "'too many: ' + string(object.spec.replicas)",
        }
    ]
    results = run([vap], [_dep("big", 5), pod("p")])
    assert verdicts(results) == [("max-replicas", "max-replicas", "big", "fail")]
    assert results[0].message == "too many: 5" and not results[0].blocks
