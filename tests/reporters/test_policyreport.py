"""The streamed JSON writers give exactly the bytes of the one-piece renderers, compact."""

from __future__ import annotations

import dataclasses
import io
import json

from argogate.model.run import CheckResult
from argogate.reporters.policyreport import (
    render_json,
    to_document,
    to_policy_report,
    write_json,
    write_policy_report,
)
from tests.reporters.conftest import build_run


def _single(run: CheckResult) -> CheckResult:
    return dataclasses.replace(run, apps=run.apps[:1])


def test_write_json_equals_render_json_for_several_apps() -> None:
    run = build_run()
    assert len(run.apps) > 1
    out = io.StringIO()
    write_json(run, out)
    assert out.getvalue() == render_json(run)
    assert json.loads(out.getvalue()) == to_document(run)


def test_write_json_equals_render_json_for_one_app() -> None:
    run = _single(build_run())
    out = io.StringIO()
    write_json(run, out)
    assert out.getvalue() == render_json(run)
    assert json.loads(out.getvalue())["kind"] == "PolicyReport"


def test_write_policy_report_is_the_compact_policy_report() -> None:
    report = build_run().apps[0].report
    assert report.results
    out = io.StringIO()
    write_policy_report(report, out, name="x")
    assert out.getvalue() == json.dumps(to_policy_report(report, name="x"), separators=(",", ":"))


def test_json_is_compact() -> None:
    text = render_json(build_run())
    assert "\n" not in text[:-1]
    assert text == json.dumps(json.loads(text), separators=(",", ":")) + "\n"
    assert text.startswith('{"apiVersion":')


def test_empty_report() -> None:
    run = _single(build_run())
    run.apps[0].report.results.clear()
    out = io.StringIO()
    write_json(run, out)
    assert json.loads(out.getvalue())["results"] == []
    assert out.getvalue() == render_json(run)


def test_encode_results_is_the_compact_encoding_of_each_entry() -> None:
    from argogate.model.result import Origin, ResourceRef, RuleResult, RuleStatus
    from argogate.reporters.policyreport import _COMPACT, encode_results, result_entry

    ref = ResourceRef("apps/v1", "Deployment", "prod", "web")
    shared_origin = Origin("apps/web.yaml", 3, "kustomize build")
    results = [
        RuleResult("p", "r", RuleStatus.FAIL, 'quote " and é ✓ \n', ref, rule_type="validate", enforce=True, origin=shared_origin),
        RuleResult("p", "r", RuleStatus.FAIL, "audit", ref, rule_type="validate", enforce=False, origin=shared_origin),
        RuleResult("ns/p", "r2", RuleStatus.WARN, "", ResourceRef("v1", "Namespace", "", "x"), category="Best Practices", severity="high"),
        RuleResult("p", "r", RuleStatus.PASS, "ok", ref, rule_type="", origin=Origin("a.yaml")),
        RuleResult("p", "r3", RuleStatus.SKIP, "skipped", ref, severity="low", rule_type="mutate"),
        RuleResult("p", "r3", RuleStatus.ERROR, "boom", ref, category="c", rule_type="mutate"),
    ]
    expected = ",".join(_COMPACT.encode(result_entry(r)) for r in results)
    assert encode_results(results) == expected
    assert json.loads("[" + encode_results(results) + "]")[2]["scored"] is False
    assert encode_results([]) == ""
