"""PolicyException: does an exception cover this (policy, rule, resource)?

kyverno `pkg/engine/exceptions.go` / `pkg/engine/utils/exceptions.go`: an
exception names policies (`namespace/name` for namespaced ones) and rule names
(wildcards allowed), selects resources with a match block (any/all; user info
always considered) and optional conditions on the request context.
"""

from __future__ import annotations

from argogate.engine import wildcards
from argogate.engine.context import Context
from argogate.engine.match import MatchInput, match_block_selects
from argogate.model.policy import Policy, PolicyException, Rule


def _covers(exc: PolicyException, policy: Policy, rule: Rule) -> bool:
    for entry in exc.exceptions:
        if not wildcards.match(entry.policy_name, policy.report_name):
            continue
        for name in entry.rule_names:
            if wildcards.match(name, rule.name):
                return True
    return False


def find_exception(
    exceptions: list[PolicyException], policy: Policy, rule: Rule, m: MatchInput, ctx: Context
) -> str | None:
    """The `namespace/name` of the first exception that applies, or None."""
    keys = []
    for exc in exceptions:
        if not _covers(exc, policy, rule):
            continue
        if not match_block_selects(exc.match, m):
            continue
        if exc.conditions:
            from argogate.engine.conditions import evaluate_conditions

            try:
                if not evaluate_conditions(exc.conditions, ctx).ok:
                    continue
            except Exception:
                continue
        keys.append(f"{exc.namespace}/{exc.name}" if exc.namespace else exc.name)
    return ", ".join(keys) if keys else None


