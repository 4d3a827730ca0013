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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from argogate.engine import anchors
from argogate.engine.mutate.merge import MergeError, merge
from argogate.engine.mutate.outcome import MutateOutcome, success_message

Matcher = Callable[[Any, Any], str | None]
"""(resource value, pattern value) -> None on match, else the mismatch message."""


class PreprocessError(Exception):
    """A patch that cannot be preprocessed (kyverno: `failed to preProcess rule: ...`)."""


class _ConditionError(Exception):
    def __str__(self) -> str:
        return f"condition failed: {self.args[0]}"


class _GlobalConditionError(Exception):
    def __str__(self) -> str:
        return f"global condition failed: {self.args[0]}"


_PARSED: dict[str, tuple[str, str] | None] = {}


def parse_anchor(key: Any) -> tuple[str, str] | None:
    """(modifier, bare key) for `(k)`, `+(k)`, `<(k)`, `=(k)`, `X(k)`, `^(k)`; None otherwise."""
    if not isinstance(key, str):
        return None
    try:
        return _PARSED[key]
    except KeyError:
        pass
    found = anchors.parse(key)
    parsed = None if found is None else (found.kind.value, found.key)
    if len(_PARSED) < 65536:
        _PARSED[key] = parsed
    return parsed


def _copy(node: Any, memo: dict[int, Any] | None = None) -> Any:
    """A deep copy of a parsed YAML/JSON tree (dicts, lists, immutable scalars), several times faster than deepcopy.

    Like deepcopy it keeps shared nodes (YAML aliases) shared in the copy, because the
    preprocessing edits the copy in place.
    """
    if isinstance(node, dict):
        if memo is None:
            memo = {}
        done = memo.get(id(node))
        if done is None:
            done = memo[id(node)] = {}
            for k, v in node.items():
                done[k] = _copy(v, memo) if isinstance(v, dict | list) else v
        return done
    if isinstance(node, list):
        if memo is None:
            memo = {}
        done = memo.get(id(node))
        if done is None:
            done = memo[id(node)] = []
            done.extend(_copy(v, memo) if isinstance(v, dict | list) else v for v in node)
        return done
    return node


def _is_condition(a: tuple[str, str] | None) -> bool:
    return a is not None and a[0] in ("", "<")


def _is_global(a: tuple[str, str] | None) -> bool:
    return a is not None and a[0] == "<"


def _is_local_condition(a: tuple[str, str] | None) -> bool:
    return a is not None and a[0] == ""


def _is_add(a: tuple[str, str] | None) -> bool:
    return a is not None and a[0] == "+"


def _has_anchor(a: tuple[str, str] | None) -> bool:
    return _is_condition(a) or _is_add(a)


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
    try:
        preprocessed = preprocess(patch, resource, matcher=matcher)
    except PreprocessError as exc:
        return MutateOutcome("error", resource, f"failed to patch resource: failed to preProcess rule: {exc}")
    try:
        patched = merge(resource, preprocessed)
    except MergeError as exc:
        return MutateOutcome("error", resource, f"failed to patch resource: {exc}")
    if not isinstance(patched, dict):
        patched = {}
    if patched == resource:
        return MutateOutcome("skip", resource, "no patches applied")
    return MutateOutcome("pass", patched, success_message(patched))


def preprocess(patch: Any, resource: Any, *, matcher: Matcher | None = None) -> Any:
    """The patch Kyverno hands to kyaml; `{}` when a condition fails (kyverno `strategicMergePatch`)."""
    pattern = _copy(patch)
    pre = _Preprocessor(matcher or default_matcher())
    try:
        pre.recurse(pattern, resource)
        if not isinstance(pattern, dict):
            raise PreprocessError(f"wrong node kind: expected MappingNode but got {type(pattern).__name__}")
        _delete_condition_elements(pattern)
    except (_ConditionError, _GlobalConditionError):
        return {}
    return pattern


def default_matcher() -> Matcher:
    """kyverno `checkCondition`: `validate.MatchPattern(resource, pattern)`."""
    from argogate.engine.pattern import match_pattern

    def match(resource: Any, pattern: Any) -> str | None:
        problem = match_pattern(resource, pattern)
        return None if problem is None else problem.message

    return match


