"""wgpolicyk8s.io/v1alpha2 PolicyReport, as JSON or YAML (what `--report-json` writes)."""

from __future__ import annotations

import json
from typing import Any

from argogate.model.result import Report, RuleResult


def result_entry(r: RuleResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "policy": r.policy,
        "rule": r.rule,
        "result": r.status.value,
        "message": r.message,
        "resources": [r.resource.to_dict()],
        "scored": r.status.value != "warn",
        "source": "kyverno",
    }
    if r.category:
        entry["category"] = r.category
    if r.severity:
        entry["severity"] = r.severity
    props: dict[str, str] = {}
    if r.rule_type:
        props["ruleType"] = r.rule_type
    if r.origin is not None:
        props["source"] = r.origin.display()
    if r.status.value == "fail":
        props["action"] = "Enforce" if r.enforce else "Audit"
    if props:
        entry["properties"] = props
    return entry


def to_policy_report(report: Report, *, name: str = "argogate") -> dict[str, Any]:
    return {
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "PolicyReport",
        "metadata": {"name": name},
        "results": [result_entry(r) for r in report.results],
        "summary": report.summary(),
    }


def render_json(report: Report, *, title: str = "") -> str:
    return json.dumps(to_policy_report(report, name=title or "argogate"), indent=2) + "\n"


def render_yaml(report: Report, *, title: str = "") -> str:
    from argogate.yamlio import dump

    return dump(to_policy_report(report, name=title or "argogate"))
