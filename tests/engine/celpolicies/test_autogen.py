from __future__ import annotations

from typing import Any

from argogate.engine.celpolicies.autogen import can_autogen, mutating_variants, validating_variants

POD_RULE = {
    "apiGroups": [""],
    "apiVersions": ["v1"],
    "resources": ["pods"],
    "operations": ["CREATE", "UPDATE"],
}


def _spec(**extra: Any) -> dict[str, Any]:
    return {
        "matchConstraints": {"resourceRules": [POD_RULE]},
        "validations": [
            {
                "expression": "object.spec.containers.all(c, has(c.image))",
                "messageExpression": "'pod ' + object.metadata.name + ' in ' + object.metadata.namespace",
            }
        ],
        "variables": [{"name": "labels", "expression": "object.metadata.?labels.orValue({})"}],
        **extra,
    }


def test_can_autogen_only_for_a_single_plain_pod_rule() -> None:
    assert can_autogen({"resourceRules": [POD_RULE]})
    assert not can_autogen({"resourceRules": [POD_RULE, POD_RULE]})
    assert not can_autogen({"resourceRules": [{**POD_RULE, "resources": ["pods", "services"]}]})
    assert not can_autogen({"resourceRules": [{**POD_RULE, "resourceNames": ["a"]}]})
    assert not can_autogen({"resourceRules": [POD_RULE], "excludeResourceRules": [POD_RULE]})
    assert not can_autogen({"resourceRules": [POD_RULE], "objectSelector": {"matchLabels": {"a": "b"}}})
    assert can_autogen({"resourceRules": [POD_RULE], "objectSelector": {}})
    assert not can_autogen(None)


def test_validating_variants_follow_kyverno() -> None:
    variants = dict(validating_variants(_spec()))
    assert list(variants) == ["cronjobs", "defaults"]
    defaults = variants["defaults"]
    assert defaults["matchConstraints"]["resourceRules"] == [
        {
            "apiGroups": ["apps"],
            "apiVersions": ["v1"],
            "resources": ["daemonsets", "deployments", "replicasets", "statefulsets"],
            "operations": ["CREATE", "UPDATE"],
        },
        {
            "apiGroups": ["batch"],
            "apiVersions": ["v1"],
            "resources": ["jobs"],
            "operations": ["CREATE", "UPDATE"],
        },
    ]
    assert (
        defaults["validations"][0]["expression"]
        == "object.spec.template.spec.containers.all(c, has(c.image))"
    )
    # `.name` and `.namespace` stay on the controller's own metadata (replacement.go protectedSuffixes)
    assert (
        defaults["validations"][0]["messageExpression"]
        == "'pod ' + object.metadata.name + ' in ' + object.metadata.namespace"
    )
    assert defaults["variables"][0]["expression"] == "object.spec.template.metadata.?labels.orValue({})"
    cron = variants["cronjobs"]["validations"][0]["expression"]
    assert cron == "object.spec.jobTemplate.spec.template.spec.containers.all(c, has(c.image))"


def test_controllers_can_be_chosen_or_disabled() -> None:
    only = dict(validating_variants(_spec(autogen={"podControllers": {"controllers": ["deployments"]}})))
    assert list(only) == ["defaults"]
    assert only["defaults"]["matchConstraints"]["resourceRules"][0]["resources"] == ["deployments"]
    assert validating_variants(_spec(autogen={"podControllers": {"controllers": []}})) == []


def test_mutating_variants_wrap_apply_configurations() -> None:
    spec = {
        "matchConstraints": {"resourceRules": [POD_RULE]},
        "autogen": {"podControllers": {"controllers": ["deployments", "cronjobs"]}},
        "mutations": [
            {
                "patchType": "ApplyConfiguration",
                "applyConfiguration": {"expression": "Object{spec: Object.spec{x: object.spec.y}}"},
            }
        ],
        "matchConditions": [{"name": "m", "expression": "has(object.metadata.labels)"}],
    }
    variants = dict(mutating_variants(spec))
    expr = variants["defaults"]["mutations"][0]["applyConfiguration"]["expression"]
    assert (
        expr
        == "Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{x: object.spec.template.spec.y}}}}"
    )
    assert (
        variants["cronjobs"]["matchConditions"][0]["expression"]
        == "has(object.spec.jobTemplate.spec.template.metadata.labels)"
    )
