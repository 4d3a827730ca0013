from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.celpolicies.kinds import GVR
from argogate.engine.celpolicies.matching import Attributes, matches, selector_matches

POD = Attributes(GVR("", "v1", "pods"), "Pod", "team-a", "web", "CREATE", {"app": "web"})
RULE = {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE", "UPDATE"]}


@pytest.mark.parametrize(
    ("constraints", "expected"),
    [
        ({"resourceRules": [RULE]}, True),
        ({"resourceRules": [{**RULE, "operations": ["UPDATE"]}]}, False),
        ({"resourceRules": [{**RULE, "operations": ["*"]}]}, True),
        ({"resourceRules": [{**RULE, "apiGroups": ["apps"]}]}, False),
        ({"resourceRules": [{**RULE, "apiVersions": ["*"]}]}, True),
        ({"resourceRules": [{**RULE, "resources": ["*"]}]}, True),
        ({"resourceRules": [{**RULE, "resources": ["pods/ephemeralcontainers"]}]}, False),
        ({"resourceRules": [{**RULE, "resources": ["pods/*"]}]}, True),  # rules.go: sub "*" matches ""
        ({"resourceRules": [{**RULE, "scope": "Cluster"}]}, False),
        ({"resourceRules": [{**RULE, "resourceNames": ["web"]}]}, True),
        ({"resourceRules": [{**RULE, "resourceNames": ["api"]}]}, False),
        ({"resourceRules": [RULE], "excludeResourceRules": [RULE]}, False),
        ({"resourceRules": [RULE], "objectSelector": {"matchLabels": {"app": "web"}}}, True),
        ({"resourceRules": [RULE], "objectSelector": {"matchLabels": {"app": "api"}}}, False),
        ({"resourceRules": [RULE], "namespaceSelector": {"matchLabels": {"env": "prod"}}}, True),
        ({"resourceRules": [RULE], "namespaceSelector": {"matchLabels": {"env": "dev"}}}, False),
        ({}, True),
        (None, False),
    ],
)
def test_matches(constraints: dict[str, Any] | None, expected: bool) -> None:
    assert matches(constraints, POD, {"env": "prod"}) is expected


def test_unknown_namespace_has_only_its_name_label() -> None:
    sel = {
        "resourceRules": [RULE],
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-a"}},
    }
    assert matches(sel, POD, None)


def test_namespace_is_selected_by_its_own_labels_and_cluster_objects_always_match() -> None:
    ns = Attributes(
        GVR("", "v1", "namespaces"), "Namespace", "", "x", "CREATE", {"env": "prod"}, cluster_scoped=True
    )
    rule = {**RULE, "resources": ["namespaces"]}
    assert matches({"resourceRules": [rule], "namespaceSelector": {"matchLabels": {"env": "prod"}}}, ns, None)
    node = Attributes(GVR("", "v1", "nodes"), "Node", "", "n", "CREATE", cluster_scoped=True)
    assert matches(
        {
            "resourceRules": [{**RULE, "resources": ["nodes"]}],
            "namespaceSelector": {"matchLabels": {"a": "b"}},
        },
        node,
        None,
    )


@pytest.mark.parametrize(
    ("expr", "labels", "expected"),
    [
        ({"key": "a", "operator": "In", "values": ["1"]}, {"a": "1"}, True),
        ({"key": "a", "operator": "NotIn", "values": ["1"]}, {"a": "1"}, False),
        ({"key": "a", "operator": "Exists"}, {}, False),
        ({"key": "a", "operator": "DoesNotExist"}, {}, True),
        ({"key": "a", "operator": "Bogus"}, {"a": "1"}, False),
    ],
)
def test_selector_expressions(expr: dict[str, Any], labels: dict[str, str], expected: bool) -> None:
    assert selector_matches({"matchExpressions": [expr]}, labels) is expected
