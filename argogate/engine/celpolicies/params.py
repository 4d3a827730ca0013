"""ValidatingAdmissionPolicy + bindings + parameter resources, as Kubernetes evaluates them.

apiserver `admission/plugin/policy/validating` and `generic/policy_dispatcher.go`:

* without a binding a VAP does nothing in a cluster; the Kyverno CLI still evaluates it
  against its matchConstraints (kyverno `pkg/admissionpolicy/validate.go`), so do we;
* with bindings, the policy's matchConstraints and then each binding's matchResources
  must select the request; the first binding that does decides (kyverno picks the first
  matching binding, too);
* `paramRef` picks the parameter objects of the policy's `paramKind` among the objects
  we know (the `--context-file` objects, plain objects kept beside the policies, and
  the resources of the run, i.e. the repository's rendered manifests): by `name`, or by `selector`, in `paramRef.namespace`
  or, for a namespaced kind, the request's namespace; none found means
  `parameterNotFoundAction` (Deny: fail `no params found for policy binding with `Deny`
  parameterNotFoundAction`; Allow: skip). Each parameter object is evaluated; the first
  one that does not pass decides;
* `validationActions` of the binding decide whether a failure blocks (Deny).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from argogate.engine.cel.variables import LazyVariables
from argogate.engine.celpolicies import matching
from argogate.engine.celpolicies.decide import Decision, conditions_hold
from argogate.engine.celpolicies.kinds import is_cluster_scoped
from argogate.engine.celpolicies.model import CelBinding, CelPolicy
from argogate.engine.celpolicies.validating import validate

if TYPE_CHECKING:
    from argogate.engine.celpolicies.evaluate import CelEnv


def _params(
    policy: CelPolicy,
    binding: CelBinding,
    attr: matching.Attributes,
    env: CelEnv,
    beside: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    kind = policy.param_kind or {}
    ref = binding.param_ref or {}
    api_version, kind_name = str(kind.get("apiVersion") or ""), str(kind.get("kind") or "")
    namespace = str(ref.get("namespace") or "")
    if not namespace and not is_cluster_scoped(kind_name):
        namespace = attr.namespace
    out = []
    for obj in [*env.context.resources, *beside, *env.resources]:
        md = obj.get("metadata") or {}
        if obj.get("kind") != kind_name or obj.get("apiVersion") != api_version:
            continue
        obj_ns = str(md.get("namespace") or "")
        if namespace and obj_ns != namespace and not (namespace == "default" and not obj_ns):
            continue
        if ref.get("name"):
            if md.get("name") == ref["name"]:
                out.append(obj)
        elif matching.selector_matches(
            ref.get("selector") or {}, {str(k): str(v) for k, v in (md.get("labels") or {}).items()}
        ):
            out.append(obj)
    return out


def _evaluate(policy: CelPolicy, base: dict[str, Any], param: dict[str, Any] | None) -> Decision:
    variant = policy.variants[0]
    activation = {**base, "params": param, "authorizer": None}
    activation["variables"] = LazyVariables(variant.variables, activation)
    ok, error = conditions_hold([p for _, p in variant.match_conditions], activation)
    if error and not ok:
        if policy.failure_policy == "Ignore":
            return Decision("skip", "match conditions aren't met")
        return Decision("error", error)
    if not ok:
        return Decision("skip", "match conditions aren't met")
    return validate(variant, activation, admission_policy=True)


def admission_policy_decisions(
    policy: CelPolicy,
    bindings: list[CelBinding],
    attr: matching.Attributes,
    ns_labels: Mapping[str, str] | None,
    base: dict[str, Any],
    env: CelEnv,
    objects: list[dict[str, Any]],
) -> list[tuple[Decision, bool]]:
    """(decision, blocks on failure) for one VAP on one request; empty when it does not apply."""
    if not matching.matches(policy.spec.get("matchConstraints"), attr, ns_labels):
        return []
    own = [b for b in bindings if b.policy_name == policy.name]
    if not own:
        return [(_evaluate(policy, base, None), False)]
    for binding in own:
        if binding.match_resources is not None and not matching.matches(
            binding.match_resources, attr, ns_labels
        ):
            continue
        enforce = "Deny" in binding.actions
        if policy.param_kind is None:
            return [(_evaluate(policy, base, None), enforce)]
        params = _params(policy, binding, attr, env, objects)
        if not params:
            action = str((binding.param_ref or {}).get("parameterNotFoundAction") or "Deny")
            if action == "Allow":
                return [(Decision("skip", "no params found; parameterNotFoundAction is Allow"), enforce)]
            message = f"no params found for policy binding with `{action}` parameterNotFoundAction"
            return [(Decision("fail", message), enforce)]
        decision = Decision("pass", "")
        for param in params:
            decision = _evaluate(policy, base, param)
            if decision.status != "pass":
                break
        return [(decision, enforce)]
    return []
