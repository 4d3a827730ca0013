"""The validate `pattern` tree walk (kyverno `pkg/engine/validate/validate.go`).

The resource and the pattern are walked together. In each pattern map the
anchors are handled first (condition, existence, equality, negation, sorted
by key), then the other keys, global anchors and keys hiding anchors deeper
down first (`anchor/handlers.go`, `validate/utils.go`). In an array the first
pattern element is applied to every resource element; a map element whose
conditions do not hold is skipped, and if every element is skipped so is the
array.

The outcome is a `PatternError`: skip (a condition or global anchor did not
hold), fail (a path is known), or error (`path is None`, Kyverno's empty path).

Everything that depends on the pattern alone (the key order of `plan.py`, which
anchor handler each key gets, how a scalar pattern parses) is decided once: each
pattern map and list becomes a node, remembered by the object's identity (patterns
are immutable once handed to `match_pattern`), so a walk does only the resource's
share of the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from argogate.engine import wildcards
from argogate.engine.anchors import AnchorKind
from argogate.engine.gofmt import go_type, go_value
from argogate.engine.identity import identity_memo
from argogate.engine.messages import render_path
from argogate.engine.pattern.anchored import Child, handler
from argogate.engine.pattern.errors import PLAIN, Err, Path, Walk, is_fail, is_skip
from argogate.engine.pattern.plan import build_plan
from argogate.engine.pattern.scalar import compile_string_pattern, validate_value

_SCALARS = (str, int, float, bool)


@dataclass(frozen=True, slots=True)
class PatternError:
    """Why a resource does not satisfy a pattern.

    `skip`: a conditional/global anchor did not match, the rule does not apply.
    Otherwise the rule fails at `path`, or, when `path is None`, Kyverno reports
    an execution error (its `PatternError.Path == ""`). The root path is `()`.
    """

    path: Path | None
    message: str
    skip: bool


class _Walker(Walk):
    __slots__ = ()

    def element(self, resource: Any, pattern: Any, path: Path) -> Err | None:
        """`validateResourceElement`."""
        return node_of(pattern).check(self, resource, path)


# Patterns are never edited once handed to `match_pattern`, and the same few are walked
# against every resource: each pattern map and list becomes a node once, whose checks
# were decided from the pattern alone (what kind of node, which anchor handler per key).


class _ScalarNode:
    __slots__ = ("pattern", "valid")

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern
        self.valid: Callable[[Any], bool] = (
            compile_string_pattern(pattern).check
            if isinstance(pattern, str)
            else lambda value: validate_value(value, pattern)
        )

    def check(self, w: Walk, resource: Any, path: Path) -> Err | None:
        valid = self.valid
        if isinstance(resource, list):
            for r in resource:
                if not valid(r):
                    break
            else:
                return None
        elif valid(resource):
            return None
        return Err(
            path,
            f"resource value '{go_value(resource)}' does not match "
            f"'{go_value(self.pattern, pattern=True)}' at path {render_path(path)}",
        )


class _UnknownNode:
    __slots__ = ()

    def check(self, w: Walk, resource: Any, path: Path) -> Err | None:
        return Err(path, f"failed at '{render_path(path)}', pattern contains unknown type")


class _MapNode:
    __slots__ = ("anchors", "expand", "others", "pattern", "tracked")

    def __init__(self, pattern: dict[str, Any], child: Child | None = None) -> None:
        plan = build_plan(pattern)
        child = child or _memo_child
        self.pattern = pattern
        self.tracked = plan.tracked
        self.expand = plan.expand_metadata
        self.anchors = tuple(
            (handler(key, a, value, child, node_of), a is not None and a.kind is AnchorKind.EQUALITY)
            for key, a, value in plan.anchors
        )
        # plain keys are walked inline (a handler of None), the rest through their anchor's handler
        self.others = tuple(
            (key, child(key, value), None)
            if a is None and not (isinstance(value, str) and value == "*")
            else (key, None, handler(key, a, value, child, node_of))
            for key, a, value in plan.others
        )

    def check(self, w: Walk, resource: Any, path: Path) -> Err | None:
        if not isinstance(resource, dict):
            return Err(
                path,
                f"pattern and resource have different structures. Path: {render_path(path)}. "
                f"Expected {go_type(self.pattern, pattern=True)}, found {go_type(resource)}",
            )
        if self.tracked:
            seen = w.anchor_seen
            for raw, bare in self.tracked:  # CheckAnchorInResource
                if not seen.get(raw):
                    seen[raw] = bare in resource
        if self.expand:
            expanded = wildcards.expand_in_metadata(self.pattern, resource)
            if expanded is not self.pattern:
                return _MapNode(expanded, _fresh_child(self.pattern)).walk(w, resource, path)
        return self.walk(w, resource, path) if self.anchors else self.walk_others(w, resource, path)

    def walk(self, w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
        """`validateMap`: anchors first, then the other keys."""
        deferred: Err | None = None
        applied = False
        for handle, equality in self.anchors:
            err = handle(w, resource, path)
            if err is not None:
                # Inferred from validate_test.go (tests 43, 46, 50 are asserted there): an
                # equality-anchored array whose every element was skipped does not skip the
                # rule when a sibling anchor applied; the validate.go we could read disagrees.
                if equality and err.kind == PLAIN and is_skip(err):
                    deferred = deferred or err
                    continue
                return err
            applied = True
        if deferred is not None and not applied:
            return deferred
        return self.walk_others(w, resource, path)

    def walk_others(self, w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
        for key, node, handle in self.others:
            if handle is None:
                err = node.check(w, resource.get(key), (*path, key))  # type: ignore[union-attr]
            else:
                err = handle(w, resource, path)
            if err is not None:
                return err
        return None


class _ListNode:
    """`validateArray`: only the first pattern element counts, unless it is itself a list."""

    __slots__ = ("first", "items", "pattern")

    def __init__(self, pattern: list[Any]) -> None:
        self.pattern = pattern
        first = pattern[0] if pattern else None
        self.first: _Node | None = None
        self.items: tuple[_Node, ...] = ()
        if isinstance(first, dict):
            self.first = node_of(first)
        elif first is None or isinstance(first, _SCALARS):
            self.first = _ScalarNode(first)
        else:
            self.items = tuple(node_of(item) for item in pattern)

    def check(self, w: Walk, resource: Any, path: Path) -> Err | None:
        if not isinstance(resource, list):
            return Err(
                path,
                f"validation rule failed at path {render_path(path)}, "
                "resource does not satisfy the expected overlay pattern",
            )
        if not self.pattern:
            return Err(path, "pattern Array empty")
        first = self.first
        if isinstance(first, _MapNode):  # validateArrayOfMaps: each element against the one map
            applied = 0
            skipped: list[Err] = []
            for i, item in enumerate(resource):
                err = first.check(w, item, (*path, i))
                if err is not None:
                    if is_skip(err):
                        skipped.append(err)
                        continue
                    return err
                applied += 1
            return _all_skipped(applied, skipped, path)
        if first is not None:
            return first.check(w, resource, path)
        if len(resource) < len(self.pattern):
            return Err(
                None,
                "validate Array failed, array length mismatch, "
                f"resource Array len is {len(resource)} and pattern Array len is {len(self.pattern)}",
            )
        applied = 0
        skipped = []
        for i, node in enumerate(self.items):
            err = node.check(w, resource[i], (*path, i))
            if err is not None:
                if is_skip(err):
                    skipped.append(err)
                    continue
                return err
            applied += 1
        return _all_skipped(applied, skipped, path)


_Node = _MapNode | _ListNode | _ScalarNode | _UnknownNode


def _all_skipped(applied: int, skipped: list[Err], path: Path) -> Err | None:
    if applied == 0 and skipped:
        # a PatternError{Skip: true} around multierr.Combine: messages joined by "; ",
        # recognised as a skip further up by its text only
        return Err(path, "; ".join(e.message for e in skipped))
    return None


_map_node = identity_memo(4096)(_MapNode)
_list_node = identity_memo(4096)(_ListNode)


def node_of(pattern: Any) -> _Node:
    if isinstance(pattern, dict):
        return _map_node(pattern)
    if isinstance(pattern, list):
        return _list_node(pattern)
    if pattern is None or isinstance(pattern, _SCALARS):
        return _ScalarNode(pattern)
    return _UnknownNode()


def _memo_child(key: str, value: Any) -> _Node:
    return node_of(value)


def _fresh_child(original: dict[str, Any]) -> Child:
    """Children of a pattern map rebuilt by wildcard expansion: the maps it made are new
    objects, built without the memo (they are per resource); the rest come from it."""

    def child(key: str, value: Any) -> _Node:
        before = original.get(key)
        if value is before or not isinstance(value, dict):
            return node_of(value)
        return _MapNode(value, _fresh_child(before) if isinstance(before, dict) else None)

    return child


def match_pattern(resource: Any, pattern: Any) -> PatternError | None:
    """`validate.MatchPattern`: None when `resource` satisfies `pattern`."""
    walker = Walk()
    err = node_of(pattern).check(walker, resource, ())
    if err is None:
        return None
    if is_skip(err):
        return PatternError(None, err.message, True)
    if is_fail(err):
        return PatternError(err.path, err.message, False)
    if walker.keys_are_missing():
        return PatternError(None, err.message, False)
    return PatternError(err.path, err.message, False)
