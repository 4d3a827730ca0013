"""wgpolicyk8s.io/v1alpha2 PolicyReport, as JSON or YAML: one report per app.

One app (always the case for `apply`) gives a bare PolicyReport, the shape
`--report-json` promises; several give a `List` of them.
"""

from __future__ import annotations

import json
from typing import Any

from argogate.model.result import Report, RuleResult
from argogate.model.run import CheckResult


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


def to_document(run: CheckResult) -> dict[str, Any]:
    reports = [to_policy_report(a.report, name=f"argogate-{a.name}") for a in run.apps]
    if len(reports) == 1:
        return reports[0]
    return {"apiVersion": "v1", "kind": "List", "items": reports}


def render_json(run: CheckResult) -> str:
    return json.dumps(to_document(run), indent=2) + "\n"


def render_yaml(run: CheckResult) -> str:
    from argogate.yamlio import dump

    return dump(to_document(run))
