"""One handler per rule family and flavour, and the order Kyverno runs the families in.

Each handler takes (rule, resource, env, run) after match, context and
preconditions are done, and returns an Outcome (or None: no result). The
flavour choice follows kyverno `pkg/engine/validation.go` (podSecurity, then CEL,
then the pattern/deny/foreach validator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from argogate.engine.outcome import Outcome
from argogate.engine.validate import RuleEnv, validate_rule
from argogate.model.policy import Rule
from argogate.model.result import RuleStatus

if TYPE_CHECKING:
    from argogate.engine.pipeline import Handler, PolicyRun


def validate(rule: Rule, resource: dict[str, Any], env: RuleEnv, run: PolicyRun) -> Outcome | None:
    body = rule.validate
    if body.get("podSecurity") is not None:
        return _pod_security(rule, resource, env)
    if body.get("cel") is not None:
        return _cel(rule, resource, env, run)
    if body.get("manifests") is not None or body.get("assert") is not None:
        kind = "manifests" if body.get("manifests") is not None else "assert"
        return Outcome.error(f"validate.{kind} is not supported by argogate", "the rule cannot be evaluated offline")
    return validate_rule(rule.name, body, resource, env)


def _pod_security(rule: Rule, resource: dict[str, Any], env: RuleEnv) -> Outcome:
    from argogate.engine.podsecurity import evaluate_pod_security

    out = evaluate_pod_security(rule.validate["podSecurity"], resource, rule_name=rule.name)
    if out.error:
        return Outcome(RuleStatus.ERROR, out.message)
    return Outcome.passed(out.message) if out.ok else Outcome.fail(out.message)


def _cel(rule: Rule, resource: dict[str, Any], env: RuleEnv, run: PolicyRun) -> Outcome:
    from argogate.engine.validate_cel import validate_cel

    request = env.ctx.get("request") or {}
    ns_obj = run.namespace_object
    namespace = str((resource.get("metadata") or {}).get("namespace") or "")
    if ns_obj is None and namespace:
        # offline, Kyverno's CLI knows only the namespace's name
        ns_obj = {"metadata": {"name": namespace}}
    out = validate_cel(
        rule.name,
        rule.validate,
        rule.raw.get("celPreconditions") or [],
        object=resource,
        old_object=run.old_resource,
        request=request,
        namespace_object=ns_obj,
    )
    return Outcome(RuleStatus(out.status), out.message)


def mutate(rule: Rule, resource: dict[str, Any], env: RuleEnv, run: PolicyRun) -> Outcome | None:
    from argogate.engine.mutate.rule import mutate_rule

    out = mutate_rule(rule.raw, resource, env.ctx)
    status = RuleStatus(out.status)
    return Outcome(status, out.message, patched=out.patched if status is RuleStatus.PASS else None)


def generate(rule: Rule, resource: dict[str, Any], env: RuleEnv, run: PolicyRun) -> Outcome | None:
    from argogate.engine.generate import generate_rule

    lookup = env.lookup

    def get(kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        return lookup.get("", kind, namespace, name)

    def list_(kind: str, namespace: str, selector: dict[str, Any] | None) -> list[dict[str, Any]]:
        from argogate.engine.match import check_selector

        items = lookup.list("", kind, namespace)
        if selector:
            items = [i for i in items if check_selector(selector, (i.get("metadata") or {}).get("labels") or {})]
        return items

    out = generate_rule(rule.raw, resource, env.ctx, lookup=get, list_lookup=list_, policy_name=run.policy.name, policy_namespace=run.policy.namespace)
    status = RuleStatus(out.status)
    return Outcome(status, out.message, generated=tuple(out.resources) if status is RuleStatus.PASS else ())


def verify_images(rule: Rule, resource: dict[str, Any], env: RuleEnv, run: PolicyRun) -> Outcome | None:
    from argogate.engine.verifyimages import verify_images_rule

    return verify_images_rule(
        rule.raw.get("verifyImages") or [],
        resource,
        env.ctx,
        run.image_verifier,
        lookup=env.lookup,
        old_resource=run.old_resource,
        failure_policy=str(run.policy.spec.get("failurePolicy") or "Fail"),
    )


ORDER: tuple[tuple[str, Handler], ...] = (
    ("mutate", mutate),
    ("verifyImages", verify_images),
    ("validate", validate),
    ("generate", generate),
)
