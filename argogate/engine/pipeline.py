"""The whole evaluation, top to bottom: resources x policies x rules -> results.

Per resource and policy, in Kyverno's order (kyverno CLI `processor`, engine
`mutation.go`, `validation.go`, `generation.go`): mutate rules first, each seeing
the previous one's output; then verifyImages; then validate rules on the mutated
resource; then generate. One rule runs through `_invoke`, the
`invokeRuleHandler` equivalent: match/exclude -> exception -> context
checkpoint -> values and context entries -> preconditions -> handler -> restore.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from argogate.engine import handlers, parallel
from argogate.engine.api import ImageVerifier, InMemoryLookup, ResourceLookup
from argogate.engine.celpolicies.policyset import CelPolicySet
from argogate.engine.context import Context
from argogate.engine.contextentries import load_entries
from argogate.engine.exceptions import find_exception
from argogate.engine.images import extract_images
from argogate.engine.match import CLUSTER_SCOPED_KINDS, AdmissionInfo, MatchInput, rule_kinds, rule_matches
from argogate.engine.outcome import Outcome
from argogate.engine.validate import RuleEnv
from argogate.engine.values import Values
from argogate.model.policy import Policy, PolicyException, Rule
from argogate.model.result import Origin, ResourceRef, RuleResult, RuleStatus

if TYPE_CHECKING:
    from argogate.engine.celpolicies.context import CelContext

Handler = Callable[[Rule, dict[str, Any], RuleEnv, "PolicyRun"], Outcome | None]


@dataclass
class Evaluation:
    """The output of one run: resources as mutated, generated objects, and every rule result."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    generated: list[dict[str, Any]] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)


@dataclass
class PolicyRun:
    """One policy applied to one resource: what handlers may need to know."""

    policy: Policy
    resource: dict[str, Any]
    old_resource: dict[str, Any] | None
    operation: str
    namespace_labels: dict[str, str]
    namespace_object: dict[str, Any] | None
    image_verifier: ImageVerifier | None = None  # verifyImages: the registry adapter, if any


def default_namespace(resource: dict[str, Any], namespace: str = "default") -> dict[str, Any]:
    """Namespaced objects without a namespace land in `namespace`: `default`, as `kubectl apply` and the
    Kyverno CLI do, or an app's destination namespace, as Argo CD applies them."""
    md = resource.get("metadata")
    if isinstance(md, dict) and not md.get("namespace") and resource.get("kind") not in CLUSTER_SCOPED_KINDS:
        resource = dict(resource)
        resource["metadata"] = {**md, "namespace": namespace}
    return resource


def failure_action(policy: Policy, rule: Rule, namespace: str, ns_labels: dict[str, str]) -> str:
    validate = rule.validate
    action = str(validate.get("failureAction") or policy.default_action)
    overrides = validate.get("failureActionOverrides") or policy.spec.get("validationFailureActionOverrides") or []
    from argogate.engine import wildcards
    from argogate.engine.match import check_selector

    for ov in overrides:
        nss = ov.get("namespaces") or []
        sel = ov.get("namespaceSelector")
        if (nss and any(wildcards.match(str(n), namespace) for n in nss)) or (sel and check_selector(sel, ns_labels)):
            action = str(ov.get("action") or action)
            break
    return action


def _mentions(node: Any, key: str) -> bool:
    """Whether `key` is a mapping key anywhere under `node`."""
    if isinstance(node, dict):
        return key in node or any(_mentions(v, key) for v in node.values())
    if isinstance(node, list):
        return any(_mentions(v, key) for v in node)
    return False


