"""patchStrategicMerge: Kyverno's anchor preprocessing, then kyaml's merge.

Kyverno (`pkg/engine/mutate/patch/strategicPreprocessing.go`) rewrites the patch
against the resource before merging it:

* `+(key)`: dropped when the resource already has `key`, else renamed to `key`;
* `(key)` conditions and `<(key)` global conditions are checked with the
  validate pattern matcher. A failed condition inside a list element drops that
  element; a failed condition on a map, or a global condition that no list
  element satisfies, empties the whole patch, which then changes nothing, so
  the rule reports skip "no patches applied";
* for each resource list element an anchored element matches, a copy of the
  element with the anchors stripped and the resource element's `name` is
  appended (the `name` lets kyaml merge it into the right element);
* finally every anchored key, and every map left empty (including a literal
  `{}`), is removed from the patch (`deleteConditionElements`).

Other anchors (`=()`, `X()`, `^()`) are not special in a mutate patch: they stay
literal keys, as in Kyverno. Quirks kept on purpose are marked "kyverno quirk".

Speed: the same few patches are preprocessed against every resource (a foreach
once per element), so what a map's keys say (`_key_info`) is cached per key
tuple, and a failed condition's message, which nothing reports, is never built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from argogate.engine.mutate.anchorkeys import (
    ADD,
    ANY,
    CONDITION,
    GLOBAL,
    GLOBAL_KEY,
    LOCAL,
    MUTATE,
    PreprocessError,
    anchor_flags,
    bare_key,
    delete_anchors,
    delete_condition_elements,
    key_info,
    parse_anchor,
    rename_key,
)
from argogate.engine.mutate.merge import MergeError, copy_tree, merge
from argogate.engine.mutate.outcome import MutateOutcome, success_message
from argogate.engine.pattern import match_pattern
from argogate.engine.pattern.scalar import validate_value

__all__ = [
    "Matcher",
    "PreprocessError",
    "apply_strategic_merge",
    "default_matcher",
    "parse_anchor",
    "preprocess",
    "strategic_merge",
]

Matcher = Callable[[Any, Any], str | None]
"""(resource value, pattern value) -> None on match, else the mismatch message."""


class _ConditionError(Exception):
    def __str__(self) -> str:
        return f"condition failed: {self.args[0]}"


class _GlobalConditionError(Exception):
    def __str__(self) -> str:
        return f"global condition failed: {self.args[0]}"


def _scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def apply_strategic_merge(
    resource: dict[str, Any], patch: Any, *, matcher: Matcher | None = None
) -> MutateOutcome:
    """Apply a patchStrategicMerge (already variable-substituted) to `resource`."""
    status, patched, message = strategic_merge(resource, patch, matcher=matcher)
    return MutateOutcome(status, patched, success_message(patched) if message is None else message)


def strategic_merge(
    resource: dict[str, Any], patch: Any, *, matcher: Matcher | None = None, owned: bool = False
) -> tuple[str, dict[str, Any], str | None]:
    """`apply_strategic_merge` as (status, patched, message); the message is None on "pass",
    for callers that word their own. With `owned`, the caller hands `patch` over (a fresh
    tree nobody else holds) and preprocessing edits it in place instead of a copy."""
    try:
        preprocessed = _preprocess(patch if owned else copy_tree(patch), resource, matcher)
    except PreprocessError as exc:
        return "error", resource, f"failed to patch resource: failed to preProcess rule: {exc}"
    if preprocessed == {} and isinstance(resource, dict):
        # merging `{}` copies the resource unchanged
        return "skip", resource, "no patches applied"
    try:
        patched = merge(resource, preprocessed)
    except MergeError as exc:
        return "error", resource, f"failed to patch resource: {exc}"
    if not isinstance(patched, dict):
        patched = {}
    if patched == resource:
        return "skip", resource, "no patches applied"
    return "pass", patched, None


def preprocess(patch: Any, resource: Any, *, matcher: Matcher | None = None) -> Any:
    """The patch Kyverno hands to kyaml; `{}` when a condition fails (kyverno `strategicMergePatch`)."""
    return _preprocess(copy_tree(patch), resource, matcher)


def _preprocess(pattern: Any, resource: Any, matcher: Matcher | None) -> Any:
    """`preprocess` on a tree of our own, edited in place."""
    pre = _Preprocessor(matcher)
    try:
        pre.recurse(pattern, resource)
        if not isinstance(pattern, dict):
            raise PreprocessError(f"wrong node kind: expected MappingNode but got {type(pattern).__name__}")
        delete_condition_elements(pattern)
    except (_ConditionError, _GlobalConditionError):
        return {}
    return pattern


def default_matcher() -> Matcher:
    """kyverno `checkCondition`: `validate.MatchPattern(resource, pattern)`."""

    def match(resource: Any, pattern: Any) -> str | None:
        problem = match_pattern(resource, pattern)
        return None if problem is None else problem.message

    return match


def _default_condition(resource: Any, pattern: Any) -> bool:
    """`default_matcher` as a yes/no: what a failed condition says is never reported.

    Scalars reach the matcher as text, and for text MatchPattern is `pattern.Validate`."""
    if isinstance(pattern, str) and isinstance(resource, str):
        return validate_value(resource, pattern)
    return match_pattern(resource, pattern) is None


_EMPTY: dict[str, Any] = {}


class _Preprocessor:
    __slots__ = ("matcher",)

    def __init__(self, matcher: Matcher | None) -> None:
        self.matcher = matcher

    def recurse(self, pattern: Any, resource: Any) -> None:
        if isinstance(pattern, dict):
            self.walk_map(pattern, resource)
        elif isinstance(pattern, list) and pattern and isinstance(pattern[0], dict):
            self.process_list_of_maps(pattern, resource)

    def walk_map(self, pattern: dict[str, Any], resource: Any) -> None:
        bits, mask = key_info(pattern)
        if mask & ADD:
            _handle_add_if_not_present(pattern, resource)
            bits, mask = key_info(pattern)
        if mask & CONDITION:
            self.validate_conditions(pattern, resource, bits)
        if not isinstance(resource, dict):
            resource = _EMPTY
        # walking a child edits only the child: the keys of `pattern` stay as they are
        if mask & MUTATE:
            children: Any = [kv for kv, b in zip(pattern.items(), bits, strict=True) if not b & MUTATE]
        else:
            children = pattern.items()
        for key, child in children:
            if isinstance(child, dict):
                self.walk_map(child, resource.get(key))
            elif isinstance(child, list) and child and isinstance(child[0], dict):
                self.process_list_of_maps(child, resource.get(key))

    def process_list_of_maps(self, pattern: list[Any], resource: Any) -> None:
        if resource is not None and not isinstance(resource, list):
            raise PreprocessError("wrong node kind: expected SequenceNode but got MappingNode")
        resource_elements = resource or []
        for element in list(pattern):
            flags = anchor_flags(element)
            if not flags & ANY:
                continue
            has_global = bool(flags & GLOBAL)
            any_global_passed = False
            last_global: _GlobalConditionError | None = None
            # kyverno quirk: one copy is shared by all resource elements, so `+()` renames leak across them
            element_copy = copy_tree(element)
            for resource_element in resource_elements:
                try:
                    self.recurse(element_copy, resource_element)
                except _ConditionError:
                    continue
                except _GlobalConditionError as exc:
                    last_global = exc
                    continue
                if has_global:
                    any_global_passed = True
                else:
                    _handle_pattern_name(pattern, element_copy, resource_element)
            if resource is None:
                try:
                    self.recurse(element_copy, None)
                except _ConditionError:
                    continue
                if has_global:
                    any_global_passed = True
            if not any_global_passed and last_global is not None:
                raise last_global

    def validate_conditions(self, pattern: dict[str, Any], resource: Any, bits: tuple[int, ...]) -> None:
        """Global conditions first, then the others; `bits` are the keys' `_key_info` bits."""
        keys = list(pattern)
        for wanted, error in ((GLOBAL_KEY, _GlobalConditionError), (LOCAL, _ConditionError)):
            for raw, b in zip(keys, bits, strict=True):
                if b & wanted:
                    problem = self._check(pattern, raw, resource)
                    if problem is not None:
                        raise error(problem)

    def _check(self, pattern: dict[str, Any], raw: str, resource: Any) -> str | None:
        """One condition key against the resource: None when it holds, else why not."""
        key = bare_key(raw)
        if not isinstance(resource, dict) or key not in resource:
            return f'could not found "{key}" key in the resource'
        pattern_value, resource_value = pattern[raw], resource[key]
        if _handle_add_if_not_present(pattern_value, resource_value) > 0:
            return None
        if self.matcher is None:
            if _default_condition(_condition_value(resource_value), _condition_value(pattern_value)):
                return None
            return "condition does not match"
        return self.matcher(_condition_value(resource_value), _condition_value(pattern_value))


def _condition_value(value: Any) -> Any:
    # kyverno convertRNodeToInterface: scalars compare as their YAML text
    if isinstance(value, dict | list):
        return value
    return _scalar_text(value)


def _handle_add_if_not_present(pattern: Any, resource: Any) -> int:
    if not isinstance(pattern, dict):
        return 0
    bits, mask = key_info(pattern)
    if not mask & ADD:
        return 0
    adds = [raw for raw, b in zip(pattern, bits, strict=True) if b & ADD]
    for raw in adds:
        key = bare_key(raw)
        if isinstance(resource, dict) and key in resource:
            del pattern[raw]
        else:
            rename_key(pattern, raw, key)
    return len(adds)


def _handle_pattern_name(pattern: list[Any], element: dict[str, Any], resource_element: Any) -> None:
    if not isinstance(resource_element, dict) or resource_element.get("name") in (None, ""):
        return
    new = copy_tree(element)
    if delete_anchors(new, True, False):
        return
    new["name"] = copy_tree(resource_element["name"])
    pattern.append(new)
