"""SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps): findings pinned to Git lines.

One run; one reportingDescriptor per `policy/rule` that has a finding, described from the policy's
`policies.kyverno.io/title` and `/description` annotations when it has them. One result per
finding, located at the file and line the rendered object came from (`RuleResult.origin`), with
the resource and app as a logical location. Passes and skips are not results: code scanning
shows every result as an alert. Levels follow the exit code: `error` for a failure that gates the
sync (Enforce, or any failure under `failOn: audit`), `warning` for an audit-only failure or a rule
that could not be evaluated, `note` for `warn` (unscored) results. An app that could not be
rendered becomes a tool execution notification, and the invocation is marked unsuccessful.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from argogate import __version__
from argogate.model.result import Origin, RuleResult, RuleStatus
from argogate.model.run import AppResult, CheckResult, PolicyDoc

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_REPORTED = (RuleStatus.FAIL, RuleStatus.ERROR, RuleStatus.WARN)


def _level(run: CheckResult, r: RuleResult) -> str:
    if r.status is RuleStatus.FAIL:
        return "error" if run.gates(r) else "warning"
    return "warning" if r.status is RuleStatus.ERROR else "note"


def _uri(path: str) -> str:
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def _location(origin: Origin) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(origin.file)}}
    if origin.line:
        physical["region"] = {"startLine": origin.line}
    return {"physicalLocation": physical}


def _rule(rule_id: str, policy: str, rule: str, doc: PolicyDoc | None) -> dict[str, Any]:
    doc = doc or PolicyDoc()
    title = doc.title or policy
    help_text = doc.description or f"Kyverno policy {policy}, rule {rule}."
    if doc.file:
        help_text += f" Defined in {doc.file}."
    desc: dict[str, Any] = {
        "id": rule_id,
        "name": rule,
        "shortDescription": {"text": f"{title}: {rule}"},
        "help": {"text": help_text},
        "properties": {"tags": ["kyverno", *([doc.category] if doc.category else [])]},
    }
    if doc.description:
        desc["fullDescription"] = {"text": doc.description}
    if doc.severity:
        desc["properties"]["severity"] = doc.severity
    return desc


def _result(run: CheckResult, app: AppResult, r: RuleResult, index: int) -> dict[str, Any]:
    res = r.resource
    key = "\x00".join((app.name, r.policy, r.rule, res.api_version, res.kind, res.namespace, res.name))
    out: dict[str, Any] = {
        "ruleId": f"{r.policy}/{r.rule}",
        "ruleIndex": index,
        "level": _level(run, r),
        "message": {"text": f"{res.display()}: {r.message}"},
        "locations": [_location(r.origin)] if r.origin is not None else [],
        "partialFingerprints": {"argogateFinding/v1": hashlib.sha256(key.encode()).hexdigest()},
        "properties": {"app": app.name, "status": r.status.value, "resource": res.to_dict()},
    }
    if out["locations"]:
        out["locations"][0]["logicalLocations"] = [
            {"name": res.display(), "fullyQualifiedName": f"{app.name}/{res.display()}", "kind": "resource"}
        ]
    if r.status is RuleStatus.FAIL:
        out["properties"]["action"] = "Enforce" if r.enforce else "Audit"
    if r.origin is not None and r.origin.detail:
        out["properties"]["renderedBy"] = r.origin.detail
    return out


def _notification(app: AppResult) -> dict[str, Any]:
    assert app.error is not None
    note: dict[str, Any] = {
        "level": "error",
        "message": {"text": f"app {app.name} ({app.path}) cannot be rendered: {app.error}"},
    }
    if app.error.file:
        note["locations"] = [_location(Origin(app.error.file, app.error.line))]
    return note


def to_sarif(run: CheckResult) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for app in run.apps:
        for r in app.report.results:
            if r.status not in _REPORTED:
                continue
            rule_id = f"{r.policy}/{r.rule}"
            if rule_id not in index:
                index[rule_id] = len(rules)
                rules.append(_rule(rule_id, r.policy, r.rule, run.policies.get(r.policy)))
            results.append(_result(run, app, r, index[rule_id]))
    invocation: dict[str, Any] = {"executionSuccessful": not run.errors}
    if run.errors:
        invocation["toolExecutionNotifications"] = [_notification(a) for a in run.errors]
    sarif_run: dict[str, Any] = {
        "tool": {"driver": {"name": "argogate", "version": __version__, "rules": rules}},
        "invocations": [invocation],
        "results": results,
        "properties": {"source": run.source, "failOn": run.fail_on},
    }
    if run.commit:
        sarif_run["properties"]["commit"] = run.commit
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [sarif_run]}


def render(run: CheckResult) -> str:
    return json.dumps(to_sarif(run), indent=2) + "\n"