class Engine:
    """Evaluate policies on resources. Pure: every outside answer comes through `lookup`."""

    def __init__(
        self,
        policies: Iterable[Policy],
        exceptions: Iterable[PolicyException] = (),
        *,
        values: Values | None = None,
        admission: AdmissionInfo | None = None,
        lookup: ResourceLookup | None = None,
        default_operation: str = "CREATE",
        image_verifier: ImageVerifier | None = None,
        cel: CelPolicySet | None = None,
        cel_context: CelContext | None = None,
    ) -> None:
        self.policies = list(policies)
        self.exceptions = list(exceptions)
        self.values = values or Values()
        self.admission = admission or AdmissionInfo()
        self.lookup = lookup
        self.default_operation = default_operation
        self.image_verifier = image_verifier
        self.cel = cel or CelPolicySet()
        self.cel_context = cel_context
        # per policy, its rules in family order with the kinds each can match (a per-kind index)
        self._plans = [
            [
                (handler, rule, rule_kinds(rule.raw), rule.rule_type)
                for family, handler in handlers.ORDER
                for rule in p.rules
                if rule.family == family
            ]
            for p in self.policies
        ]
        # per policy, the kinds any of its rules can match (None: any kind)
        self._policy_kinds: list[frozenset[str] | None] = []
        for plan in self._plans:
            kinds_: set[str] = set()
            for _, _, k, _ in plan:
                if k is None:
                    self._policy_kinds.append(None)
                    break
                kinds_.update(k)
            else:
                self._policy_kinds.append(frozenset(kinds_))
        # what every result and every context repeats, computed once: policy properties read
        # annotations, and the request's user parts are the same for every resource
        self._facts = {id(p): _PolicyFacts.of(p) for p in self.policies}
        self._user = _UserFacts.of(self.admission)
        # a rule without failure-action overrides enforces or not whatever the resource
        self._static_enforce = {
            id(rule): failure_action(p, rule, "", {}).lower() == "enforce"
            for p in self.policies
            for rule in p.rules
            if not (rule.validate.get("failureActionOverrides") or p.spec.get("validationFailureActionOverrides"))
        }

    def lookup_kinds(self) -> frozenset[str] | None:
        """The kinds of input objects this evaluation may look up besides the resource itself; None: any.

        Every resource meets its Namespace (labels for namespaceSelector); verifyImages reads pull
        Secrets; a `configMap` context entry reads ConfigMaps. An apiCall, a generate clone, a
        mutate of existing targets or a CEL policy may read anything. Lets a caller that splits
        the input (`argogate.shard`) hand each part only the objects that matter.
        """
        if self.lookup is not None or self.cel:
            return None
        kinds = {"Namespace"}
        for policy in self.policies:
            for rule in policy.rules:
                raw = rule.raw
                if _mentions(raw, "apiCall") or _mentions(raw.get("mutate"), "targets"):
                    return None
                generate = raw.get("generate")
                if isinstance(generate, dict) and ("clone" in generate or "cloneList" in generate):
                    return None
                if _mentions(raw, "configMap"):
                    kinds.add("ConfigMap")
                if "verifyImages" in raw:
                    kinds.add("Secret")
        return frozenset(kinds)

    def evaluate(
        self,
        resources: list[dict[str, Any]],
        origins: Sequence[Origin | None] | None = None,
        *,
        lookup_objects: Sequence[dict[str, Any]] | None = None,
        kinds: Sequence[str] | None = None,
        jobs: int | None = None,
    ) -> Evaluation:
        """Evaluate `resources`; lookups go to `self.lookup`, else to `lookup_objects` (default: the
        resources). `kinds` lists every kind in the whole input (default: the resources'); `jobs`
        caps the worker processes (default: `parallel.jobs_for`)."""
        resources = [default_namespace(r) for r in resources]
        lookup = self.lookup or InMemoryLookup(resources if lookup_objects is None else [default_namespace(r) for r in lookup_objects])
        if kinds is None:
            kinds = [str(r.get("kind")) for r in resources if r.get("kind")]
        kinds = sorted(set(kinds))

        if self.cel:
            from argogate.engine.celpolicies.context import CelContext
            from argogate.engine.celpolicies.evaluate import CelEnv, evaluate_resource

            cel_context = self.cel_context or CelContext()

        def evaluate_range(start: int, stop: int) -> Evaluation:
            part = Evaluation()
            for i in range(start, stop):
                origin = origins[i] if origins and i < len(origins) else None
                patched, generated, results = self._resource(resources[i], lookup, kinds, origin)
                if self.cel:
                    # the CEL policy kinds run after the kyverno.io ones (kyverno CLI processor order)
                    env = CelEnv(cel_context, resources, self.values.namespaces, self.values.namespace_labels, self.admission)
                    cel_out = evaluate_resource(self.cel, patched, env, origin)
                    patched = cel_out.resource
                    generated = [*generated, *cel_out.generated]
                    results = [*results, *cel_out.results]
                part.resources.append(patched)
                part.generated.extend(generated)
                part.results.extend(results)
            return part

        jobs = parallel.jobs_for(len(resources)) if jobs is None else min(jobs, parallel.jobs_for(len(resources)))
        if jobs <= 1:
            return evaluate_range(0, len(resources))

        def in_worker(start: int, stop: int) -> Evaluation:
            part = evaluate_range(start, stop)
            # an unchanged resource is the parent's own object: do not pickle it back
            part.resources = [None if r is resources[start + j] else r for j, r in enumerate(part.resources)]  # type: ignore[misc]
            return part

        out = Evaluation()
        for start, part in parallel.map_ranges(in_worker, len(resources), jobs):
            out.resources.extend(
                resources[start + j] if r is None else parallel.share_unchanged(r, resources[start + j])
                for j, r in enumerate(part.resources)
            )
            out.generated.extend(part.generated)
            out.results.extend(part.results)
        return out

    def _namespace(self, resource: dict[str, Any], lookup: ResourceLookup) -> tuple[dict[str, str], dict[str, Any] | None]:
        md = resource.get("metadata") or {}
        ns = str(md.get("name") if resource.get("kind") == "Namespace" else md.get("namespace") or "")
        if not ns:
            return {}, None
        obj = lookup.get("v1", "Namespace", "", ns)
        if obj is not None:
            labels = {str(k): str(v) for k, v in ((obj.get("metadata") or {}).get("labels") or {}).items()}
        else:
            labels = dict(self.values.namespace_labels.get(ns, {}))
        labels.setdefault("kubernetes.io/metadata.name", ns)
        return labels, obj

    def _resource(
        self, resource: dict[str, Any], lookup: ResourceLookup, kinds: list[str], origin: Origin | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[RuleResult]]:
        results: list[RuleResult] = []
        generated: list[dict[str, Any]] = []
        ns_labels, ns_obj = self._namespace(resource, lookup)
        name = str((resource.get("metadata") or {}).get("name") or "")
        memo = _ResourceMemo(resource, ns_labels, self.admission)
        for policy, plan, policy_kinds in zip(self.policies, self._plans, self._policy_kinds, strict=True):
            if policy_kinds is not None and resource.get("kind") not in policy_kinds:
                continue
            res_values = self.values.for_resource(policy.name, name)
            operation = str(res_values.get("request.operation") or self.default_operation)
            # the Kyverno CLI has no previous version of a resource: for UPDATE it compares
            # the resource with itself, so `object != oldObject` rules see no change
            old = resource if operation == "UPDATE" else None
            run = PolicyRun(policy, resource, old, operation, ns_labels, ns_obj, self.image_verifier)
            memo = memo.of(resource)
            ctx = self._context(run, res_values, memo)
            for handler, rule, rule_kinds_, rule_type in plan:
                if rule_kinds_ is not None and run.resource.get("kind") not in rule_kinds_:
                    continue
                memo = memo.of(run.resource)
                outcome = self._invoke(rule, run, ctx, handler, lookup, kinds, memo)
                if outcome is None:
                    continue
                if outcome.patched is not None and outcome.status is RuleStatus.PASS:
                    run.resource = outcome.patched
                    ctx.set(("request", "object"), outcome.patched)
                    memo = memo.of(run.resource)
                generated.extend(outcome.generated)
                results.append(self._result(policy, rule, rule_type, run, outcome, origin, memo))
            resource = run.resource
        return resource, generated, results

    def _context(self, run: PolicyRun, res_values: Mapping[str, Any], memo: _ResourceMemo) -> Context:
        resource = run.resource
        md = resource.get("metadata") or {}
        namespace = str(md.get("name") if resource.get("kind") == "Namespace" else md.get("namespace") or "")
        user = self._user
        request: dict[str, Any] = {
            "object": resource,
            "oldObject": run.old_resource,
            "operation": run.operation,
            "namespace": namespace,
            # shared between contexts: the context copies on write, and queries only read
            "userInfo": user.user_info,
            "roles": user.roles,
            "clusterRoles": user.cluster_roles,
            "kind": {"kind": resource.get("kind"), "group": "", "version": ""},
            "name": md.get("name"),
        }
        data: dict[str, Any] = {"request": request, "images": memo.images(), **user.service_account}
        ctx = Context(data)
        for key, value in res_values.items():
            ctx.set(str(key), value)
        return ctx

    def _invoke(
        self,
        rule: Rule,
        run: PolicyRun,
        ctx: Context,
        handler: Handler,
        lookup: ResourceLookup,
        kinds: list[str],
        memo: _ResourceMemo,
    ) -> Outcome | None:
        m = memo.match_input(run.operation)
        if not rule_matches(rule.raw, m, policy_namespace=run.policy.namespace):
            return None
        if self.exceptions:
            exc = find_exception(self.exceptions, run.policy, rule, m, ctx)
            if exc is not None:
                return Outcome.skip(f"rule is skipped due to policy exception: {exc}")
        ctx.checkpoint()
        try:
            rule_values = self.values.for_rule(run.policy.name, rule.autogen_of or rule.name)
            provided: set[str] = set()
            if rule_values:
                for key, value in rule_values.items():
                    ctx.set(str(key), value)
                # a value `saMap.data.x` provides the context entry `saMap`
                provided = {str(k).split(".")[0] for k in rule_values}
                ctx.provided = frozenset(provided)
            env = RuleEnv(ctx, lookup, kinds, provided)
            entries = rule.raw.get("context")
            if entries:
                try:
                    load_entries(entries, ctx, lookup, kinds, provided)
                except Exception as err:
                    return Outcome.error("failed to load context", err)
            pre = rule.raw.get("preconditions")
            if pre:
                from argogate.engine.conditions import evaluate_conditions

                try:
                    res = evaluate_conditions(pre, ctx)
                except Exception as err:
                    return Outcome.error("failed to evaluate preconditions", err)
                if not res.ok:
                    return Outcome.skip("; ".join(s for s in ("preconditions not met", res.message) if s))
            return handler(rule, run.resource, env, run)
        finally:
            ctx.restore()
            ctx.provided = frozenset()

    def _result(
        self,
        policy: Policy,
        rule: Rule,
        rule_type: str,
        run: PolicyRun,
        outcome: Outcome,
        origin: Origin | None,
        memo: _ResourceMemo,
    ) -> RuleResult:
        facts = self._facts[id(policy)]
        status = outcome.status
        if status is RuleStatus.FAIL and not facts.scored:
            status = RuleStatus.WARN
        enforce = False
        if rule_type == "verifyImages" or rule_type.startswith("validate"):
            static = self._static_enforce.get(id(rule))
            enforce = memo.enforced(policy, rule) if static is None else static
        return RuleResult(
            policy=facts.report_name,
            rule=rule.name,
            status=status,
            message=outcome.message,
            resource=memo.ref(),
            rule_type=rule_type,
            enforce=enforce,
            policy_kind=policy.kind,
            category=facts.category,
            severity=facts.severity,
            origin=origin,
            policy_origin=policy.origin,
        )


