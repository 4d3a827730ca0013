"""Function registry: every CEL function is a plain Python callable in one of two tables.

`GLOBAL` holds `f(x)` / `optional.of(x)` style functions, `MEMBER` holds `x.f(y)` methods
(the receiver is passed first). Each entry records the accepted argument counts so an
unknown arity is a compile error, as cel-go's checker reports it. Functions check their
own argument types and raise `no such overload`, matching cel-go's dynamic dispatch.
Modules register on import; `load_all()` imports every family once.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Function(NamedTuple):
    name: str
    impl: Callable[..., Any]
    arities: frozenset[int]
    note: str


GLOBAL: dict[str, Function] = {}
MEMBER: dict[str, Function] = {}


def _arities(fn: Callable[..., Any]) -> frozenset[int]:
    params = inspect.signature(fn).parameters.values()
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return frozenset(range(16))
    required = sum(1 for p in params if p.default is p.empty)
    return frozenset(range(required, len(params) + 1))


def _merge(table: dict[str, Function], name: str, fn: Callable[..., Any], note: str) -> None:
    existing = table.get(name)
    if existing is not None:
        raise ValueError(f"CEL function {name!r} registered twice")
    table[name] = Function(name, fn, _arities(fn), note)


def cel_function(name: str, *, member: bool = False, glob: bool = False, note: str = "") -> Callable[[F], F]:
    """Register `fn` as `name(...)` (glob) and/or `recv.name(...)` (member)."""

    def register(fn: F) -> F:
        if glob:
            _merge(GLOBAL, name, fn, note)
        if member:
            _merge(MEMBER, name, fn, note)
        return fn

    return register


_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    from argogate.engine.cel.library import (  # noqa: F401
        ip,
        k8s_format,
        kyverno,
        lists,
        optional,
        quantity,
        regex,
        semver,
        std,
        strings,
        timefns,
        urls,
    )

    _loaded = True
