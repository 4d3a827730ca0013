"""Orchestration: discover manifests, evaluate each once, hold every expected result against the actual ones.

The comparison rules (and where they are stricter than Kyverno) are described in the
package docstring, `argogate/testrunner/__init__.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argogate.engine import wildcards
from argogate.engine.celpolicies import CelPolicy
from argogate.errors import ArgogateError, UsageError
from argogate.model.policy import Policy
from argogate.model.result import ResourceRef, RuleResult
from argogate.testrunner.compare import compare_generated, compare_patched, load_expected
from argogate.testrunner.manifest import (
    TEST_FILE_NAMES,
    Expected,
    Target,
    TestManifest,
    is_test_manifest,
    load_manifest,
)
from argogate.yamlio import load_file


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the result table: an expected result checked against one actual result (or none)."""

    policy: str
    rule: str
    resource: str
    expected: str
    actual: str | None
    success: bool
    reason: str
    message: str

    @property
    def result(self) -> str:
        return "Pass" if self.success else "Fail"

    @property
    def skipped(self) -> bool:
        """Kyverno counts a met `skip` expectation apart from passes (`rc.Skip`)."""
        return self.success and self.expected == "skip"


@dataclass
class SuiteResult:
    path: str
    name: str
    rows: list[Row] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    policy_count: int = 0
    resource_count: int = 0

    @property
    def failed(self) -> bool:
        return self.error is not None or any(not r.success for r in self.rows)


@dataclass
class RunResult:
    suites: list[SuiteResult] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [r for s in self.suites for r in s.rows]

    def counts(self) -> dict[str, int]:
        rows = self.rows
        return {
            "pass": sum(1 for r in rows if r.success and not r.skipped),
            "skip": sum(1 for r in rows if r.skipped),
            "fail": sum(1 for r in rows if not r.success),
            "errors": sum(1 for s in self.suites if s.error is not None),
        }

    @property
    def exit_code(self) -> int:
        c = self.counts()
        return 1 if c["fail"] or c["errors"] else 0


@dataclass(frozen=True, slots=True)
class Selector:
    """`--test-case-selector "policy=a*,rule=*,resource=x"` (kyverno `test/filter/filter.go`), wildcards allowed."""

    policy: str = "*"
    rule: str = "*"
    resource: str = "*"

    def keep(self, exp: Expected) -> Expected | None:
        if not wildcards.match(self.policy, exp.policy) or not wildcards.match(self.rule, exp.rule):
            return None
        targets = tuple(t for t in exp.targets if wildcards.match(self.resource, t.label))
        if not targets:
            return None
        return exp if targets == exp.targets else exp.with_targets(targets)


def parse_selector(text: str) -> Selector:
    fields = {"policy": "*", "rule": "*", "resource": "*"}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in fields:
            raise UsageError(
                f"invalid test case selector {part!r}",
                hint='use "policy=NAME,rule=NAME,resource=NAME" (wildcards allowed)',
            )
        fields[key] = value.strip() or "*"
    return Selector(**fields)


def discover(paths: Sequence[str], file_names: Iterable[str] = TEST_FILE_NAMES) -> list[Path]:
    """Test manifests named on the command line, plus those found under directories, in a stable order."""
    names = tuple(file_names)
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise UsageError(
                f"test path does not exist: {raw}",
                hint="pass directories holding kyverno-test.yaml files, or the files",
            )
        if p.is_file():
            found.append(p)
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d != ".git")
            for f in sorted(files):
                if f in names and (f == "kyverno-test.yaml" or _looks_like_test(Path(root) / f)):
                    found.append(Path(root) / f)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _looks_like_test(path: Path) -> bool:
    try:
        docs = load_file(path)
    except ArgogateError:
        return True  # a broken file with a test's name is reported, not skipped
    return bool(docs) and is_test_manifest(docs[0].data)


def run(
    paths: Sequence[str], *, file_names: Iterable[str] = TEST_FILE_NAMES, selector: Selector | None = None
) -> RunResult:
    out = RunResult()
    for path in discover(paths, file_names):
        out.suites.append(run_suite(path, selector))
    return out


def run_suite(path: Path, selector: Selector | None = None) -> SuiteResult:
    """Load one manifest, evaluate it, and check every expected result. Never raises for bad input."""
    suite = SuiteResult(str(path), path.parent.name)
    try:
        manifest = load_manifest(path)
    except ArgogateError as exc:
        suite.error = str(exc)
        return suite
    suite.name = manifest.name
    suite.warnings.extend(manifest.warnings)
    expected = manifest.results
    if selector is not None:
        expected = [e for e in (selector.keep(x) for x in expected) if e is not None]
    try:
        run_ = _Run(manifest)
    except ArgogateError as exc:
        suite.error = str(exc)
        return suite
    except Exception as exc:  # an engine bug must not hide the other suites' results
        suite.error = f"internal error while evaluating: {type(exc).__name__}: {exc}"
        return suite
    suite.policy_count, suite.resource_count = len(run_.policies) + len(run_.unsupported), len(run_.resources)
    suite.warnings.extend(run_.warnings)
    for exp in expected:
        for target in exp.targets:
            suite.rows.extend(run_.check(exp, target))
    if manifest.checks:
        unsupported = "`checks` assertions are not supported by argogate"
        suite.rows.append(Row("-", "-", "-", "checks", None, False, "Unsupported", unsupported))
    return suite


