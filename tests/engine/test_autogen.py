from __future__ import annotations

from typing import Any

from argogate.engine.autogen import compute_rules

POD_RULE: dict[str, Any] = {
    "name": "check-image",
    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
    "validate": {"message": "no latest", "pattern": {"spec": {"containers": [{"image": "!*:latest"}]}}},
}


def test_pod_rule_gets_controller_and_cronjob_rules() -> None:
    rules = compute_rules([POD_RULE], {})
    assert [r.name for r in rules] == ["check-image", "autogen-check-image", "autogen-cronjob-check-image"]
    ctrl, cron = rules[1], rules[2]
    assert ctrl.autogen_of == "check-image"
    assert ctrl.raw["match"]["any"][0]["resources"]["kinds"] == [
        "DaemonSet", "Deployment", "Job", "ReplicaSet", "ReplicationController", "StatefulSet",
    ]  # fmt: skip
    assert ctrl.raw["validate"]["pattern"] == {"spec": {"template": POD_RULE["validate"]["pattern"]}}
    assert cron.raw["match"]["any"][0]["resources"]["kinds"] == ["CronJob"]
    assert cron.raw["validate"]["pattern"] == {"spec": {"jobTemplate": {"spec": {"template": POD_RULE["validate"]["pattern"]}}}}


def test_variables_are_shifted_textually() -> None:
    rule = {
        "name": "deny-host",
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "validate": {"deny": {"conditions": {"any": [{"key": "{{ request.object.spec.hostNetwork }}", "operator": "Equals", "value": True}]}}},
    }
    rules = compute_rules([rule], {})
    assert rules[1].raw["validate"]["deny"]["conditions"]["any"][0]["key"] == "{{ request.object.spec.template.spec.hostNetwork }}"
    assert rules[2].raw["validate"]["deny"]["conditions"]["any"][0]["key"] == (
        "{{ request.object.spec.jobTemplate.spec.template.spec.hostNetwork }}"
    )


def test_annotation_selects_controllers() -> None:
    rules = compute_rules([POD_RULE], {"pod-policies.kyverno.io/autogen-controllers": "Deployment"})
    assert [r.name for r in rules] == ["check-image", "autogen-check-image"]
    assert rules[1].raw["match"]["any"][0]["resources"]["kinds"] == ["Deployment"]
    assert [r.name for r in compute_rules([POD_RULE], {"pod-policies.kyverno.io/autogen-controllers": "none"})] == ["check-image"]


def test_no_autogen_with_names_selectors_or_mixed_kinds() -> None:
    named = {**POD_RULE, "match": {"any": [{"resources": {"kinds": ["Pod"], "names": ["x"]}}]}}
    mixed = {**POD_RULE, "match": {"any": [{"resources": {"kinds": ["Pod", "Deployment"]}}]}}
    assert len(compute_rules([named], {})) == 1
    assert len(compute_rules([mixed], {})) == 1


def test_generate_rule_in_policy_disables_autogen() -> None:
    gen = {"name": "gen", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "generate": {"kind": "ConfigMap", "name": "x"}}
    assert len(compute_rules([POD_RULE, gen], {})) == 2


def test_cel_rule_uses_cel_replacements() -> None:
    rule = {
        "name": "cel",
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "validate": {"cel": {"expressions": [{"expression": "object.spec.containers.all(c, has(c.image))"}]}},
    }
    rules = compute_rules([rule], {})
    assert rules[1].raw["validate"]["cel"]["expressions"][0]["expression"] == "object.spec.template.spec.containers.all(c, has(c.image))"
