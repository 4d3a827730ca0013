"""Kubernetes list library (apiserver/pkg/cel/library/lists.go): isSorted, sum, min, max,
indexOf, lastIndexOf; and ext.Sets (sets.contains / equivalent / intersects).

Elements must be mutually comparable (same type, or numbers); otherwise the list
operation reports `no such overload`, as the checked k8s env would reject it.
"""

from __future__ import annotations

from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.operators import add
from argogate.engine.cel.values import Duration, cel_eq, compare, no_such_overload


def _list(value: Any) -> list[Any] | tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return value
    raise no_such_overload()


@cel_function("isSorted", member=True)
def is_sorted(items: Any) -> bool:
    items = _list(items)
    return all(compare(items[i], items[i + 1]) in (-1, 0) for i in range(len(items) - 1))


@cel_function("sum", member=True)
def sum_(items: Any) -> Any:
    items = _list(items)
    if not items:
        return 0
    total = items[0]
    if (type(total) not in (int, float, Duration) and not isinstance(total, int)) or type(total) is bool:
        raise no_such_overload()
    for item in items[1:]:
        total = add(total, item)
    return total


def _extreme(items: Any, want: int, name: str) -> Any:
    items = _list(items)
    if not items:
        raise CelEvalError(f"{name} called on empty list")
    best = items[0]
    for item in items[1:]:
        if compare(item, best) == want:
            best = item
    return best


@cel_function("min", member=True)
def min_(items: Any) -> Any:
    return _extreme(items, -1, "min")


@cel_function("max", member=True)
def max_(items: Any) -> Any:
    return _extreme(items, 1, "max")


def list_index_of(items: list[Any] | tuple[Any, ...], elem: Any) -> int:
    for i, item in enumerate(items):
        if cel_eq(item, elem):
            return i
    return -1


def list_last_index_of(items: list[Any] | tuple[Any, ...], elem: Any) -> int:
    for i in range(len(items) - 1, -1, -1):
        if cel_eq(items[i], elem):
            return i
    return -1


def _member(items: Any, elem: Any) -> bool:
    return any(cel_eq(x, elem) for x in items)


@cel_function("sets.contains", glob=True, note="every element of the second list is in the first")
def sets_contains(a: Any, b: Any) -> bool:
    a, b = _list(a), _list(b)
    return all(_member(a, x) for x in b)


@cel_function("sets.equivalent", glob=True)
def sets_equivalent(a: Any, b: Any) -> bool:
    a, b = _list(a), _list(b)
    return all(_member(a, x) for x in b) and all(_member(b, x) for x in a)


@cel_function("sets.intersects", glob=True)
def sets_intersects(a: Any, b: Any) -> bool:
    a, b = _list(a), _list(b)
    return any(_member(a, x) for x in b)
