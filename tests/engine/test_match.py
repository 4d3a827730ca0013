from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.match import (
    AdmissionInfo,
    MatchInput,
    check_selector,
    parse_kind_selector,
    rule_kinds,
    rule_matches,
)

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "web-1",
        "namespace": "prod",
        "labels": {"app": "web"},
        "annotations": {"team": "a"},
    },
}
DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "dev"}}


def m(resource: dict[str, Any], **kw: Any) -> MatchInput:
    return MatchInput.of(resource, **kw)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("Pod", ("*", "*", "Pod", "")),
        ("v1/Pod", ("*", "v1", "Pod", "")),
        ("apps/v1/Deployment", ("apps", "v1", "Deployment", "")),
        ("Pod/exec", ("*", "*", "Pod", "exec")),
        ("v1/Pod/status", ("*", "v1", "Pod", "status")),
        ("*/*", ("*", "*", "*", "*")),
        ("networking.k8s.io/v1/NetworkPolicy", ("networking.k8s.io", "v1", "NetworkPolicy", "")),
    ],
)
def test_parse_kind_selector(selector: str, expected: tuple[str, str, str, str]) -> None:
    assert parse_kind_selector(selector) == expected


@pytest.mark.parametrize(
    ("match", "resource", "expected"),
    [
        ({"any": [{"resources": {"kinds": ["Pod"]}}]}, POD, True),
        ({"any": [{"resources": {"kinds": ["Deployment"]}}]}, POD, False),
        ({"any": [{"resources": {"kinds": ["apps/v1/Deployment"]}}]}, DEPLOY, True),
        ({"any": [{"resources": {"kinds": ["extensions/v1beta1/Deployment"]}}]}, DEPLOY, False),
        ({"any": [{"resources": {"kinds": ["*"]}}]}, DEPLOY, True),
        ({"any": [{"resources": {"kinds": ["Pod/exec"]}}]}, POD, False),
        ({"resources": {"kinds": ["Pod"], "names": ["web-*"]}}, POD, True),
        ({"resources": {"kinds": ["Pod"], "name": "api"}}, POD, False),
        ({"any": [{"resources": {"kinds": ["Pod"], "namespaces": ["pr?d"]}}]}, POD, True),
        ({"any": [{"resources": {"kinds": ["Pod"], "selector": {"matchLabels": {"app": "w*"}}}}]}, POD, True),
        (
            {"any": [{"resources": {"kinds": ["Pod"], "selector": {"matchLabels": {"app": "db"}}}}]},
            POD,
            False,
        ),
        ({"any": [{"resources": {"kinds": ["Pod"], "annotations": {"team": "?"}}}]}, POD, True),
        ({"all": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"namespaces": ["dev"]}}]}, POD, False),
        ({"any": [{"resources": {"kinds": ["Pod"], "operations": ["UPDATE"]}}]}, POD, False),
        ({"any": [{"resources": {"kinds": ["Pod"], "operations": ["CREATE", "UPDATE"]}}]}, POD, True),
        ({}, POD, False),  # an empty match selects nothing ("match cannot be empty")
    ],
)
def test_match(match: dict[str, Any], resource: dict[str, Any], expected: bool) -> None:
    assert rule_matches({"match": match}, m(resource)) is expected


def test_exclude_any_and_all() -> None:
    rule = {
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "exclude": {"any": [{"resources": {"namespaces": ["prod"]}}]},
    }
    assert rule_matches(rule, m(POD)) is False
    rule["exclude"] = {"all": [{"resources": {"namespaces": ["prod"]}}, {"resources": {"names": ["other"]}}]}
    assert rule_matches(rule, m(POD)) is True


def test_cluster_roles_in_match_ignored_without_userinfo_but_honoured_in_exclude() -> None:
    rule = {"match": {"any": [{"resources": {"kinds": ["Pod"]}, "clusterRoles": ["admin"]}]}}
    assert rule_matches(rule, m(POD)) is True
    rule = {
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "exclude": {"any": [{"clusterRoles": ["cluster-admin"]}]},
    }
    assert rule_matches(rule, m(POD)) is True
    admin = AdmissionInfo(username="u", cluster_roles=("cluster-admin",))
    assert rule_matches(rule, m(POD, admission=admin)) is False


def test_namespace_selector_uses_namespace_labels() -> None:
    rule = {
        "match": {
            "any": [{"resources": {"kinds": ["Pod"], "namespaceSelector": {"matchLabels": {"env": "prod"}}}}]
        }
    }
    assert rule_matches(rule, m(POD, namespace_labels={"env": "prod"})) is True
    assert rule_matches(rule, m(POD, namespace_labels={"env": "dev"})) is False


