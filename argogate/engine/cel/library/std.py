"""CEL standard functions (cel-spec langdef "Functions" table) that are not operators:
`size`, string predicates, `matches`, and the type conversions.

Conversion messages follow cel-go common/types (`range error converting ...`,
`type conversion error from 'string' to 'bool'`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.library.regex import compile_re2
from argogate.engine.cel.library.timefns import format_timestamp, parse_duration, parse_timestamp
from argogate.engine.cel.operators import check_int, check_timestamp
from argogate.engine.cel.values import (
    INT_MAX,
    INT_MIN,
    UINT_MAX,
    Duration,
    Timestamp,
    UInt,
    format_duration,
    no_such_overload,
    type_name,
    type_of,
)
from argogate.engine.gofmt import format_float


@cel_function("size", glob=True, member=True, note="length of a string (code points), bytes, list or map")
def size(value: Any) -> int:
    t = type(value)
    if t is str or t is list or t is dict or t is bytes or t is tuple or isinstance(value, Mapping):
        return len(value)
    raise no_such_overload()


def _strings(a: Any, b: Any) -> None:
    if type(a) is not str or type(b) is not str:
        raise no_such_overload()


@cel_function("contains", member=True)
def contains(s: Any, sub: Any) -> bool:
    _strings(s, sub)
    return bool(sub in s)


@cel_function("startsWith", member=True)
def starts_with(s: Any, prefix: Any) -> bool:
    _strings(s, prefix)
    return bool(s.startswith(prefix))


@cel_function("endsWith", member=True)
def ends_with(s: Any, suffix: Any) -> bool:
    _strings(s, suffix)
    return bool(s.endswith(suffix))


@cel_function("matches", member=True, glob=True, note="RE2 partial match")
def matches(s: Any, pattern: Any) -> bool:
    _strings(s, pattern)
    return compile_re2(pattern).search(s) is not None


# ------------------------------------------------------------------------------ conversions


@cel_function("int", glob=True)
def to_int(value: Any) -> int:
    t = type(value)
    if t is int:
        return value  # type: ignore[no-any-return]
    if t is UInt:
        if value > INT_MAX:
            raise CelEvalError("integer overflow")
        return int(value)
    if t is float:
        if math.isnan(value) or not (INT_MIN < value < INT_MAX):
            raise CelEvalError("integer overflow")
        return int(value)
    if t is str:
        try:
            return check_int(int(value, 10)) if value.strip() == value else _bad_int(value)
        except ValueError:
            return _bad_int(value)
    if t is Timestamp:
        return value.ns // 10**9  # type: ignore[no-any-return]
    if t is Duration:
        return value.ns  # type: ignore[no-any-return]
    raise no_such_overload()


def _bad_int(value: str) -> int:
    raise CelEvalError(f'strconv.ParseInt: parsing "{value}": invalid syntax')


@cel_function("uint", glob=True)
def to_uint(value: Any) -> UInt:
    t = type(value)
    if t is UInt:
        return value  # type: ignore[no-any-return]
    if t is int:
        if value < 0:
            raise CelEvalError("unsigned integer overflow")
        return UInt(value)
    if t is float:
        if math.isnan(value) or not (-1 < value < UINT_MAX):
            raise CelEvalError("unsigned integer overflow")
        return UInt(int(value))
    if t is str:
        try:
            n = int(value, 10)
        except ValueError:
            raise CelEvalError(f'strconv.ParseUint: parsing "{value}": invalid syntax') from None
        if not 0 <= n <= UINT_MAX or value.startswith(("+", "-")):
            raise CelEvalError(f'strconv.ParseUint: parsing "{value}": invalid syntax')
        return UInt(n)
    raise no_such_overload()


@cel_function("double", glob=True)
def to_double(value: Any) -> float:
    t = type(value)
    if t is float:
        return value  # type: ignore[no-any-return]
    if t is int or t is UInt:
        return float(value)
    if t is str:
        try:
            return float(value)
        except ValueError:
            raise CelEvalError(f'strconv.ParseFloat: parsing "{value}": invalid syntax') from None
    raise no_such_overload()


@cel_function("string", glob=True)
def to_string(value: Any) -> str:
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is bool:
        return "true" if value else "false"
    if t is int or t is UInt:
        return str(int(value))
    if t is float:
        return format_float(value)
    if t is bytes:
        try:
            return value.decode("utf-8")  # type: ignore[no-any-return]
        except UnicodeDecodeError:
            raise CelEvalError("invalid UTF-8 in bytes, cannot convert to string") from None
    if t is Duration:
        return format_duration(value.ns)
    if t is Timestamp:
        return format_timestamp(value.ns)
    custom = getattr(value, "cel_string", None)
    if custom is not None:
        result: str = custom()
        return result
    raise no_such_overload()


_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


@cel_function("bool", glob=True)
def to_bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    if type(value) is str:
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise CelEvalError("type conversion error from 'string' to 'bool'")
    raise no_such_overload()


@cel_function("bytes", glob=True)
def to_bytes(value: Any) -> bytes:
    if type(value) is bytes:
        return value
    if type(value) is str:
        return value.encode("utf-8")
    raise no_such_overload()


@cel_function("duration", glob=True)
def to_duration(value: Any) -> Duration:
    if type(value) is Duration:
        return value
    if type(value) is str:
        return Duration(parse_duration(value))
    raise no_such_overload()


@cel_function("timestamp", glob=True)
def to_timestamp(value: Any) -> Timestamp:
    if type(value) is Timestamp:
        return value
    if type(value) is str:
        return Timestamp(parse_timestamp(value))
    if type(value) is int:
        return check_timestamp(value * 10**9)
    raise no_such_overload()


@cel_function("type", glob=True)
def to_type(value: Any) -> Any:
    return type_of(value)


@cel_function("dyn", glob=True)
def to_dyn(value: Any) -> Any:
    return value


__all__ = ["type_name"]
