"""Manifest -> compiled CelPolicy / CelBinding / CelException.

Field names are the policies.kyverno.io v1alpha1/v1beta1/v1 and
admissionregistration.k8s.io/v1 ones. Kyverno compiles each variant separately
(vpol `compiler.go` compileForKubernetes, then once more per autogen spec); so do we, and
a bad expression in an autogen variant reports the original spec path it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from argogate.engine.celpolicies import autogen
from argogate.engine.celpolicies.model import (
    DECLARATIONS,
    GENERATING,
    MUTATING,
    VAP,
    CelBinding,
    CelException,
    CelPolicy,
    CelPolicyError,
    Mutation,
    Path,
    Validation,
    Variant,
    compile_expr,
)
from argogate.model.result import Origin

_NAMESPACED_PREFIX = "Namespaced"


def _variant(spec: Mapping[str, Any], family: str, group: str) -> Variant:
    decls = DECLARATIONS[family]
    variant = Variant(group, spec.get("matchConstraints"))
    names = [str(v.get("name")) for v in spec.get("variables") or [] if isinstance(v, dict)]
    for i, var in enumerate(spec.get("variables") or []):
        if not isinstance(var, dict) or not var.get("name"):
            raise CelPolicyError(("spec", "variables", i), "a variable needs a name and an expression")
        variant.variables[str(var["name"])] = compile_expr(
            var.get("expression"), decls, ("spec", "variables", i, "expression"), names
        )
    for i, cond in enumerate(spec.get("matchConditions") or []):
        path: Path = ("spec", "matchConditions", i, "expression")
        variant.match_conditions.append(
            (str(cond.get("name") or ""), compile_expr(cond.get("expression"), decls, path, names))
        )
    msg_decls = [d for d in decls if d != "authorizer"]
    for i, val in enumerate(spec.get("validations") or []):
        path = ("spec", "validations", i)
        message_expr = None
        if val.get("messageExpression"):
            message_expr = compile_expr(
                val["messageExpression"], msg_decls, (*path, "messageExpression"), names
            )
        variant.validations.append(
            Validation(
                compile_expr(val.get("expression"), decls, (*path, "expression"), names),
                str(val.get("message") or ""),
                message_expr,
                str(val.get("reason") or ""),
            )
        )
    for i, ann in enumerate(spec.get("auditAnnotations") or []):
        path = ("spec", "auditAnnotations", i, "valueExpression")
        variant.audit_annotations.append(
            (str(ann.get("key") or ""), compile_expr(ann.get("valueExpression"), decls, path, names))
        )
    for i, mut in enumerate(spec.get("mutations") or []):
        patch_type = str(mut.get("patchType") or "")
        block = mut.get("applyConfiguration") if patch_type == "ApplyConfiguration" else mut.get("jsonPatch")
        if patch_type not in ("ApplyConfiguration", "JSONPatch") or not isinstance(block, dict):
            raise CelPolicyError(
                ("spec", "mutations", i),
                "a mutation needs patchType ApplyConfiguration or JSONPatch and its block",
            )
        key = "applyConfiguration" if patch_type == "ApplyConfiguration" else "jsonPatch"
        path = ("spec", "mutations", i, key, "expression")
        variant.mutations.append(
            Mutation(patch_type, compile_expr(block.get("expression"), decls, path, names))
        )
    for i, gen in enumerate(spec.get("generate") or []):
        path = ("spec", "generate", i, "expression")
        variant.generate.append(compile_expr(gen.get("expression"), decls, path, names))
    return variant


def _actions(spec: Mapping[str, Any], kind: str) -> frozenset[str]:
    actions = [str(a) for a in spec.get("validationActions") or []]
    if not actions and kind != VAP:
        actions = ["Deny"]  # kyverno ValidatingPolicySpec.ValidationActions() default
    return frozenset(actions)


def compile_policy(data: Mapping[str, Any], origin: Origin | None = None) -> CelPolicy:
    kind = str(data.get("kind"))
    md = data.get("metadata") or {}
    if not md.get("name"):
        raise CelPolicyError(("metadata",), "policy has no metadata.name")
    spec = data.get("spec")
    if not isinstance(spec, dict):
        raise CelPolicyError(("spec",), "policy has no spec")
    family = (
        "mutating"
        if kind in MUTATING
        else "generating"
        if kind in GENERATING
        else "vap"
        if kind == VAP
        else "validating"
    )
    variants = [_variant(spec, family, "")]
    derive = (
        autogen.validating_variants
        if family == "validating"
        else autogen.mutating_variants
        if family == "mutating"
        else None
    )
    if derive is not None:
        variants.extend(_variant(variant_spec, family, group) for group, variant_spec in derive(spec))
    namespace = str(md.get("namespace") or "") if kind.startswith(_NAMESPACED_PREFIX) else ""
    if kind.startswith(_NAMESPACED_PREFIX) and not namespace:
        namespace = "default"
    evaluation = spec.get("evaluation") or {}
    return CelPolicy(
        api_version=str(data.get("apiVersion")),
        kind=kind,
        name=str(md["name"]),
        namespace=namespace,
        spec=dict(spec),
        variants=variants,
        actions=_actions(spec, kind),
        failure_policy=str(spec.get("failurePolicy") or "Fail"),
        json_mode=str(evaluation.get("mode") or "") == "JSON",
        param_kind=spec.get("paramKind"),
        annotations={str(k): str(v) for k, v in (md.get("annotations") or {}).items()},
        origin=origin,
        raw=dict(data),
    )


def compile_binding(data: Mapping[str, Any], origin: Origin | None = None) -> CelBinding:
    md = data.get("metadata") or {}
    spec = data.get("spec")
    if not isinstance(spec, dict) or not spec.get("policyName"):
        raise CelPolicyError(("spec", "policyName"), "binding names no policyName")
    return CelBinding(
        name=str(md.get("name") or ""),
        policy_name=str(spec["policyName"]),
        param_ref=spec.get("paramRef"),
        match_resources=spec.get("matchResources"),
        actions=frozenset(str(a) for a in spec.get("validationActions") or []),
        origin=origin,
    )


def compile_exception(data: Mapping[str, Any], origin: Origin | None = None) -> CelException:
    md = data.get("metadata") or {}
    spec = data.get("spec")
    if not isinstance(spec, dict):
        raise CelPolicyError(("spec",), "PolicyException has no spec")
    refs = []
    for i, ref in enumerate(spec.get("policyRefs") or []):
        if not isinstance(ref, dict) or not ref.get("name"):
            raise CelPolicyError(("spec", "policyRefs", i), "a policy ref needs name and kind")
        refs.append((str(ref["name"]), str(ref.get("kind") or "")))
    conditions = [
        compile_expr(
            c.get("expression"), DECLARATIONS["exception"], ("spec", "matchConditions", i, "expression")
        )
        for i, c in enumerate(spec.get("matchConditions") or [])
    ]
    return CelException(
        name=str(md.get("name") or ""),
        namespace=str(md.get("namespace") or ""),
        policy_refs=refs,
        match_conditions=conditions,
        images=[str(i) for i in spec.get("images") or []],
        allowed_values=[str(v) for v in spec.get("allowedValues") or []],
        report_result=str(spec.get("reportResult") or ""),
        labels={str(k): str(v) for k, v in (md.get("labels") or {}).items()},
        origin=origin,
    )
