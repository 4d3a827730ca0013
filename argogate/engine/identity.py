"""A bounded memo keyed by object identity, for facts derived from policy documents.

Policy documents (dicts and lists, so unhashable) are evaluated against every resource
but never edited in place, so what is derived from one (a pattern's evaluation plan,
whether a document holds anything to substitute) can be remembered per object. Each
entry keeps its object alive, so the id cannot be reused while it is cached; a full
memo is simply cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")


def identity_memo(maxsize: int) -> Callable[[Callable[[Any], R]], Callable[[Any], R]]:
    """Decorate a one-argument function so it runs once per argument object (by `is`)."""

    def decorate(build: Callable[[Any], R]) -> Callable[[Any], R]:
        entries: dict[int, tuple[Any, R]] = {}

        def memo(obj: Any) -> R:
            hit = entries.get(id(obj))
            if hit is not None and hit[0] is obj:
                return hit[1]
            value = build(obj)
            if len(entries) >= maxsize:
                entries.clear()
            entries[id(obj)] = (obj, value)
            return value

        return memo

    return decorate
