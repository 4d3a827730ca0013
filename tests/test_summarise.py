"""PolicyReports in every shape we meet, grouped by policy, rule and namespace."""

from __future__ import annotations

import json
from typing import Any

import pytest

from argogate.errors import ResourceLoadError
from argogate.summarise import CLUSTER, parse_reports, render_text, summarise, to_json


def _res(kind: str, name: str, ns: str = "") -> dict[str, str]:
    return {"apiVersion": "v1", "kind": kind, "name": name, "namespace": ns}


def _result(
    policy: str, rule: str, result: str, *resources: dict[str, str], message: str = "m"
) -> dict[str, Any]:
    out: dict[str, Any] = {"policy": policy, "rule": rule, "result": result, "message": message}
    if resources:
        out["resources"] = list(resources)
    return out


# `kubectl get policyreport -A -o json`: a List of namespaced reports, resources per result
KUBECTL_LIST = {
    "apiVersion": "v1",
    "kind": "List",
    "items": [
        {
            "apiVersion": "wgpolicyk8s.io/v1alpha2",
            "kind": "PolicyReport",
            "metadata": {"name": "polr-ns-team-a", "namespace": "team-a"},
            "results": [
                _result("require-labels", "check-team", "fail", _res("Deployment", "web", "team-a")),
                _result("require-labels", "check-team", "fail", _res("Deployment", "api", "team-a")),
                _result("require-labels", "check-team", "pass", _res("Deployment", "ok", "team-a")),
                _result("latest-tag", "validate", "warn", _res("Pod", "p", "team-a")),
            ],
        },
        {
            "apiVersion": "wgpolicyk8s.io/v1alpha2",
            "kind": "PolicyReport",
            # Kyverno 1.10+: one report per resource, named by `scope`, results without resources
            "metadata": {"name": "0f1e", "namespace": "team-b"},
            "scope": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "db", "namespace": "team-b"},
            "results": [_result("require-labels", "check-team", "fail"), _result("limits", "cpu", "error")],
        },
    ],
}
CLUSTER_REPORT = {
    "apiVersion": "wgpolicyk8s.io/v1alpha2",
    "kind": "ClusterPolicyReport",
    "metadata": {"name": "cpolr"},
    "results": [_result("ns-owner", "check-owner", "fail", _res("Namespace", "team-a"))],
}


def test_groups_by_rule_then_namespace() -> None:
    reports = parse_reports(json.dumps(KUBECTL_LIST), "a.json") + parse_reports(
        json.dumps(CLUSTER_REPORT), "b.json"
    )
    s = summarise(reports)
    assert s.reports == 3 and sum(s.results.values()) == 7
    assert [(k, len(v)) for k, v in s.by_rule()] == [
        (("require-labels", "check-team"), 3),
        (("latest-tag", "validate"), 1),
        (("limits", "cpu"), 1),
        (("ns-owner", "check-owner"), 1),
    ]
    doc = to_json(s)
    assert doc["rules"][0]["namespaces"] == {
        "team-a": ["Deployment/api", "Deployment/web"],
        "team-b": ["Deployment/db"],
    }
    assert doc["rules"][3]["namespaces"] == {CLUSTER: ["Namespace/team-a"]}


@pytest.mark.parametrize(
    ("failures_only", "policies", "expected"),
    [
        (False, (), 6),
        (True, (), 5),  # the warn goes
        (False, ("require-labels",), 3),
        (True, ("latest-tag",), 0),
        (False, ("latest-tag", "ns-owner"), 2),
    ],
)
def test_filters(failures_only: bool, policies: tuple[str, ...], expected: int) -> None:
    reports = parse_reports(json.dumps(KUBECTL_LIST), "a") + parse_reports(json.dumps(CLUSTER_REPORT), "b")
    assert len(summarise(reports, failures_only=failures_only, policies=policies).violations) == expected


def test_text() -> None:
    text = render_text(summarise(parse_reports(json.dumps(KUBECTL_LIST), "a"), policies=("require-labels",)))
    assert text.splitlines() == [
        "3 violations of 1 rule in 2 namespaces (2 reports, 6 results)",
        "",
        "require-labels/check-team: 3 (fail 3)",
        "  message: m",
        "  team-a: 2  Deployment/api, Deployment/web",
        "  team-b: 1  Deployment/db",
    ]
    assert render_text(summarise([])) == "no violations (0 reports, 0 results)\n"


def test_many_resources_are_cut_short() -> None:
    report = {
        "kind": "PolicyReport",
        "metadata": {"name": "r", "namespace": "n"},
        "results": [_result("p", "r", "fail", _res("Pod", f"p{i}", "n")) for i in range(8)],
    }
    text = render_text(summarise(parse_reports(json.dumps(report), "x")))
    assert "  n: 8  Pod/p0, Pod/p1, Pod/p2, Pod/p3, Pod/p4, +3 more" in text


def test_yaml_and_argogate_single_report() -> None:
    text = (
        "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: argogate}\nresults: []\n"
    )
    assert len(parse_reports(text, "r.yaml")) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"kind": "Deployment"}', "kind 'Deployment' is not a PolicyReport"),
        ("[1, 2]", "not a PolicyReport or a List"),
        ('{"kind": "List", "items": {}}', "`items` is not a list"),
        ("{bad: [", "not valid JSON or YAML"),
    ],
)
def test_bad_input_names_the_file(text: str, message: str) -> None:
    with pytest.raises(ResourceLoadError) as info:
        parse_reports(text, "in.json")
    assert message in info.value.message and info.value.file == "in.json"
