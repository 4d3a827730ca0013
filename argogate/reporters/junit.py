"""JUnit XML, the format every CI system renders, for `argogate test` and `argogate check` runs.

`argogate check` (a CheckResult): one <testsuite> per app, one <testcase> per rule result
(`[policy/rule] Kind/ns/name`, with the Git file and line of the resource). Failures follow the
exit code, so the report and the build never disagree: a failure that gates the sync (Enforce, or
any under `failOn: audit`) is a <failure>; an audit-only one is a passing case whose finding is in
<system-out> and a property, because CI systems turn any <failure> red. A rule `error` is an
<error>, `skip` is <skipped>, and an app that could not be rendered is one <error> case.

`argogate test`: one <testsuite> per test manifest, one <testcase> per result row (an expected result
checked against one resource). A mismatch is a <failure> whose message is the row's
reason (`Want fail, got pass`, `Not found`, ...) and whose text is the detail; a
manifest that could not be loaded or evaluated is a suite with one <error> case. A met
`skip` expectation is a passing case: the check ran and held.

The reporter only reads attributes, described here as Protocols, so it does not
import the test runner (reporters sit below it in the layering).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Protocol

from argogate.model.result import RuleResult, RuleStatus
from argogate.model.run import AppResult, CheckResult


class RowLike(Protocol):
    @property
    def policy(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def resource(self) -> str: ...
    @property
    def expected(self) -> str: ...
    @property
    def actual(self) -> str | None: ...
    @property
    def success(self) -> bool: ...
    @property
    def reason(self) -> str: ...
    @property
    def message(self) -> str: ...


class SuiteLike(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def rows(self) -> Sequence[RowLike]: ...
    @property
    def error(self) -> str | None: ...


class RunLike(Protocol):
    @property
    def suites(self) -> Sequence[SuiteLike]: ...


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped; messages may quote resource data."""
    return _NOT_XML.sub("\ufffd", text)


def _case_name(row: RowLike) -> str:
    rule = f"/{row.rule}" if row.rule else ""
    return _clean(f"{row.policy}{rule} {row.resource} expect {row.expected}")


def _suite(parent: ET.Element, suite: SuiteLike) -> tuple[int, int, int]:
    name, path = _clean(suite.name), _clean(suite.path)
    el = ET.SubElement(parent, "testsuite", name=name, file=path)
    failures = errors = 0
    if suite.error is not None:
        case = ET.SubElement(el, "testcase", name="load and evaluate", classname=name, file=path)
        first = suite.error.splitlines()[0] if suite.error else "error"
        err = ET.SubElement(case, "error", message=_clean(first), type="TestError")
        err.text = _clean(suite.error)
        errors = 1
    for row in suite.rows:
        case = ET.SubElement(el, "testcase", name=_case_name(row), classname=name, file=path)
        if not row.success:
            failures += 1
            fail = ET.SubElement(case, "failure", message=_clean(row.reason), type="Mismatch")
            actual = row.actual if row.actual is not None else "no result"
            fail.text = _clean(f"expected: {row.expected}\nactual: {actual}\n{row.message}".rstrip())
    tests = len(suite.rows) + errors
    el.set("tests", str(tests))
    el.set("failures", str(failures))
    el.set("errors", str(errors))
    el.set("skipped", "0")
    return tests, failures, errors


def render(run: RunLike | CheckResult, *, title: str | None = None) -> str:
    if isinstance(run, CheckResult):
        return _render_check(run, title or "argogate check")
    root = ET.Element("testsuites", name=title or "argogate test")
    totals = [0, 0, 0]
    for suite in run.suites:
        for i, n in enumerate(_suite(root, suite)):
            totals[i] += n
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))
    return _serialise(root)


def _serialise(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _check_case(suite: ET.Element, run: CheckResult, app: AppResult, r: RuleResult) -> str:
    """Add one case; return the counter it adds to: tests, failures, errors or skipped."""
    attrs = {"name": _clean(f"[{r.policy}/{r.rule}] {r.resource.display()}"), "classname": _clean(app.name)}
    if r.origin is not None:
        attrs["file"] = _clean(r.origin.file)
        if r.origin.line:
            attrs["line"] = str(r.origin.line)
    case = ET.SubElement(suite, "testcase", attrs)
    where = f"{r.origin.display()}\n" if r.origin is not None else ""
    if r.status is RuleStatus.FAIL and run.gates(r):
        fail = ET.SubElement(
            case, "failure", message=_clean(r.message), type="Enforce" if r.enforce else "Audit"
        )
        fail.text = _clean(f"{where}{r.message}")
        return "failures"
    if r.status is RuleStatus.ERROR:
        err = ET.SubElement(case, "error", message=_clean(r.message), type="RuleError")
        err.text = _clean(f"{where}{r.message}")
        return "errors"
    if r.status is RuleStatus.SKIP:
        ET.SubElement(case, "skipped", message=_clean(r.message))
        return "skipped"
    if r.status in (RuleStatus.FAIL, RuleStatus.WARN):
        label = "audit" if r.status is RuleStatus.FAIL else "warn"
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", name="finding", value=label)
        out = ET.SubElement(case, "system-out")
        out.text = _clean(f"{label.upper()}: {where}{r.message}")
    return "tests"


def _render_check(run: CheckResult, title: str) -> str:
    root = ET.Element("testsuites", name=_clean(title))
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for app in run.apps:
        suite = ET.SubElement(root, "testsuite", name=_clean(app.name))
        if app.path:
            suite.set("file", _clean(app.path))
        counts = dict.fromkeys(totals, 0)
        if app.error is not None:
            case = ET.SubElement(suite, "testcase", name="render", classname=_clean(app.name))
            err = ET.SubElement(case, "error", message=_clean(str(app.error)), type=type(app.error).__name__)
            err.text = _clean(app.error.render())
            counts["errors"] += 1
        for r in app.report.results:
            counts[_check_case(suite, run, app, r)] += 1
        counts["tests"] = len(suite.findall("testcase"))
        for key, n in counts.items():
            suite.set(key, str(n))
            totals[key] += n
    for key, n in totals.items():
        root.set(key, str(n))
    return _serialise(root)