class _Run:
    """One evaluated suite: the engine's output plus what is needed to compare against it."""

    def __init__(self, manifest: TestManifest) -> None:
        from argogate.engine.api import InMemoryLookup
        from argogate.engine.pipeline import Engine

        self.manifest = manifest
        self.warnings: list[str] = []
        loaded, self.resources, lookup_extra = manifest.load_inputs(self.warnings)
        self.policies: list[Policy] = loaded.policies
        self.cel_policies: list[CelPolicy] = loaded.cel.policies
        self.unsupported = manifest.unsupported_policy_kinds(loaded.unsupported)
        engine = Engine(
            loaded.policies,
            loaded.exceptions,
            values=manifest.load_values(),
            admission=manifest.load_userinfo(),
            lookup=InMemoryLookup([*self.resources, *lookup_extra]),
            cel=loaded.cel,
            cel_context=manifest.load_context(),
        )
        ev = engine.evaluate(self.resources)
        self.patched = ev.resources
        self.generated = ev.generated
        self.results: list[RuleResult] = ev.results

    def check(self, exp: Expected, target: Target) -> list[Row]:
        display = target.display(exp.kind)

        def row(success: bool, reason: str, message: str, actual: str | None = None) -> Row:
            return Row(exp.policy, exp.rule, display, exp.result, actual, success, reason, message)

        policies = [p for p in self.policies if _policy_matches(exp.policy, p)]
        cel = [p for p in self.cel_policies if _policy_matches(exp.policy, p)]
        if not policies and not cel:
            kind = self.unsupported.get(exp.policy) or self.unsupported.get(exp.policy.rpartition("/")[2])
            if kind:
                return [
                    row(
                        False,
                        "Unsupported",
                        f"policy {exp.policy} is a {kind}, which argogate does not evaluate",
                    )
                ]
            return [row(False, "Not found", f"policy {exp.policy} is not among the suite's policies")]
        # the CEL kinds have no rules: kyverno test ignores the entry's rule for them
        rules = exp.rule_names() if policies else None
        if rules is not None and not any(r.name in rules for p in policies for r in p.rules):
            return [row(False, "Not found", f"rule {exp.rule} is not in policy {exp.policy}")]
        if not (target.kind or exp.kind):
            return [row(False, "Not found", "the result has no `kind`, so no resource can match it")]
        inputs = [r for r in self.patched if target.matches(ResourceRef.of(r), exp.kind)]
        if not inputs:
            return [row(False, "Not found", f"resource {display} is not among the suite's resources")]
        names = {p.report_name for p in policies} | {p.report_name for p in cel}
        actuals = [
            a
            for a in self.results
            if a.policy in names
            and (rules is None or a.rule in rules)
            and target.matches(a.resource, exp.kind)
        ]
        if not actuals:
            if exp.result == "skip":
                return [row(True, "Excluded", "Excluded")]
            return [
                row(
                    False,
                    "Excluded",
                    f"the rule does not apply to this resource (no result), but {exp.result} was expected",
                )
            ]
        return [self._check_one(exp, a, row) for a in actuals]

    def _check_one(self, exp: Expected, actual: RuleResult, row: Callable[..., Row]) -> Row:
        """kyverno `checkResult`: patched resource, then generated resource, then the status."""
        status = actual.status.value
        if exp.patched_resource:
            mine = next((r for r in self.patched if ResourceRef.of(r) == actual.resource), None)
            ok, reason, message = self._compare(
                exp.patched_resource, lambda docs: compare_patched(docs, mine or {})
            )
            if not ok:
                return row(False, reason, message, status)
        if exp.generated_resource:
            ok, reason, message = self._compare(
                exp.generated_resource, lambda docs: compare_generated(docs, self.generated)
            )
            if not ok:
                return row(False, reason, message, status)
        if status != exp.result:
            return row(False, f"Want {exp.result}, got {status}", actual.message, status)
        return row(True, "Ok", actual.message, status)

    def _compare(
        self, rel: str, against: Callable[[list[dict[str, Any]]], tuple[bool, str, str]]
    ) -> tuple[bool, str, str]:
        try:
            docs = load_expected(self.manifest.resolve(rel))
        except ArgogateError as exc:
            return False, "Resource error", f"failed to load resource ({exc})"
        return against(docs)


def _policy_matches(wanted: str, policy: Policy | CelPolicy) -> bool:
    """Kyverno names a namespaced Policy `ns/name` (`cache.MetaObjectToName`); the bare name is accepted too."""
    return wanted == policy.report_name or wanted == policy.name
