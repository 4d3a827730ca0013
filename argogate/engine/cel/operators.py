"""CEL operators on the value model: arithmetic with 64-bit overflow checks, Go-style
integer division, `in`, field selection and indexing (with optional-chaining rules).

Messages are cel-go's: `no such key: x` (interpreter/attributes.go resolutionError),
`index out of bounds: 3`, `integer overflow`, `division by zero`, `modulus by zero`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.values import (
    INT_MAX,
    INT_MIN,
    NONE,
    UINT_MAX,
    Duration,
    Optional,
    Timestamp,
    UInt,
    cel_eq,
    map_find,
    no_such_overload,
    to_display,
    type_name,
)

# timestamps must stay within year 1..9999 (cel-go types/timestamp.go)
TS_MIN_NS = -62135596800 * 10**9
TS_MAX_NS = 253402300799 * 10**9 + 999_999_999


def check_int(value: int) -> int:
    if INT_MIN <= value <= INT_MAX:
        return value
    raise CelEvalError("integer overflow")


def check_uint(value: int) -> UInt:
    if 0 <= value <= UINT_MAX:
        return UInt(value)
    raise CelEvalError("unsigned integer overflow")


def check_duration(ns: int) -> Duration:
    if INT_MIN <= ns <= INT_MAX:
        return Duration(ns)
    raise CelEvalError("duration overflow")


def check_timestamp(ns: int) -> Timestamp:
    if TS_MIN_NS <= ns <= TS_MAX_NS:
        return Timestamp(ns)
    raise CelEvalError("timestamp overflow")


def add(a: Any, b: Any) -> Any:
    ta = type(a)
    if ta is not type(b):
        if ta is Timestamp and type(b) is Duration:
            return check_timestamp(a.ns + b.ns)
        if ta is Duration and type(b) is Timestamp:
            return check_timestamp(a.ns + b.ns)
        if isinstance(a, list | tuple) and isinstance(b, list | tuple):
            return [*a, *b]
        raise no_such_overload()
    if ta is int:
        return check_int(a + b)
    if ta is str or ta is float or ta is bytes:
        return a + b
    if ta is list:
        return a + b
    if ta is UInt:
        return check_uint(a + b)
    if ta is Duration:
        return check_duration(a.ns + b.ns)
    if ta is tuple:
        return [*a, *b]
    method = getattr(a, "cel_add", None)
    if method is not None:
        return method(b)
    raise no_such_overload()


def sub(a: Any, b: Any) -> Any:
    ta = type(a)
    if ta is not type(b):
        if ta is Timestamp and type(b) is Duration:
            return check_timestamp(a.ns - b.ns)
        raise no_such_overload()
    if ta is int:
        return check_int(a - b)
    if ta is float:
        return a - b
    if ta is UInt:
        return check_uint(a - b)
    if ta is Duration:
        return check_duration(a.ns - b.ns)
    if ta is Timestamp:
        return check_duration(a.ns - b.ns)
    raise no_such_overload()


def mul(a: Any, b: Any) -> Any:
    ta = type(a)
    if ta is not type(b):
        raise no_such_overload()
    if ta is int:
        return check_int(a * b)
    if ta is float:
        return a * b
    if ta is UInt:
        return check_uint(a * b)
    raise no_such_overload()


def div(a: Any, b: Any) -> Any:
    ta = type(a)
    if ta is not type(b):
        raise no_such_overload()
    if ta is int or ta is UInt:
        if b == 0:
            raise CelEvalError("division by zero")
        q = abs(a) // abs(b)
        q = -q if (a < 0) != (b < 0) else q
        return check_int(q) if ta is int else UInt(q)
    if ta is float:
        if b == 0.0:
            if a == 0.0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    raise no_such_overload()


def mod(a: Any, b: Any) -> Any:
    ta = type(a)
    if ta is not type(b) or not (ta is int or ta is UInt):
        raise no_such_overload()
    if b == 0:
        raise CelEvalError("modulus by zero")
    r = abs(a) % abs(b)
    r = -r if a < 0 else r
    return check_int(r) if ta is int else UInt(r)


def neg(a: Any) -> Any:
    ta = type(a)
    if ta is int:
        return check_int(-a)
    if ta is float:
        return -a
    if ta is Duration:
        return check_duration(-a.ns)
    raise no_such_overload()


def logical_not(a: Any) -> bool:
    if a is True:
        return False
    if a is False:
        return True
    raise no_such_overload()


def contains(container: Any, elem: Any) -> bool:
    """`elem in container`."""
    tc = type(container)
    if tc is list or tc is tuple:
        te = type(elem)
        if te is str:
            for item in container:
                if type(item) is str and item == elem:
                    return True
            return False
        return any(cel_eq(elem, item) for item in container)
    if tc is dict or isinstance(container, Mapping):
        return map_find(container, elem)[0]
    raise no_such_overload()


# ---------------------------------------------------------------- selection / indexing


def select_slow(obj: Any, field: str, optional: bool) -> Any:
    """`obj.field` / `obj.?field` once the plain-dict fast path does not apply.

    cel-go interpreter/attributes.go applyQualifiers: an optional operand, or an earlier
    `.?` in the chain, turns every later qualifier into a presence-tolerant one that
    yields optional.none() instead of `no such key`.
    """
    if type(obj) is Optional:
        if not obj.has:
            return NONE
        found, value = field_if_present(obj.value, field)
        return Optional.of(value) if found else NONE
    if optional:
        found, value = field_if_present(obj, field)
        return Optional.of(value) if found else NONE
    if isinstance(obj, Mapping):
        try:
            return obj[field]
        except KeyError:
            raise CelEvalError(f"no such key: {field}") from None
    getter = getattr(obj, "cel_field", None)
    if getter is not None:
        return getter(field)
    if isinstance(obj, list | tuple):
        raise CelEvalError("unsupported index type 'string' in list")
    raise CelEvalError(f"no such key: {field}")


def field_if_present(obj: Any, field: str) -> tuple[bool, Any]:
    if isinstance(obj, Mapping):
        if field in obj:
            return True, obj[field]
        return False, None
    if isinstance(obj, list | tuple):
        raise CelEvalError("unsupported index type 'string' in list")
    return False, None


def has_field(obj: Any, field: str) -> bool:
    """`has(obj.field)`; non-map operands are simply absent (attributes.go refQualify)."""
    if type(obj) is dict:
        return field in obj
    if type(obj) is Optional:
        return obj.has and has_field(obj.value, field)
    return field_if_present(obj, field)[0]


def index(obj: Any, key: Any, optional: bool) -> Any:
    if type(obj) is Optional:
        if not obj.has:
            return NONE
        found, value = _index_if_present(obj.value, key)
        return Optional.of(value) if found else NONE
    if optional:
        found, value = _index_if_present(obj, key)
        return Optional.of(value) if found else NONE
    to = type(obj)
    if to is list or to is tuple:
        i = list_index(key)
        if 0 <= i < len(obj):
            return obj[i]
        raise CelEvalError(f"index out of bounds: {to_display(key)}")
    if to is dict or isinstance(obj, Mapping):
        found, value = map_find(obj, key)
        if found:
            return value
        raise CelEvalError(f"no such key: {to_display(key)}")
    raise CelEvalError(f"no such key: {to_display(key)}")


def _index_if_present(obj: Any, key: Any) -> tuple[bool, Any]:
    if isinstance(obj, list | tuple):
        i = list_index(key)
        if 0 <= i < len(obj):
            return True, obj[i]
        return False, None
    if isinstance(obj, Mapping):
        return map_find(obj, key)
    return False, None


def list_index(key: Any) -> int:
    tk = type(key)
    if tk is int or tk is UInt:
        return int(key)
    if tk is float:
        if key.is_integer():
            return int(key)
        raise CelEvalError(f"unsupported index value {to_display(key)} in list")
    raise CelEvalError(f"unsupported index type '{type_name(key)}' in list")
