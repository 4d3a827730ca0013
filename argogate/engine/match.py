"""Rule selection: does a rule's match/exclude select a resource?

Reproduces kyverno `pkg/engine/utils/match.go` (MatchesResourceDescription,
doesResourceMatchConditionBlock) and `pkg/utils/match/` (kinds with
group/version/subresource, wildcard names and namespaces, annotations, label and
namespace selectors with wildcards, user info). Within a resource description
every attribute must hold (AND), within a list attribute one entry suffices (OR).
`match.any` needs one filter, `match.all` needs all; `exclude.any` excludes when
one filter selects the resource, `exclude.all` when all of them do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from argogate.engine import wildcards
from argogate.engine.identity import identity_memo
from argogate.engine.matchinput import (
    CLUSTER_SCOPED_KINDS,
    AdmissionInfo,
    MatchInput,
    check_annotations,
    check_kind,
    check_selector,
    check_subjects,
    parse_kind_selector,
    split_api_version,
)

__all__ = [
    "CLUSTER_SCOPED_KINDS",
    "AdmissionInfo",
    "MatchInput",
    "check_kind",
    "check_selector",
    "excluded",
    "match_block_selects",
    "parse_kind_selector",
    "rule_kinds",
    "rule_matches",
    "split_api_version",
]


def _resource_namespace(resource: dict[str, Any]) -> str:
    md = resource.get("metadata") or {}
    if resource.get("kind") == "Namespace":
        return str(md.get("name") or "")
    return str(md.get("namespace") or "")


def _metadata(m: MatchInput) -> dict[str, Any]:
    return m.resource.get("metadata") or {}


def _resource_name(m: MatchInput) -> str:
    md = _metadata(m)
    return str(md.get("name") or md.get("generateName") or "")


_Check = Callable[[MatchInput], bool]


def _kinds_check(kinds: list[Any]) -> _Check:
    selectors = [parse_kind_selector(str(k)) for k in kinds]
    if all(
        g == "*" and v == "*" and not sub and not wildcards.contains_wildcard(k) for g, v, k, sub in selectors
    ):
        names = frozenset(k for _, _, k, _ in selectors)  # what check_kind comes down to for bare kinds
        return lambda m: m.kind in names
    return lambda m: check_kind(kinds, m)


def _description_checks(rd: dict[str, Any]) -> tuple[_Check, ...]:
    """`doesResourceMatchConditionBlock` for one resource description, one check per attribute set."""
    checks: list[_Check] = []
    if rd.get("kinds"):
        checks.append(_kinds_check(rd["kinds"]))
    if rd.get("name"):
        pattern = str(rd["name"])
        checks.append(lambda m: wildcards.match(pattern, _resource_name(m)))
    if rd.get("names"):
        names = [str(n) for n in rd["names"]]
        checks.append(lambda m: _matches_any(names, _resource_name(m)))
    if rd.get("namespaces"):
        namespaces = [str(n) for n in rd["namespaces"]]
        checks.append(lambda m: _matches_any(namespaces, _resource_namespace(m.resource)))
    if rd.get("annotations"):
        annotations = rd["annotations"]
        checks.append(lambda m: check_annotations(annotations, _metadata(m).get("annotations") or {}))
    if rd.get("selector") is not None:
        selector = rd["selector"]
        checks.append(lambda m: check_selector(selector, _metadata(m).get("labels") or {}))
    if rd.get("namespaceSelector") is not None:
        ns_selector = rd["namespaceSelector"]
        checks.append(
            lambda m: m.kind == "Namespace" or not m.kind or check_selector(ns_selector, m.namespace_labels)
        )
    if rd.get("operations"):
        operations = rd["operations"]
        checks.append(lambda m: m.operation in operations)
    return tuple(checks)


def _matches_any(patterns: list[str], value: str) -> bool:
    for p in patterns:
        if wildcards.match(p, value):
            return True
    return False


def _user_info_matches(f: dict[str, Any], info: AdmissionInfo) -> bool:
    if f.get("roles") and not set(f["roles"]) & set(info.roles):
        return False
    if f.get("clusterRoles") and not set(f["clusterRoles"]) & set(info.cluster_roles):
        return False
    if f.get("subjects") and not check_subjects(f["subjects"], info):
        return False
    return True


_USER_KEYS = ("roles", "clusterRoles", "subjects")


class _Filter:
    """One match/exclude filter (`resources` plus user info), its checks built once."""

    __slots__ = ("checks", "empty", "has_user", "raw")

    def __init__(self, f: dict[str, Any]) -> None:
        rd = f.get("resources") or {}
        self.raw = f
        self.empty = not rd
        self.has_user = any(f.get(k) for k in _USER_KEYS)
        self.checks = _description_checks(rd)

    def selects(self, m: MatchInput, ignore_user: bool) -> bool | None:
        """True/False, or None for an empty filter (which selects nothing)."""
        if self.empty and (ignore_user or not self.has_user):
            return None
        for check in self.checks:
            if not check(m):
                return False
        return ignore_user or _user_info_matches(self.raw, m.admission)


def _flat_filter(block: dict[str, Any]) -> dict[str, Any]:
    return {k: block[k] for k in ("resources", *_USER_KEYS) if k in block}


# Rules are matched against every resource and never edited: build each filter once per
# filter object (an `any`/`all` entry) or block object (the flat form).
_entry_filter = identity_memo(8192)(_Filter)
_block_filter = identity_memo(8192)(lambda block: _Filter(_flat_filter(block)))


def _any_selects(filters: list[dict[str, Any]], m: MatchInput, ignore_user: bool) -> bool:
    for f in filters:
        if _entry_filter(f).selects(m, ignore_user):
            return True
    return False


def _all_select(filters: list[dict[str, Any]], m: MatchInput, ignore_user: bool) -> bool:
    for f in filters:
        if not _entry_filter(f).selects(m, ignore_user):
            return False
    return True


def _compile_rule(rule: dict[str, Any]) -> _Check:
    """The match and exclude blocks of one rule as one check (`rule_matches` without the namespace)."""
    match = rule.get("match") or {}
    check: _Check
    if match.get("any"):
        filters = tuple(_Filter(f) for f in match["any"])

        def any_selects(m: MatchInput) -> bool:
            ignore_user = m.admission.empty
            for f in filters:
                if f.selects(m, ignore_user):
                    return True
            return False

        check = any_selects
    elif match.get("all"):
        filters = tuple(_Filter(f) for f in match["all"])

        def all_select(m: MatchInput) -> bool:
            ignore_user = m.admission.empty
            for f in filters:
                if not f.selects(m, ignore_user):
                    return False
            return True

        check = all_select
    else:
        flat = _Filter(_flat_filter(match))
        filters = (flat,)
        check = lambda m: bool(flat.selects(m, m.admission.empty))  # noqa: E731
    if len(filters) == 1 and not filters[0].empty and not filters[0].has_user and len(filters[0].checks) == 1:
        check = filters[0].checks[0]  # e.g. kinds only: the filter is its one check
    exclude = rule.get("exclude")
    if not exclude:
        return check
    selects = check
    return lambda m: selects(m) and not excluded(exclude, m)


# per rule object: its match and exclude blocks when compiled (a rule given other blocks since
# is compiled again), and the check
_RULES: dict[int, tuple[dict[str, Any], Any, Any, _Check]] = {}


def _rule_check(rule: dict[str, Any]) -> _Check:
    hit = _RULES.get(id(rule))
    match, exclude = rule.get("match"), rule.get("exclude")
    if hit is not None and hit[0] is rule and hit[1] is match and hit[2] is exclude:
        return hit[3]
    check = _compile_rule(rule)
    if len(_RULES) >= 4096:
        _RULES.clear()
    _RULES[id(rule)] = (rule, match, exclude, check)
    return check


def rule_matches(rule: dict[str, Any], m: MatchInput, *, policy_namespace: str = "") -> bool:
    """MatchesResourceDescription for one rule; True when the rule applies to the resource."""
    if policy_namespace and policy_namespace != (m.resource.get("metadata") or {}).get("namespace"):
        return False
    return _rule_check(rule)(m)


def excluded(exclude: dict[str, Any], m: MatchInput) -> bool:
    if not exclude:
        return False
    if exclude.get("any"):
        return _any_selects(exclude["any"], m, False)
    if exclude.get("all"):
        return _all_select(exclude["all"], m, False)
    return bool(_block_filter(exclude).selects(m, False))


def match_block_selects(block: dict[str, Any], m: MatchInput) -> bool:
    """CheckMatchesResources (exceptions): any/all filters, user info always considered."""
    if block.get("any"):
        return _any_selects(block["any"], m, False)
    if block.get("all"):
        return _all_select(block["all"], m, False)
    return True


def _filter_kinds(f: dict[str, Any]) -> frozenset[str] | None:
    kinds = (f.get("resources") or {}).get("kinds")
    if not kinds or not isinstance(kinds, list):
        return None
    out = set()
    for k in kinds:
        kind = parse_kind_selector(str(k))[2]
        if not kind or wildcards.contains_wildcard(kind):
            return None
        out.add(kind)
    return frozenset(out)


def rule_kinds(rule: dict[str, Any]) -> frozenset[str] | None:
    """The bare kinds a rule's `match` can select, or None when it cannot be told without a resource.

    A pre-filter only (the engine's per-kind rule index): a resource whose kind is not in
    the set can never satisfy `rule_matches`, because every `match.any` filter (one of
    them must select) or every `match.all` filter (all must) names kinds without wildcards.
    """
    match = rule.get("match") or {}
    if not isinstance(match, dict):
        return None
    if match.get("any"):
        union: set[str] = set()
        for f in match["any"]:
            kinds = _filter_kinds(f) if isinstance(f, dict) else None
            if kinds is None:
                return None
            union |= kinds
        return frozenset(union)
    if match.get("all"):
        sets = [_filter_kinds(f) if isinstance(f, dict) else None for f in match["all"]]
        known = [s for s in sets if s is not None]
        return frozenset.intersection(*known) if known else None
    return _filter_kinds(match)