class _Preprocessor:
    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def recurse(self, pattern: Any, resource: Any) -> None:
        if isinstance(pattern, dict):
            self.walk_map(pattern, resource)
        elif isinstance(pattern, list) and pattern and isinstance(pattern[0], dict):
            self.process_list_of_maps(pattern, resource)

    def walk_map(self, pattern: dict[str, Any], resource: Any) -> None:
        _handle_add_if_not_present(pattern, resource)
        self.validate_conditions(pattern, resource)
        for key in [k for k in pattern if not _has_anchor(parse_anchor(k))]:
            value = resource.get(key) if isinstance(resource, dict) else None
            self.recurse(pattern[key], value)

    def process_list_of_maps(self, pattern: list[Any], resource: Any) -> None:
        if resource is not None and not isinstance(resource, list):
            raise PreprocessError("wrong node kind: expected SequenceNode but got MappingNode")
        resource_elements = resource or []
        for element in list(pattern):
            if not _has_anchors(element, _has_anchor):
                continue
            has_global = _has_anchors(element, _is_global)
            any_global_passed = False
            last_global: _GlobalConditionError | None = None
            # kyverno quirk: one copy is shared by all resource elements, so `+()` renames leak across them
            element_copy = _copy(element)
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

    def validate_conditions(self, pattern: dict[str, Any], resource: Any) -> None:
        try:
            self._validate(pattern, resource, _is_global)
        except (PreprocessError, _ConditionError, _GlobalConditionError) as exc:
            raise _GlobalConditionError(str(exc)) from None
        try:
            self._validate(pattern, resource, _is_local_condition)
        except (PreprocessError, _ConditionError, _GlobalConditionError) as exc:
            raise _ConditionError(str(exc)) from None

    def _validate(self, pattern: dict[str, Any], resource: Any, accept: Callable[[Any], bool]) -> None:
        for raw in list(pattern):
            anchor = parse_anchor(raw)
            if not accept(anchor):
                continue
            assert anchor is not None
            key = anchor[1]
            if not isinstance(resource, dict) or key not in resource:
                raise PreprocessError(f'could not found "{key}" key in the resource')
            pattern_value, resource_value = pattern[raw], resource[key]
            if _handle_add_if_not_present(pattern_value, resource_value) > 0:
                continue
            problem = self.matcher(_condition_value(resource_value), _condition_value(pattern_value))
            if problem is not None:
                raise PreprocessError(problem)


def _condition_value(value: Any) -> Any:
    # kyverno convertRNodeToInterface: scalars compare as their YAML text
    if isinstance(value, dict | list):
        return value
    return _scalar_text(value)


def _rename(pattern: dict[str, Any], old: str, new: str) -> None:
    items = [(new if k == old else k, v) for k, v in pattern.items()]
    pattern.clear()
    pattern.update(items)


def _handle_add_if_not_present(pattern: Any, resource: Any) -> int:
    if not isinstance(pattern, dict):
        return 0
    anchors = [(raw, a) for raw in list(pattern) if _is_add(a := parse_anchor(raw))]
    for raw, anchor in anchors:
        assert anchor is not None
        if isinstance(resource, dict) and anchor[1] in resource:
            del pattern[raw]
        else:
            _rename(pattern, raw, anchor[1])
    return len(anchors)


def _has_anchors(pattern: Any, accept: Callable[[Any], bool]) -> bool:
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            if accept(parse_anchor(key)):
                return True
            if value not in (None, {}, []) and _has_anchors(value, accept):
                return True
        return False
    if isinstance(pattern, list):
        return any(_has_anchors(e, accept) for e in pattern)
    # kyverno quirk: a scalar *value* that looks like `(x)` or `<(x)` counts as an anchor
    return _is_condition(parse_anchor(_scalar_text(pattern)))


def _handle_pattern_name(pattern: list[Any], element: dict[str, Any], resource_element: Any) -> None:
    if not isinstance(resource_element, dict) or resource_element.get("name") in (None, ""):
        return
    new = _copy(element)
    if _delete_anchors(new, True, False):
        return
    new["name"] = _copy(resource_element["name"])
    pattern.append(new)


def _delete_condition_elements(pattern: dict[str, Any]) -> None:
    for key in list(pattern):
        if _delete_anchors(pattern[key], _is_condition(parse_anchor(key)), False):
            del pattern[key]


def _delete_anchors(node: Any, delete_scalar: bool, traverse: bool) -> bool:
    if isinstance(node, dict):
        return _delete_anchors_in_map(node, traverse)
    if isinstance(node, list):
        return _delete_anchors_in_list(node, traverse)
    return delete_scalar


def _delete_anchors_in_map(node: dict[str, Any], traverse: bool) -> bool:
    anchors_exist = False
    for raw in [k for k in list(node) if _is_condition(parse_anchor(k))]:
        if _delete_anchors(node[raw], True, traverse):
            del node[raw]
        else:
            anchors_exist = True
    if anchors_exist:
        for raw in [k for k in list(node) if _is_condition(parse_anchor(k))]:
            _rename(node, raw, parse_anchor(raw)[1])  # type: ignore[index]
    need_to_delete = True
    for key in list(node):
        if _delete_anchors(node[key], False, traverse):
            del node[key]
        else:
            need_to_delete = False
    return need_to_delete


def _delete_anchors_in_list(node: list[Any], traverse: bool) -> bool:
    was_empty = not node
    for index, element in enumerate(list(node)):
        if _has_anchors(element, _has_anchor):
            delete = True
            if traverse and isinstance(element, dict):
                delete = _delete_anchors(element, True, traverse)
        else:
            delete = _delete_anchors(element, False, traverse)
        if delete:
            # kyverno quirk (issue #16862): deletes by the index of a stale snapshot
            if index >= len(node):
                raise PreprocessError(f"slice bounds out of range [{index + 1}:{len(node)}]")
            del node[index]
    return not node and not was_empty
