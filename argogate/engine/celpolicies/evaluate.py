"""All CEL policy kinds on one resource, in the Kyverno CLI's order.

kyverno `cmd/cli/kubectl-kyverno/processor/policy_processor.go` ApplyPoliciesOnResource:
after the kyverno.io policies come MutatingPolicies (the resource as patched carries on),
then ValidatingAdmissionPolicies, ValidatingPolicies and GeneratingPolicies. Every CEL
kind is evaluated as a CREATE request by the CLI (its own TODO: "how to manage other
operations"), so that is what we do. Each policy variant (the policy and its autogen
forms) whose matchConstraints select the resource yields one result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from argogate.engine.celpolicies import matching
from argogate.engine.celpolicies.context import CelContext, library_bindings
from argogate.engine.celpolicies.decide import Decision, prepare
from argogate.engine.celpolicies.generating import generate
from argogate.engine.celpolicies.kinds import gvr_of, is_cluster_scoped
from argogate.engine.celpolicies.model import CelPolicy, CelPolicySet, Variant
from argogate.engine.celpolicies.mutating import mutate
from argogate.engine.celpolicies.params import admission_policy_decisions
from argogate.engine.celpolicies.validating import validate
from argogate.engine.match import AdmissionInfo
from argogate.model.result import Origin, ResourceRef, RuleResult, RuleStatus

_ORDER = ("mutating", "vap", "validating", "generating")


@dataclass
class CelEnv:
    """What the CEL kinds see besides the resource: lookups, images, namespaces, the user."""

    context: CelContext = field(default_factory=CelContext)
    resources: list[dict[str, Any]] = field(default_factory=list)
    namespaces: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    namespace_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    admission: AdmissionInfo = field(default_factory=AdmissionInfo)

    def namespace_object(self, name: str) -> dict[str, Any] | None:
        if not name:
            return None
        if name in self.namespaces:
            return self.namespaces[name]
        for obj in [*self.context.resources, *self.resources]:
            if obj.get("kind") == "Namespace" and (obj.get("metadata") or {}).get("name") == name:
                return obj
        if name in self.namespace_labels:
            return {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": name, "labels": dict(self.namespace_labels[name])},
            }
        return None


@dataclass
class CelOutput:
    resource: dict[str, Any]
    generated: list[dict[str, Any]] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)


def _attributes(resource: dict[str, Any]) -> matching.Attributes:
    md = resource.get("metadata") or {}
    kind = str(resource.get("kind") or "")
    return matching.Attributes(
        gvr=gvr_of(resource),
        kind=kind,
        namespace="" if is_cluster_scoped(kind) else str(md.get("namespace") or ""),
        name=str(md.get("name") or ""),
        operation="CREATE",
        labels={str(k): str(v) for k, v in (md.get("labels") or {}).items()},
        generate_name=str(md.get("generateName") or ""),
        cluster_scoped=is_cluster_scoped(kind),
    )


def _request(attr: matching.Attributes, admission: AdmissionInfo, resource: dict[str, Any]) -> dict[str, Any]:
    kind = {"group": attr.gvr.group, "version": attr.gvr.version, "kind": attr.kind}
    res = {"group": attr.gvr.group, "version": attr.gvr.version, "resource": attr.gvr.resource}
    return {
        "kind": kind,
        "resource": res,
        "requestKind": kind,
        "requestResource": res,
        "subResource": "",
        "name": attr.name,
        "namespace": attr.namespace,
        "operation": attr.operation,
        "userInfo": {"username": admission.username, "groups": list(admission.groups)},
        "object": resource,
        "oldObject": None,
        "dryRun": False,
    }


def _ns_labels(attr: matching.Attributes, ns_obj: dict[str, Any] | None) -> dict[str, str] | None:
    if ns_obj is None:
        return None
    return {str(k): str(v) for k, v in ((ns_obj.get("metadata") or {}).get("labels") or {}).items()}


def _variant_decision(
    policy: CelPolicy, variant: Variant, resource: dict[str, Any], base: dict[str, Any], cel: CelPolicySet
) -> Decision:
    activation = dict(base)
    stop = prepare(policy, variant, cel.exceptions, activation)
    if stop is not None:
        return stop
    if policy.family == "mutating":
        return mutate(variant, resource, activation)
    if policy.family == "generating":
        return generate(variant, activation)
    return validate(variant, activation)


def evaluate_resource(
    cel: CelPolicySet, resource: dict[str, Any], env: CelEnv, origin: Origin | None = None
) -> CelOutput:
    out = CelOutput(resource)
    attr = _attributes(resource)
    ns_obj = env.namespace_object(attr.namespace)
    ns_labels = _ns_labels(attr, ns_obj)
    libs = library_bindings(env.context, env.resources)
    for family in _ORDER:
        for policy in cel.policies:
            if policy.family != family:
                continue
            if policy.namespace and attr.namespace != policy.namespace:
                continue  # a Namespaced* policy only sees its own namespace
            current = out.resource
            base = {
                "object": current,
                "oldObject": None,
                "request": _request(attr, env.admission, current),
                "namespaceObject": ns_obj,
                **libs,
            }
            if family == "vap":
                decisions = admission_policy_decisions(
                    policy, cel.bindings, attr, ns_labels, base, env, cel.objects
                )
                out.results.extend(
                    _result(policy, d, out.resource, origin, enforce) for d, enforce in decisions
                )
                continue
            for variant in policy.variants:
                if not policy.json_mode and not matching.matches(variant.match_constraints, attr, ns_labels):
                    continue
                decision = _variant_decision(policy, variant, out.resource, base, cel)
                if decision.patched is not None and decision.status == "pass":
                    out.resource = decision.patched
                out.generated.extend(decision.generated)
                enforce = family == "validating" and "Deny" in policy.actions
                out.results.append(_result(policy, decision, out.resource, origin, enforce))
    return out


def _result(
    policy: CelPolicy, decision: Decision, resource: dict[str, Any], origin: Origin | None, enforce: bool
) -> RuleResult:
    return RuleResult(
        policy=policy.report_name,
        rule="exception" if decision.rule == "exception" else policy.rule_name,
        status=RuleStatus(decision.status),
        message=decision.message,
        resource=ResourceRef.of(resource),
        rule_type=policy.kind,
        enforce=enforce and decision.status == "fail",
        policy_kind=policy.kind,
        category=policy.category,
        severity=policy.severity,
        origin=origin,
        policy_origin=policy.origin,
    )
