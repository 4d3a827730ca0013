"""cel-go's optional library (cel/library.go optionalLibrary), on in Kubernetes >= 1.28.

`or` and `orValue` are compiled specially (short-circuit, non-optional receiver passed
through) in `compiler._optional_or`; `.?f` / `[?k]` live in `operators`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import NONE, Duration, Optional, Timestamp, no_such_overload


@cel_function("optional.of", glob=True)
def optional_of(value: Any) -> Optional:
    return Optional.of(value)


@cel_function("optional.none", glob=True)
def optional_none() -> Optional:
    return NONE


def is_zero(value: Any) -> bool:
    if value is None or value is False:
        return True
    t = type(value)
    if t in (int, float, str, bytes, list, tuple, dict) or isinstance(value, int | Mapping):
        return not value
    if t is Duration or t is Timestamp:
        return bool(value.ns == 0)
    return False


@cel_function("optional.ofNonZeroValue", glob=True)
def optional_of_non_zero(value: Any) -> Optional:
    return NONE if is_zero(value) else Optional.of(value)


@cel_function("hasValue", member=True)
def has_value(opt: Any) -> bool:
    if type(opt) is not Optional:
        raise no_such_overload()
    return opt.has


@cel_function("value", member=True)
def value(opt: Any) -> Any:
    if type(opt) is not Optional:
        raise no_such_overload()
    if not opt.has:
        raise CelEvalError("optional.none() dereference")
    return opt.value
