"""CEL policy kinds as compiled data: every expression is compiled once, when loaded.

A policy is a list of *variants*: the policy as written plus the Pod-controller variants
autogen derives from it (kyverno `pkg/cel/policies/vpol/engine/provider.go` appends
them as separate policies with the same name). A compile error is a `CelPolicyError`
naming the spec path and the expression; the loader turns it into a PolicyLoadError with
the file and line.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from argogate.engine.celpolicies.policyset import CelPolicyError, CelPolicySet
from argogate.model.result import Origin

if TYPE_CHECKING:
    from argogate.engine.cel import Program

Path = tuple[str | int, ...]

KYVERNO_GROUP = "policies.kyverno.io"
VALIDATING = ("ValidatingPolicy", "NamespacedValidatingPolicy")
MUTATING = ("MutatingPolicy", "NamespacedMutatingPolicy")
GENERATING = ("GeneratingPolicy", "NamespacedGeneratingPolicy")
VAP = "ValidatingAdmissionPolicy"
VAP_BINDING = "ValidatingAdmissionPolicyBinding"
# kinds whose report rule is the policy's own name (the grader's and Kyverno's naming)
NAMED_RULE_KINDS = frozenset(
    (
        *GENERATING,
        "ImageValidatingPolicy",
        "NamespacedImageValidatingPolicy",
        "DeletingPolicy",
        "NamespacedDeletingPolicy",
        VAP,
        "MutatingAdmissionPolicy",
    )
)

_KYVERNO_DECLS = ("object", "oldObject", "request", "namespaceObject", "variables", "exceptions")
_KYVERNO_LIBS = ("resource", "http", "image", "globalContext")
DECLARATIONS: dict[str, tuple[str, ...]] = {
    "validating": (*_KYVERNO_DECLS, *_KYVERNO_LIBS),
    "mutating": (*_KYVERNO_DECLS, *_KYVERNO_LIBS),
    "generating": (*_KYVERNO_DECLS, *_KYVERNO_LIBS, "generator"),
    "vap": ("object", "oldObject", "request", "namespaceObject", "variables", "params", "authorizer"),
    "exception": ("object", "oldObject", "request", "namespaceObject", *_KYVERNO_LIBS),
}


def compile_expr(
    expression: Any, declarations: Collection[str], path: Path, variables: Collection[str] | None = None
) -> Program:
    """Compile one expression; `variables` (when given) are the names `variables.x` may use."""
    from argogate.engine.cel import CelSyntaxError, compile
    from argogate.engine.cel.variables import undefined_variable

    if not isinstance(expression, str) or not expression.strip():
        raise CelPolicyError(path, "expression is required")
    try:
        program = compile(expression, declarations)
    except CelSyntaxError as e:
        raise CelPolicyError(path, f"invalid CEL expression {expression.strip()!r}: {e}") from None
    undefined = None if variables is None else undefined_variable(program, variables)
    if undefined is not None:
        raise CelPolicyError(
            path, f"invalid CEL expression {expression.strip()!r}: undefined field '{undefined.field}'"
        )
    return program


@dataclass(frozen=True)
class Validation:
    program: Program
    message: str = ""
    message_expression: Program | None = None
    reason: str = ""


@dataclass(frozen=True)
class Mutation:
    patch_type: str  # ApplyConfiguration | JSONPatch
    program: Program


@dataclass
class Variant:
    """One evaluable form of a policy: as written (`autogen == ""`) or an autogen variant."""

    autogen: str
    match_constraints: Mapping[str, Any] | None
    match_conditions: list[tuple[str, Program]] = field(default_factory=list)
    variables: dict[str, Program] = field(default_factory=dict)
    validations: list[Validation] = field(default_factory=list)
    audit_annotations: list[tuple[str, Program]] = field(default_factory=list)
    mutations: list[Mutation] = field(default_factory=list)
    generate: list[Program] = field(default_factory=list)


@dataclass
class CelPolicy:
    api_version: str
    kind: str
    name: str
    namespace: str
    spec: dict[str, Any]
    variants: list[Variant]
    actions: frozenset[str]
    failure_policy: str = "Fail"
    json_mode: bool = False
    param_kind: Mapping[str, Any] | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    origin: Origin | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> str:
        if self.kind in MUTATING:
            return "mutating"
        if self.kind in GENERATING:
            return "generating"
        if self.kind == VAP:
            return "vap"
        return "validating"

    @property
    def report_name(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def rule_name(self) -> str:
        return self.name if self.kind in NAMED_RULE_KINDS else ""

    @property
    def category(self) -> str:
        return self.annotations.get("policies.kyverno.io/category", "")

    @property
    def severity(self) -> str:
        return self.annotations.get("policies.kyverno.io/severity", "")


@dataclass
class CelBinding:
    """A ValidatingAdmissionPolicyBinding."""

    name: str
    policy_name: str
    param_ref: Mapping[str, Any] | None
    match_resources: Mapping[str, Any] | None
    actions: frozenset[str]
    origin: Origin | None = None


@dataclass
class CelException:
    """A policies.kyverno.io PolicyException: CEL matchConditions against policy refs."""

    name: str
    namespace: str
    policy_refs: list[tuple[str, str]]  # (name, kind)
    match_conditions: list[Program]
    images: list[str] = field(default_factory=list)
    allowed_values: list[str] = field(default_factory=list)
    report_result: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    origin: Origin | None = None

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    def applies_to(self, policy: CelPolicy) -> bool:
        return any(name == policy.name and kind == policy.kind for name, kind in self.policy_refs)


__all__ = ["CelPolicyError", "CelPolicySet"]  # defined in policyset, still importable from here
