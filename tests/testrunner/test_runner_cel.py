"""`argogate test` runs suites of the CEL policy kinds (their results have no rule name)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from argogate.testrunner import run

FILES = {
    "policy.yaml": """\
        apiVersion: policies.kyverno.io/v1alpha1
        kind: ValidatingPolicy
        metadata: {name: from-registry}
        spec:
          validationActions: [Audit]
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}]
          variables:
            - {name: cm, expression: "resource.Get('v1', 'configmaps', 'default', 'registries')"}
          validations:
            - expression: "object.spec.containers.all(c, c.image.startsWith(variables.cm.data.prefix))"
        """,
    "resources.yaml": """\
        apiVersion: v1
        kind: Pod
        metadata: {name: good}
        spec: {containers: [{name: c, image: ghcr.io/a:1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: bad}
        spec: {containers: [{name: c, image: docker.io/a:1}]}
        """,
    "context.yaml": """\
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Context
        metadata: {name: context}
        spec:
          resources:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: registries, namespace: default}, data: {prefix: ghcr.io/}}
        """,
    "kyverno-test.yaml": """\
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Test
        metadata: {name: t}
        policies: [policy.yaml]
        resources: [resources.yaml]
        context: context.yaml
        results:
          - {policy: from-registry, isValidatingPolicy: true, kind: Pod, resources: [good], result: pass}
          - {policy: from-registry, isValidatingPolicy: true, kind: Pod, resources: [bad], result: fail}
          - {policy: from-registry, rule: ignored, kind: Pod, resources: [bad], result: fail}
        """,
}


def test_validating_policy_suite_with_context(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    res = run([str(tmp_path)])
    assert [(r.policy, r.resource, r.success, r.reason) for r in res.rows] == [
        ("from-registry", "Pod/good", True, "Ok"),
        ("from-registry", "Pod/bad", True, "Ok"),
        ("from-registry", "Pod/bad", True, "Ok"),
    ]
    assert res.exit_code == 0
