"""The validate handler of each anchored pattern key (kyverno `pkg/engine/anchor/handlers.go`).

`CreateElementHandler(...).Handle` decided once per pattern key: the handler
returned walks the resource's value with the node `child` built for the key's value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from argogate.engine.anchors import Anchor, AnchorKind
from argogate.engine.gofmt import go_type
from argogate.engine.messages import render_path
from argogate.engine.pattern.errors import (
    CONDITIONAL,
    CONDITIONAL_MSG,
    GLOBAL,
    GLOBAL_MSG,
    NEGATION,
    NEGATION_MSG,
    Err,
    Path,
    Walk,
)


class Node(Protocol):
    def check(self, w: Walk, resource: Any, path: Path) -> Err | None: ...


Handler = Callable[[Walk, dict[str, Any], Path], Err | None]
Child = Callable[[str, Any], Node]


def handler(key: str, a: Anchor | None, value: Any, child: Child, node_of: Callable[[Any], Node]) -> Handler:
    """`CreateElementHandler(...).Handle` (anchor/handlers.go) for one pattern key."""
    if a is None or a.kind is AnchorKind.ADD_IF_NOT_PRESENT:
        # `+(key)` has no validate handler: Kyverno looks up the literal key
        return _default(key, value, child)
    bare = a.key
    kind = a.kind
    if kind is AnchorKind.NEGATION:

        def negation(w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
            if bare in resource:
                here = (*path, bare)
                return Err(here, f"{NEGATION_MSG}: {render_path(here)} is not allowed", NEGATION)
            return None

        return negation
    if kind is AnchorKind.EXISTENCE:
        return _existence(bare, value, node_of)
    node = child(key, value)
    if kind is AnchorKind.CONDITION:

        def condition(w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
            if bare not in resource:
                return Err(
                    (*path, bare),
                    f"{CONDITIONAL_MSG}: conditional anchor key doesn't exist in the resource",
                    CONDITIONAL,
                )
            err = node.check(w, resource[bare], (*path, bare))
            return None if err is None else Err(err.path, f"{CONDITIONAL_MSG}: {err.message}", CONDITIONAL)

        return condition
    if kind is AnchorKind.GLOBAL:

        def global_(w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
            if bare not in resource:
                return None
            err = node.check(w, resource[bare], (*path, bare))
            return None if err is None else Err(err.path, f"{GLOBAL_MSG}: {err.message}", GLOBAL)

        return global_

    def equality(w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
        return node.check(w, resource[bare], (*path, bare)) if bare in resource else None

    return equality


def _default(key: str, value: Any, child: Child) -> Handler:
    if isinstance(value, str) and value == "*":

        def present(w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
            if resource.get(key) is not None:
                return None
            # handlers.go: the path is the parent's and the message doubles the slash
            return Err(path, f"{render_path(path)}/{key} not found")

        return present
    node = child(key, value)

    def plain(w: Walk, resource: dict[str, Any], path: Path) -> Err | None:
        return node.check(w, resource.get(key), (*path, key))

    return plain


def _existence(bare: str, value: Any, node_of: Callable[[Any], Node]) -> Handler:
    items = (
        [(item, node_of(item) if isinstance(item, dict) else None) for item in value]
        if isinstance(value, list)
        else []
    )

    def existence(w: Walk, resource: dict[str, Any], here_parent: Path) -> Err | None:
        if bare not in resource:
            return None
        here = (*here_parent, bare)
        actual = resource[bare]
        if not isinstance(actual, list):
            return Err(
                here,
                f"invalid resource type {go_type(actual)}: Existence ^ () anchor can be used only on list/array type resource",
            )
        if not isinstance(value, list):
            return Err(
                here,
                f"invalid pattern type {go_type(value, pattern=True)}: Pattern has to be of list to compare against resource",
            )
        for _, node in items:
            if node is None:
                return Err(
                    here,
                    f"invalid pattern type {go_type(value, pattern=True)}: "
                    "Pattern has to be of type map to compare against items in resource",
                )
            if not any(node.check(w, elem, (*here, i)) is None for i, elem in enumerate(actual)):
                return Err(here, f"existence anchor validation failed at path {render_path(here)}")
        return None

    return existence
