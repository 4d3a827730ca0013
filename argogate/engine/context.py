"""The JSON context that `{{ }}` variables and JMESPath queries read.

Mirrors kyverno `pkg/engine/context`: one JSON document holding `request`,
`element`, `elementIndex`, context entries and the like, with checkpoint and
restore around each rule and each foreach element. Checkpoints are cheap: a
checkpoint is a shallow copy of the top-level dict, and writes below the top
level copy the dicts along their path (copy-on-write), so earlier snapshots are
never mutated.
"""

from __future__ import annotations

from typing import Any


class Context:
    __slots__ = ("_data", "_stack", "provided")

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})
        self._stack: list[dict[str, Any]] = []
        # names the values file set for the current rule: context entries of those names are not
        # loaded (the Kyverno CLI's store-backed loader), also inside foreach
        self.provided: frozenset[str] = frozenset()

    @property
    def data(self) -> dict[str, Any]:
        """The current document. Treat it as read-only; write with `set`/`add`."""
        return self._data

    def set(self, path: tuple[str, ...] | str, value: Any) -> None:
        """Set `value` at a dotted path (`request.object`) or a tuple path, copying on write."""
        keys = tuple(path.split(".")) if isinstance(path, str) else path
        if not keys:
            raise ValueError("empty context path")
        root = dict(self._data)
        node = root
        for k in keys[:-1]:
            child = node.get(k)
            child = dict(child) if isinstance(child, dict) else {}
            node[k] = child
            node = child
        node[keys[-1]] = value
        self._data = root

    add = set

    def get(self, path: tuple[str, ...] | str, default: Any = None) -> Any:
        keys = tuple(path.split(".")) if isinstance(path, str) else path
        node: Any = self._data
        for k in keys:
            if not isinstance(node, dict) or k not in node:
                return default
            node = node[k]
        return node

    def query(self, expr: str) -> Any:
        """Evaluate a JMESPath expression (with Kyverno's functions) against the context."""
        from argogate.engine import jmes

        return jmes.search(expr, self._data)

    def checkpoint(self) -> None:
        self._stack.append(self._data)

    def rewind(self) -> None:
        """Go back to the last checkpoint and keep it (Kyverno's Reset; between foreach elements)."""
        self._data = self._stack[-1]

    def restore(self) -> None:
        """Go back to the last checkpoint and drop it (Kyverno's Restore; end of a rule or a foreach)."""
        self._data = self._stack.pop()

    def copy(self) -> Context:
        c = Context()
        c._data = self._data
        c.provided = self.provided
        return c