def test_namespaced_policy_only_sees_its_namespace() -> None:
    rule = {"match": {"any": [{"resources": {"kinds": ["Pod"]}}]}}
    assert rule_matches(rule, m(POD), policy_namespace="prod") is True
    assert rule_matches(rule, m(POD), policy_namespace="dev") is False


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]}, {"a": "2"}, True),
        ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {"a": "1"}, False),
        ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
        ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {}, False),
        ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {}, True),
        (
            {"matchLabels": {"a": "1"}, "matchExpressions": [{"key": "b", "operator": "Exists"}]},
            {"a": "1", "b": ""},
            True,
        ),
    ],
)
def test_label_selector(selector: dict[str, Any], labels: dict[str, str], expected: bool) -> None:
    assert check_selector(selector, labels) is expected


_KINDS_CASES: list[tuple[dict[str, Any], frozenset[str] | None]] = [
    (
        {
            "match": {
                "any": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"kinds": ["apps/v1/Deployment"]}}]
            }
        },
        frozenset({"Pod", "Deployment"}),
    ),
    (
        {
            "match": {
                "all": [{"resources": {"kinds": ["Pod", "Service"]}}, {"resources": {"kinds": ["Service"]}}]
            }
        },
        frozenset({"Service"}),
    ),
    (
        {
            "match": {
                "all": [{"resources": {"kinds": ["Pod"]}}, {"subjects": [{"kind": "User", "name": "x"}]}]
            }
        },
        frozenset({"Pod"}),
    ),
    ({"match": {"resources": {"kinds": ["Pod/exec", "v1/ConfigMap"]}}}, frozenset({"Pod", "ConfigMap"})),
    ({"match": {"any": [{"resources": {"kinds": ["*"]}}]}}, None),
    ({"match": {"any": [{"resources": {"kinds": ["Dep*"]}}]}}, None),
    (
        {
            "match": {
                "any": [{"resources": {"kinds": ["Pod"]}}, {"subjects": [{"kind": "User", "name": "x"}]}]
            }
        },
        None,
    ),
    ({"match": {"any": [{"resources": {"names": ["x"]}}]}}, None),
    ({"match": {}}, None),
]


@pytest.mark.parametrize(("rule", "expected"), _KINDS_CASES)
def test_rule_kinds(rule: dict[str, Any], expected: frozenset[str] | None) -> None:
    assert rule_kinds(rule) == expected


@pytest.mark.parametrize(("rule", "expected"), [c for c in _KINDS_CASES if c[1] is not None])
@pytest.mark.parametrize("kind", ["Pod", "Deployment", "Service", "ConfigMap", "Secret", ""])
def test_rule_kinds_never_excludes_a_match(rule: dict[str, Any], expected: frozenset[str], kind: str) -> None:
    """The per-kind index is a pre-filter: a kind outside the set must never match."""
    res = {"apiVersion": "apps/v1" if kind == "Deployment" else "v1", "kind": kind, "metadata": {"name": "x"}}
    for sub in ("", "exec"):
        m = MatchInput.of(res, subresource=sub) if sub else MatchInput.of(res)
        if rule_matches(rule, m):
            assert kind in expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"match": {"any": [{"resources": {"kinds": ["Pod", "Deployment"]}}]}}, True),  # one set lookup
        ({"match": {"any": [{"resources": {"kinds": ["v1/Pod"]}}]}}, True),
        ({"match": {"any": [{"resources": {"kinds": ["apps/v1/Pod"]}}]}}, False),
        ({"match": {"any": [{"resources": {"kinds": ["P?d"]}}]}}, True),
        ({"match": {"any": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"names": ["x"]}}]}}, True),
        ({"match": {"all": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"names": ["web-*"]}}]}}, True),
        ({"match": {"resources": {"kinds": ["Pod"]}}, "exclude": {"resources": {"kinds": ["Pod"]}}}, False),
        (
            {
                "match": {
                    "any": [{"resources": {"kinds": ["Pod"]}, "subjects": [{"kind": "User", "name": "x"}]}]
                }
            },
            True,
        ),
    ],
)
def test_compiled_rules(rule: dict[str, Any], expected: bool) -> None:
    for _ in range(2):  # the compiled rule is remembered and answers the same
        assert rule_matches(rule, m(POD)) is expected


def test_a_rule_given_new_blocks_is_compiled_again() -> None:
    rule: dict[str, Any] = {"match": {"any": [{"resources": {"kinds": ["Pod"]}}]}}
    assert rule_matches(rule, m(POD)) is True
    rule["match"] = {"any": [{"resources": {"kinds": ["Deployment"]}}]}
    assert rule_matches(rule, m(POD)) is False
    assert rule_matches(rule, m(DEPLOY)) is True
