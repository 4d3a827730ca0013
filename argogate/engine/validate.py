"""validate rules: pattern, anyPattern, deny and foreach (the non-CEL, non-PSS flavours).

A line-by-line reading of kyverno `pkg/engine/handlers/validation/validate_resource.go`:
`validator.validate` (context, preconditions, then deny / patterns / foreach),
`validateForEach` / `validateElements` (per-element context and preconditions,
`element` scoping, "validation failure: " prefix, errors only reported on the
last element), `getDenyMessage`, `buildErrorMessage` and
`buildAnyPatternErrorMessage`. The messages are built in `messages.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argogate.engine import gofmt, jmes, messages
from argogate.engine.api import ResourceLookup
from argogate.engine.conditions import evaluate_conditions
from argogate.engine.context import Context
from argogate.engine.contextentries import load_entries
from argogate.engine.outcome import Outcome
from argogate.engine.pattern import match_pattern
from argogate.engine.variables.substitute import substitute_shared
from argogate.model.result import RuleStatus


@dataclass
class RuleEnv:
    """What a handler needs besides the rule: the context and where lookups go."""

    ctx: Context
    lookup: ResourceLookup
    kinds: list[str]
    provided: set[str]  # context names the values file already set


class _Validator:
    __slots__ = (
        "any_pattern", "deny", "element", "entries", "env", "foreach", "nesting", "pattern",
        "preconditions", "rule_message", "rule_name",
    )  # fmt: skip

    def __init__(
        self,
        rule_name: str,
        rule_message: str | None,
        env: RuleEnv,
        *,
        body: dict[str, Any],
        element: Any = None,
        nesting: int = 0,
        with_entries: bool = False,
    ) -> None:
        self.rule_name = rule_name
        self.rule_message = rule_message
        self.env = env
        self.pattern = body.get("pattern")
        self.any_pattern = body.get("anyPattern")
        self.deny = body.get("deny")
        self.foreach = body.get("foreach")
        self.entries = body.get("context") if with_entries else None
        self.preconditions = body.get("preconditions") if with_entries else None
        self.element = element
        self.nesting = nesting

    # validator.validate
    def validate(self, resource: dict[str, Any]) -> Outcome | None:
        ctx = self.env.ctx
        if self.entries:
            try:
                load_entries(self.entries, ctx, self.env.lookup, self.env.kinds, self.env.provided)
            except Exception as exc:
                return Outcome.error("failed to load context", exc)
        if self.preconditions:
            try:
                res = evaluate_conditions(self.preconditions, ctx)
            except Exception as exc:
                return Outcome.error("failed to evaluate preconditions", exc)
            if not res.ok:
                return Outcome.skip("preconditions not met")
        if self.deny is not None:
            return self._deny()
        pattern, any_pattern = self.pattern, self.any_pattern
        if pattern is not None or any_pattern is not None:
            try:
                if pattern is not None:
                    pattern = substitute_shared(pattern, ctx)
                else:
                    any_pattern = substitute_shared(any_pattern, ctx)
            except Exception as exc:
                return Outcome.error("variable substitution failed", exc)
            target = self.element if isinstance(self.element, dict) and self.element else resource
            return self._patterns(target, pattern, any_pattern)
        if self.foreach is not None:
            return self._foreach(resource)
        return None

    def _message(self) -> Any:
        return substitute_shared(self.rule_message, self.env.ctx)

    def _deny(self) -> Outcome:
        conditions = (self.deny or {}).get("conditions")
        try:
            # CheckDenyPreconditions: the rule denies when its conditions hold (no conditions: always)
            denied = evaluate_conditions(conditions, self.env.ctx).ok
        except Exception as exc:
            return Outcome.error("failed to check deny preconditions", exc)
        if not denied:
            return Outcome.passed(messages.validation_passed(self.rule_name))
        if not self.rule_message:
            return Outcome.fail(messages.deny_default(self.rule_name))
        try:
            raw = self._message()
        except Exception:
            return Outcome.fail(str(self.rule_message))
        if not isinstance(raw, str):
            return Outcome.fail(
                "the produced message didn't resolve to a string, check your policy definition."
            )
        return Outcome.fail(raw)

    def _error_message(self, err: str, path: tuple[str | int, ...] | None) -> str:
        if not self.rule_message:
            return messages.pattern_failed(self.rule_name, None, path, err)
        try:
            msg = self._message()
        except Exception:
            return messages.pattern_substitution_failed(self.rule_name, err)
        return messages.pattern_failed(self.rule_name, str(msg), path, err)

    def _patterns(self, resource: dict[str, Any], pattern: Any, any_pattern: Any) -> Outcome:
        if pattern is not None:
            pe = match_pattern(resource, pattern)
            if pe is None:
                return Outcome.passed(messages.validation_passed(self.rule_name))
            if pe.skip:
                return Outcome.skip(pe.message)
            if pe.path is None:  # Kyverno's empty path: an execution error, not a failure
                return Outcome(RuleStatus.ERROR, self._error_message(pe.message, None))
            return Outcome.fail(self._error_message(pe.message, pe.path))
        patterns = any_pattern
        if not isinstance(patterns, list):
            return Outcome.error("failed to deserialize anyPattern, expected type array", "not a list")
        failed: list[str] = []
        skipped: list[str] = []
        for idx, alternative in enumerate(patterns):
            pe = match_pattern(resource, alternative)
            if pe is None:
                return Outcome.passed(messages.any_pattern_passed(self.rule_name, idx))
            if pe.skip:
                skipped.append(messages.any_pattern_skipped(self.rule_name, idx, pe.message))
            elif pe.path is None:
                failed.append(messages.any_pattern_error(self.rule_name, idx, pe.message))
            else:
                failed.append(messages.any_pattern_failed_at(self.rule_name, idx, pe.path))
        if skipped and not failed:
            return Outcome.skip(" ".join(skipped))
        if failed:
            # buildAnyPatternErrorMessage uses the rule message as written, without substitution
            return Outcome.fail(messages.any_pattern_failed(self.rule_message, failed))
        return Outcome.passed(str(self.rule_message or ""))

    # validateForEach
    def _foreach(self, resource: dict[str, Any]) -> Outcome | None:
        apply_count = 0
        for fe in self.foreach or []:
            try:
                value = jmes.search(str(fe.get("list")), self.env.ctx.data)
            except Exception:
                continue  # kyverno logs "failed to evaluate list" and moves on
            elements = value if isinstance(value, list) else [value]
            resp, count = self._elements(resource, fe, elements)
            if resp.status is not RuleStatus.PASS:
                return resp
            apply_count += count
        if apply_count == 0:
            return Outcome.skip("rule skipped")
        return Outcome.passed("rule passed")

    def _elements(
        self, resource: dict[str, Any], fe: dict[str, Any], elements: list[Any]
    ) -> tuple[Outcome, int]:
        ctx = self.env.ctx
        names = (
            ("element",),
            ("elementIndex",),
            (f"element{self.nesting}",),
            (f"elementIndex{self.nesting}",),
        )
        scope = fe.get("elementScope")
        # one validator serves every element: only the element it scopes to changes
        child = _Validator(
            self.rule_name, self.rule_message, self.env, body=fe, nesting=self.nesting + 1, with_entries=True
        )
        last = len(elements) - 1
        ctx.checkpoint()
        try:
            count = 0
            for index, element in enumerate(elements):
                if element is None:
                    continue
                ctx.rewind()
                ctx.add(names[0], element)
                ctx.add(names[1], index)
                ctx.add(names[2], element)
                ctx.add(names[3], index)
                scoped = isinstance(element, dict)
                if scope is not None:
                    if scope and not isinstance(element, dict):
                        msg = (
                            "cannot use elementScope=true foreach rules for elements that are not maps, "
                            f"expected type=map got type={gofmt.go_type(element)}"
                        )
                        return Outcome.error("failed to process foreach", msg), count
                    scoped = bool(scope)
                child.element = element if scoped else self.element
                r = child.validate(resource)
                if r is None or r.status is RuleStatus.SKIP:
                    continue
                if r.status is not RuleStatus.PASS:
                    if r.status is RuleStatus.ERROR and index < last:
                        continue
                    return Outcome(r.status, f"validation failure: {r.message}"), count
                count += 1
            return Outcome.passed(""), count
        finally:
            ctx.restore()


def validate_rule(
    rule_name: str, validate: dict[str, Any], resource: dict[str, Any], env: RuleEnv
) -> Outcome | None:
    """Run a pattern/anyPattern/deny/foreach validate rule whose context and preconditions are loaded."""
    v = _Validator(rule_name, validate.get("message"), env, body=validate)
    return v.validate(resource)
