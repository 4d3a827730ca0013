"""What one rule handler returns: a status and Kyverno's message (kyverno `api/ruleresponse.go`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argogate.model.result import RuleStatus


@dataclass(frozen=True, slots=True)
class Outcome:
    status: RuleStatus
    message: str
    patched: dict[str, Any] | None = None  # mutate: the resource after this rule
    generated: tuple[dict[str, Any], ...] = field(default=())  # generate: the objects it produces

    @classmethod
    def passed(cls, message: str) -> Outcome:
        return cls(RuleStatus.PASS, message)

    @classmethod
    def fail(cls, message: str) -> Outcome:
        return cls(RuleStatus.FAIL, message)

    @classmethod
    def skip(cls, message: str) -> Outcome:
        return cls(RuleStatus.SKIP, message)

    @classmethod
    def error(cls, message: str, err: object = None) -> Outcome:
        """RuleError: `<message>: <error>` (kyverno `pkg/engine/internal/response.go`)."""
        return cls(RuleStatus.ERROR, f"{message}: {err}" if err is not None else message)
