"""JUnit XML for test runs: parseable, one suite per manifest, one case per row, failures carry the reason."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from argogate.model.run import CheckResult
from argogate.reporters import junit
from argogate.testrunner import Row, RunResult, SuiteResult, run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kyverno-tests"


def _row(success: bool, reason: str = "Ok", message: str = "", actual: str | None = "pass") -> Row:
    return Row("pol", "rule", "Pod/x", "pass", actual, success, reason, message)


def test_structure_and_counts() -> None:
    result = RunResult(
        [
            SuiteResult(
                "a/kyverno-test.yaml",
                "a",
                rows=[_row(True), _row(False, "Want pass, got fail", "denied", "fail")],
            ),
            SuiteResult(
                "b/kyverno-test.yaml",
                "b",
                error="b/kyverno-test.yaml: policy path does not exist: p.yaml\nmore",
            ),
            SuiteResult("c/kyverno-test.yaml", "c", rows=[_row(False, "Excluded", "no result", None)]),
        ]
    )
    root = ET.fromstring(junit.render(result))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == [
        ("a", "2", "1", "0"),
        ("b", "1", "0", "1"),
        ("c", "1", "1", "0"),
    ]
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["pol/rule Pod/x expect pass"] * 2
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message") == "Want pass, got fail"
    assert failure.text == "expected: pass\nactual: fail\ndenied"
    err = suites[1].find("testcase/error")
    assert err is not None and err.get("message") == "b/kyverno-test.yaml: policy path does not exist: p.yaml"
    missing = suites[2].find("testcase/failure")
    assert missing is not None and "actual: no result" in (missing.text or "")


def test_control_characters_stay_parseable() -> None:
    result = RunResult([SuiteResult("p", "s\x01", rows=[_row(False, "bad \x08 reason", "msg \x00 <&>")])])
    root = ET.fromstring(junit.render(result))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None and "<&>" in failure.text


def test_fixture_run_renders() -> None:
    root = ET.fromstring(junit.render(run([str(FIXTURES / "passing"), str(FIXTURES / "wrong-expectation")])))
    assert [s.get("name") for s in root.findall("testsuite")] == ["require-team-label", "wrong-expectation"]
    assert (root.get("tests"), root.get("failures")) == ("11", "3")


def test_check_run_parses_and_follows_the_exit_code(check_run: CheckResult) -> None:
    root = ET.fromstring(junit.render(check_run))
    assert root.get("name") == "argogate check"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "8",
        "1",
        "2",
        "1",
    )
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["api", "batch", "web", "reports"]
    failure = suites["batch"].find("testcase/failure")
    assert failure is not None and failure.get("type") == "Enforce"
    case = suites["batch"].find("testcase")
    assert case is not None and (case.get("file"), case.get("line")) == ("apps/batch/cronjob.yaml", "12")
    audit = suites["api"].find("testcase")
    assert audit is not None and audit.find("failure") is None
    assert (audit.findtext("system-out") or "").startswith("AUDIT: charts/api/templates/deployment.yaml:3")
    render_err = suites["reports"].find("testcase/error")
    assert render_err is not None and render_err.get("type") == "RenderError"


def test_check_run_fail_on_audit(check_run: CheckResult) -> None:
    check_run.fail_on = "audit"
    root = ET.fromstring(junit.render(check_run))
    assert root.get("failures") == "3"
