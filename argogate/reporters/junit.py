"""JUnit XML for `argogate test` runs, the format every CI system renders.

One <testsuite> per test manifest, one <testcase> per result row (an expected result
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


def render(run: RunLike, *, title: str = "argogate test") -> str:
    root = ET.Element("testsuites", name=title)
    totals = [0, 0, 0]
    for suite in run.suites:
        for i, n in enumerate(_suite(root, suite)):
            totals[i] += n
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