@dataclass(frozen=True, slots=True)
class _PolicyFacts:
    report_name: str
    scored: bool
    category: str
    severity: str

    @classmethod
    def of(cls, policy: Policy) -> _PolicyFacts:
        return cls(policy.report_name, policy.scored, policy.category, policy.severity)


@dataclass(frozen=True, slots=True)
class _UserFacts:
    """The request's user parts (kyverno `pkg/engine/context` AddUserInfo, AddServiceAccount)."""

    user_info: dict[str, Any]
    roles: list[str]
    cluster_roles: list[str]
    service_account: dict[str, str]

    @classmethod
    def of(cls, admission: AdmissionInfo) -> _UserFacts:
        service_account: dict[str, str] = {}
        if admission.username.startswith("system:serviceaccount:"):
            parts = admission.username.split(":")
            if len(parts) == 4:
                service_account = {"serviceAccountNamespace": parts[2], "serviceAccountName": parts[3]}
        return cls(admission.to_request(), list(admission.roles), list(admission.cluster_roles), service_account)


class _ResourceMemo:
    """What the per-rule steps derive from one version of a resource, computed once for it.

    A resource meets ~11 rules; only a mutation that passes makes a new version, so the
    match input, the `images` variable, the report reference and the failure actions are
    the same for every other rule.
    """

    __slots__ = ("_enforced", "_images", "_match", "_ref", "admission", "namespace_labels", "resource")

    def __init__(
        self, resource: dict[str, Any], namespace_labels: dict[str, str], admission: AdmissionInfo
    ) -> None:
        self.resource = resource
        self.namespace_labels = namespace_labels
        self.admission = admission
        self._match: dict[str, MatchInput] = {}
        self._ref: ResourceRef | None = None
        self._images: dict[str, Any] | None = None
        self._enforced: dict[tuple[int, int], bool] = {}

    def of(self, resource: dict[str, Any]) -> _ResourceMemo:
        if resource is self.resource:
            return self
        return _ResourceMemo(resource, self.namespace_labels, self.admission)

    def match_input(self, operation: str) -> MatchInput:
        m = self._match.get(operation)
        if m is None:
            m = self._match[operation] = MatchInput.of(
                self.resource,
                operation=operation,
                namespace_labels=self.namespace_labels,
                admission=self.admission,
            )
        return m

    def ref(self) -> ResourceRef:
        if self._ref is None:
            self._ref = ResourceRef.of(self.resource)
        return self._ref

    def images(self) -> dict[str, Any]:
        if self._images is None:
            self._images = extract_images(self.resource)
        return self._images

    def enforced(self, policy: Policy, rule: Rule) -> bool:
        key = (id(policy), id(rule))
        found = self._enforced.get(key)
        if found is None:
            ns = str((self.resource.get("metadata") or {}).get("namespace") or "")
            found = self._enforced[key] = (
                failure_action(policy, rule, ns, self.namespace_labels).lower() == "enforce"
            )
        return found
