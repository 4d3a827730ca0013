"""Typed results: one RuleResult per (policy, rule, resource) that was evaluated.

The status vocabulary is the PolicyReport one (kyverno `api/rulestatus.go`):

- pass:  the resource satisfies the rule;
- fail:  the resource violates the rule (blocks only if the rule is enforced);
- warn:  a violation of a rule that is not scored (`policies.kyverno.io/scored: "false"`);
- error: the rule could not be evaluated (bad variable, unreachable lookup, ...);
- skip:  the rule matched but did not apply (preconditions not met, conditional
         anchor mismatch, an exception, ...).

A rule that does not match a resource produces no result at all, as in Kyverno.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from argogate.errors import EXIT_OK, EXIT_POLICY_FAIL


class RuleStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    ERROR = "error"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class ResourceRef:
    api_version: str
    kind: str
    namespace: str
    name: str

    @classmethod
    def of(cls, resource: dict[str, Any]) -> ResourceRef:
        md = resource.get("metadata") or {}
        return cls(
            str(resource.get("apiVersion") or ""),
            str(resource.get("kind") or ""),
            str(md.get("namespace") or ""),
            str(md.get("name") or md.get("generateName") or ""),
        )

    def display(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"

    def to_dict(self) -> dict[str, str]:
        return {"apiVersion": self.api_version, "kind": self.kind, "namespace": self.namespace, "name": self.name}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a resource came from: a file and line, plus a detail (a Helm template, a kustomize base)."""

    file: str
    line: int | None = None
    detail: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def display(self) -> str:
        return f"{self} ({self.detail})" if self.detail else str(self)


@dataclass(frozen=True, slots=True)
class RuleResult:
    policy: str
    rule: str
    status: RuleStatus
    message: str
    resource: ResourceRef
    rule_type: str = ""
    enforce: bool = False
    policy_kind: str = "ClusterPolicy"
    category: str = ""
    severity: str = ""
    origin: Origin | None = None
    policy_origin: Origin | None = None

    @property
    def blocks(self) -> bool:
        """A failure of an enforced rule blocks the sync; audit failures are only reported."""
        return self.status is RuleStatus.FAIL and self.enforce


@dataclass
class Report:
    results: list[RuleResult] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return status_summary(Counter(r.status.value for r in self.results))

    @property
    def blocking(self) -> list[RuleResult]:
        return [r for r in self.results if r.blocks]

    def exit_code(self, *, fail_on_audit: bool = False) -> int:
        failed = sum(1 for r in self.results if r.status is RuleStatus.FAIL)
        return verdict(len(self.blocking), failed, fail_on_audit=fail_on_audit)

    def extend(self, results: list[RuleResult]) -> None:
        self.results.extend(results)


def status_summary(counts: Mapping[str, int]) -> dict[str, int]:
    """Results per status value, every status present (a PolicyReport's `summary`)."""
    return {s.value: counts.get(s.value, 0) for s in RuleStatus}


def verdict(blocking: int, failed: int, *, fail_on_audit: bool) -> int:
    """The exit code of a run: 1 when an enforced rule failed (any rule, with `fail_on_audit`)."""
    return EXIT_POLICY_FAIL if blocking or (fail_on_audit and failed) else EXIT_OK
