"""Policies as loaded: kyverno.io ClusterPolicy/Policy and PolicyException.

Kyverno's rule schema is wide and mostly consumed as JSON by the engine
(patterns, conditions, patches are data), so a Rule keeps its raw mapping and
exposes typed accessors for what the engine branches on. Policies are frozen:
autogen produces new Rule values rather than editing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argogate.model.result import Origin

RULE_FAMILIES = ("validate", "mutate", "generate", "verifyImages")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    raw: dict[str, Any]
    autogen_of: str | None = None  # the Pod rule this one was generated from

    @property
    def family(self) -> str:
        for fam in RULE_FAMILIES:
            if self.raw.get(fam):
                return fam
        return ""

    @property
    def rule_type(self) -> str:
        """`validate.pattern`, `mutate.foreach`, ... (the conformance grader's vocabulary)."""
        fam = self.family
        body = self.raw.get(fam)
        if fam == "verifyImages":
            return "verifyImages"
        if not isinstance(body, dict):
            return fam
        order = {
            "validate": ("cel", "podSecurity", "foreach", "deny", "anyPattern", "pattern", "manifests", "assert"),
            "mutate": ("foreach", "patchesJson6902", "patchStrategicMerge", "targets"),
            "generate": ("foreach", "cloneList", "clone", "data"),
        }[fam]
        for key in order:
            if body.get(key) is not None:
                return f"{fam}.{key}"
        return fam

    @property
    def match(self) -> dict[str, Any]:
        return self.raw.get("match") or {}

    @property
    def exclude(self) -> dict[str, Any]:
        return self.raw.get("exclude") or {}

    @property
    def validate(self) -> dict[str, Any]:
        return self.raw.get("validate") or {}


@dataclass(frozen=True, slots=True)
class Policy:
    api_version: str
    kind: str  # ClusterPolicy | Policy
    name: str
    namespace: str
    annotations: dict[str, str]
    spec: dict[str, Any]
    rules: tuple[Rule, ...]
    origin: Origin | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def report_name(self) -> str:
        """Kyverno names namespaced policies `namespace/name` in reports."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def default_action(self) -> str:
        return str(self.spec.get("validationFailureAction") or "Audit")

    @property
    def background(self) -> bool:
        return self.spec.get("background", True) is not False

    @property
    def scored(self) -> bool:
        return self.annotations.get("policies.kyverno.io/scored", "true") != "false"

    @property
    def category(self) -> str:
        return self.annotations.get("policies.kyverno.io/category", "")

    @property
    def severity(self) -> str:
        return self.annotations.get("policies.kyverno.io/severity", "")


@dataclass(frozen=True, slots=True)
class ExceptionEntry:
    policy_name: str  # may be `namespace/name` for namespaced policies, may contain wildcards
    rule_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PolicyException:
    name: str
    namespace: str
    exceptions: tuple[ExceptionEntry, ...]
    match: dict[str, Any]
    conditions: Any
    pod_security: tuple[dict[str, Any], ...] = ()
    origin: Origin | None = None
