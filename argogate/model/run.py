"""A whole run: results per app, plus what was skipped and why. Reporters render this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argogate.errors import EXIT_OK, EXIT_POLICY_FAIL, EXIT_USAGE, ArgogateError
from argogate.model.result import Report, RuleResult, RuleStatus


@dataclass
class AppResult:
    name: str
    path: str
    kind: str
    report: Report = field(default_factory=Report)
    objects: list[dict[str, Any]] = field(default_factory=list)
    generated: list[dict[str, Any]] = field(default_factory=list)
    originals: list[dict[str, Any]] = field(default_factory=list)  # the objects before mutation (preview)
    error: ArgogateError | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str
    where: str = ""


@dataclass(frozen=True)
class PolicyDoc:
    """What a policy says about itself (its `policies.kyverno.io/*` annotations), for reporters
    that describe rules (SARIF's rule help, JUnit properties)."""

    title: str = ""
    description: str = ""
    category: str = ""
    severity: str = ""
    file: str = ""


@dataclass
class CheckResult:
    source: str
    commit: str | None
    apps: list[AppResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    policy_count: int = 0
    fail_on: str = "enforce"
    policies: dict[str, PolicyDoc] = field(default_factory=dict)  # by report name (`ns/name` if namespaced)

    @property
    def results(self) -> list[RuleResult]:
        return [r for a in self.apps for r in a.report.results]

    @property
    def errors(self) -> list[AppResult]:
        return [a for a in self.apps if a.error is not None]

    def exit_code(self) -> int:
        """2 when an app could not be rendered, 1 when a rule blocks, else 0."""
        if self.errors:
            return EXIT_USAGE
        report = Report(self.results)
        return EXIT_POLICY_FAIL if report.exit_code(fail_on_audit=self.fail_on == "audit") else EXIT_OK

    def gates(self, r: RuleResult) -> bool:
        """Whether this result fails the run: an enforced failure, or any failure under `failOn: audit`."""
        return r.blocks or (self.fail_on == "audit" and r.status is RuleStatus.FAIL)


def single_run(report: Report, *, name: str = "resources", source: str = "") -> CheckResult:
    """Wrap one report (from `apply`) as a run with one app, so every reporter takes the same input."""
    return CheckResult(
        source=source, commit=None, apps=[AppResult(name=name, path="", kind="", report=report)]
    )
