"""Static checks on a rule, run at load time so a broken policy fails before evaluation.

Each check yields `(path, problem)` with the path relative to the rule. The
engine's own parsers (anchors, JMESPath, CEL, operators) do the checking, so a
policy is rejected for exactly the things the engine would choke on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from argogate.model.policy import RULE_FAMILIES

Problem = tuple[tuple[str | int, ...], str]
_ANCHOR_HELP = " (validate patterns take (key), =(key), ^(key), X(key) and <(key); +(key) is for mutate)"
_VALIDATE_TYPES = ("pattern", "anyPattern", "deny", "foreach", "cel", "podSecurity", "manifests", "assert")
_MUTATE_TYPES = ("patchStrategicMerge", "patchesJson6902", "foreach", "targets", "mutateExistingOnPolicyUpdate")
# kyverno pkg/engine/variables/regex: one level of nested braces is allowed inside {{ }}
_VAR = re.compile(r"(?<!\\)\{\{((?:\{[^{}]*\}|[^{}])*)\}\}")


def check_rule(rule: dict[str, Any]) -> Iterator[Problem]:
    families = [f for f in RULE_FAMILIES if rule.get(f)]
    if not families:
        yield (), "rule has no rule type: add one of validate, mutate, generate or verifyImages"
        return
    if len(families) > 1:
        yield (), f"rule has more than one rule type ({', '.join(families)}); split it into separate rules"
        return
    fam = families[0]
    body = rule[fam]
    if fam == "validate":
        if not isinstance(body, dict) or not any(body.get(k) is not None for k in _VALIDATE_TYPES):
            yield ("validate",), "validate needs one of " + ", ".join(_VALIDATE_TYPES)
            return
        yield from _check_patterns(body)
        yield from _check_cel(body)
    elif fam == "mutate":
        if not isinstance(body, dict) or not any(body.get(k) is not None for k in _MUTATE_TYPES):
            yield ("mutate",), "mutate needs one of patchStrategicMerge, patchesJson6902, foreach or targets"
    yield from _check_operators(rule)
    yield from _check_jmespath(rule, ())


def _check_patterns(body: dict[str, Any]) -> Iterator[Problem]:
    try:
        from argogate.engine import anchors
    except ImportError:  # pragma: no cover - engine always ships anchors
        return
    checker = getattr(anchors, "validate_pattern_anchors", None)
    if checker is None:
        return
    if body.get("pattern") is not None:
        for problem in checker(body["pattern"]):
            yield ("validate", "pattern", *problem.path), problem.message + _ANCHOR_HELP
    for i, p in enumerate(body.get("anyPattern") or []):
        for problem in checker(p):
            yield ("validate", "anyPattern", i, *problem.path), problem.message + _ANCHOR_HELP


def _check_cel(body: dict[str, Any]) -> Iterator[Problem]:
    cel_spec = body.get("cel")
    if not isinstance(cel_spec, dict):
        return
    try:
        from argogate.engine import cel
    except ImportError:  # pragma: no cover
        return
    for i, e in enumerate(cel_spec.get("expressions") or []):
        for key in ("expression", "messageExpression"):
            if isinstance(e, dict) and e.get(key):
                try:
                    cel.compile(str(e[key]))
                except Exception as exc:
                    yield ("validate", "cel", "expressions", i, key), f"invalid CEL expression: {_first_line(exc)}"
    for i, v in enumerate(cel_spec.get("variables") or []):
        if isinstance(v, dict) and v.get("expression"):
            try:
                cel.compile(str(v["expression"]))
            except Exception as exc:
                yield ("validate", "cel", "variables", i, "expression"), f"invalid CEL expression: {_first_line(exc)}"


def _walk_conditions(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    if isinstance(node, list):
        for i, c in enumerate(node):
            if isinstance(c, dict) and "operator" in c:
                yield (*path, i), c
    elif isinstance(node, dict):
        for key in ("any", "all"):
            for i, c in enumerate(node.get(key) or []):
                if isinstance(c, dict):
                    yield (*path, key, i), c


def _check_operators(rule: dict[str, Any]) -> Iterator[Problem]:
    try:
        from argogate.engine.conditions import is_valid_operator
    except ImportError:
        return
    blocks: list[tuple[tuple[str | int, ...], Any]] = [(("preconditions",), rule.get("preconditions"))]
    validate = rule.get("validate")
    if isinstance(validate, dict) and isinstance(validate.get("deny"), dict):
        blocks.append((("validate", "deny", "conditions"), validate["deny"].get("conditions")))
    for base, node in blocks:
        for path, cond in _walk_conditions(node, base):
            op = cond.get("operator")
            if not is_valid_operator(str(op)):
                yield (*path, "operator"), f"unknown condition operator {op!r}"


def _check_jmespath(node: Any, path: tuple[str | int, ...]) -> Iterator[Problem]:
    try:
        from argogate.engine import jmes
    except ImportError:
        return
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(node, path)]
    while stack:
        cur, p = stack.pop()
        if isinstance(cur, dict):
            for k, v in cur.items():
                if k in ("cel", "celPreconditions"):
                    continue
                stack.append((v, (*p, k)))
        elif isinstance(cur, list):
            for i, v in enumerate(cur):
                stack.append((v, (*p, i)))
        elif isinstance(cur, str) and "{{" in cur:
            for m in _VAR.finditer(cur):
                expr = m.group(1).strip()
                if not expr or expr == "@":
                    continue
                try:
                    jmes.compile(expr)
                except Exception as exc:
                    yield p, f"invalid JMESPath in {{{{{expr}}}}}: {_first_line(exc)}"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
