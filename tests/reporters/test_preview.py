"""The admission preview: mutate diffs and generated objects, and the seed article's point in one run."""

from __future__ import annotations

from typing import Any

from argogate.engine.pipeline import Engine
from argogate.model.result import Report, RuleStatus
from argogate.model.run import single_run
from argogate.policies.loader import load_documents
from argogate.reporters import get
from argogate.yamlio import YamlDocument

DEFAULTS = {
    "apiVersion": "kyverno.io/v1",
    "kind": "ClusterPolicy",
    "metadata": {"name": "add-default-securitycontext"},
    "spec": {
        "rules": [
            {
                "name": "add-run-as-non-root",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "mutate": {"patchStrategicMerge": {"spec": {"securityContext": {"+(runAsNonRoot)": True}}}},
            },
            {
                "name": "add-netpol",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "generate": {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "NetworkPolicy",
                    "name": "default-deny",
                    "namespace": "{{ request.object.metadata.namespace }}",
                    "data": {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
                },
            },
        ]
    },
}
REQUIRE = {
    "apiVersion": "kyverno.io/v1",
    "kind": "ClusterPolicy",
    "metadata": {"name": "require-run-as-non-root"},
    "spec": {
        "validationFailureAction": "Enforce",
        "rules": [
            {
                "name": "check-run-as-non-root",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "validate": {
                    "message": "runAsNonRoot must be true",
                    "pattern": {"spec": {"securityContext": {"runAsNonRoot": True}}},
                },
            }
        ],
    },
}
POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
}


def _evaluate(*policies: dict[str, Any]) -> Any:
    loaded = load_documents([YamlDocument(p, f"{p['metadata']['name']}.yaml", 1) for p in policies])
    return Engine(loaded.policies).evaluate([POD])


def test_a_mutate_default_makes_the_validate_rule_pass_in_one_run() -> None:
    alone = _evaluate(REQUIRE)
    assert [(r.rule, r.status) for r in alone.results] == [("check-run-as-non-root", RuleStatus.FAIL)]
    ev = _evaluate(DEFAULTS, REQUIRE)
    by_rule = {r.rule: r.status for r in ev.results}
    assert by_rule["add-run-as-non-root"] is RuleStatus.PASS
    assert by_rule["check-run-as-non-root"] is RuleStatus.PASS
    assert ev.resources[0]["spec"]["securityContext"] == {"runAsNonRoot": True}
    assert POD["spec"].get("securityContext") is None  # the input is not modified


def test_preview_shows_the_mutation_as_a_diff_and_the_generated_objects() -> None:
    ev = _evaluate(DEFAULTS, REQUIRE)
    run = single_run(Report(ev.results))
    run.apps[0].originals, run.apps[0].objects, run.apps[0].generated = [POD], ev.resources, ev.generated
    text = get("preview")(run)
    assert text.startswith("# resources: 1 resource(s) changed by mutate rules, 1 generated\n")
    assert "--- v1 Pod/shop/web (rendered)\n+++ v1 Pod/shop/web (after admission)\n" in text
    assert "+  securityContext:\n+    runAsNonRoot: true\n" in text
    assert "+++ networking.k8s.io/v1 NetworkPolicy/shop/default-deny (generated)\n" in text
    assert "+kind: NetworkPolicy\n" in text


def test_preview_of_an_unchanged_resource_is_empty() -> None:
    ev = _evaluate(REQUIRE)
    run = single_run(Report(ev.results))
    run.apps[0].originals, run.apps[0].objects = [POD], ev.resources
    assert get("preview")(run) == "# resources: 0 resource(s) changed by mutate rules, 0 generated\n"
