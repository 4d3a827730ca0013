"""The In family of condition operators (kyverno operator/in.go, anyin.go, allin.go, notin.go, ...).

Keys and values are compared as strings (`fmt.Sprint`), with Kyverno's wildcards in both
directions, JSON-array strings accepted as lists, and `lo-hi` / `lo!-hi` range strings.
Each helper mirrors one Go function; the quirks noted inline are Kyverno's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from argogate.engine import wildcards as wildcard
from argogate.engine.gofmt import go_sprint
from argogate.engine.jmes.functions._units import parse_quantity
from argogate.engine.units import parse_duration

Operator = Callable[[Any, Any], bool]


def _norm(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return float(v)
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    return v


def _is_num(v: Any) -> bool:
    return isinstance(v, float)


# --- ranges (pkg/engine/operator + pattern.Validate) ----------------------------------------

_IN_RANGE = re.compile(r"^(\d+(?:\.\d+)?)([^-]*)-(\d+(?:\.\d+)?)([^-]*)$")
_NOT_IN_RANGE = re.compile(r"^(\d+(?:\.\d+)?)([^-]*)!-(\d+(?:\.\d+)?)([^-]*)$")


def _is_in_range_pattern(s: str) -> bool:
    return len(s) >= 2 and not s.startswith((">", "<", "!")) and _IN_RANGE.match(s) is not None


def _scalar(s: str) -> Any:
    d = parse_duration(s)
    if d is not None and s != "0":
        return ("d", d)
    q = parse_quantity(s)
    return ("q", q.value) if q is not None else None


def _range_holds(key: str, pattern: str) -> bool:
    """pattern.Validate(key, "lo-hi") / "lo!-hi"."""
    m = _NOT_IN_RANGE.match(pattern)
    negate = m is not None
    m = m or _IN_RANGE.match(pattern)
    if not m:
        return False
    lo, hi, k = _scalar(m.group(1) + m.group(2)), _scalar(m.group(3) + m.group(4)), _scalar(key)
    if lo is None or hi is None or k is None or not (lo[0] == hi[0] == k[0]):
        return False
    inside = bool(lo[1] <= k[1] <= hi[1])
    return not inside if negate else inside


# --- In family -----------------------------------------------------------------------------


def _json_strings(s: str) -> list[str] | None:
    try:
        arr = json.loads(s)
    except ValueError:
        return None
    if not isinstance(arr, list) or not all(isinstance(x, str) for x in arr):
        return None
    return arr


def _both(a: str, b: str) -> bool:
    return wildcard.match(a, b) or wildcard.match(b, a)


def _key_exists(key: str, value: Any) -> bool | None:
    """in.go keyExistsInArray; None means "invalid type" (the operator is then false)."""
    if isinstance(value, list):
        return any(_both(go_sprint(v), key) for v in value)
    if isinstance(value, str):
        if wildcard.match(value, key):
            return True
        arr = _json_strings(value)
        return None if arr is None else key in arr
    return None


def _set_exists(keys: list[str], value: Any, not_in: bool) -> bool | None:
    """in.go setExistsInArray."""
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            return None
        arr = value
    elif isinstance(value, str):
        if len(keys) == 1 and keys[0] == value:
            return True
        parsed = _json_strings(value)
        if parsed is None:
            return None
        arr = parsed
    else:
        return None
    if not_in:
        return any(k not in arr for k in keys)
    return all(k in arr for k in keys)


def _string_list(value: str) -> list[str] | None:
    """json.Valid -> unmarshal to []string (invalid type on failure), else [value]."""
    try:
        json.loads(value)
    except ValueError:
        return [value]
    return _json_strings(value)


def _any_key_exists(key: str, value: Any) -> bool | None:
    """anyin.go anyKeyExistsInArray."""
    if isinstance(value, list):
        return any(_both(go_sprint(v), key) for v in value)
    if isinstance(value, str):
        if wildcard.match(value, key):
            return True
        if _is_in_range_pattern(value):
            return _range_holds(key, value)
        arr = _string_list(value)
        return None if arr is None else key in arr
    return None


def _any_set(keys: list[str], value: Any, any_not_in: bool) -> bool | None:
    """anyin.go anySetExistsInArray."""
    if isinstance(value, list):
        arr = [go_sprint(v) for v in value]
    elif isinstance(value, str):
        if len(keys) == 1 and keys[0] == value:
            return not any_not_in
        if _is_in_range_pattern(value):
            if any_not_in:
                negated = value.replace("-", "!-", 1)
                return any(_range_holds(k, negated) for k in keys)
            return any(_range_holds(k, value) for k in keys)
        parsed = _string_list(value)
        if parsed is None:
            return None
        arr = parsed
    else:
        return None
    if any_not_in:
        return any(not any(_both(k, v) for v in arr) for k in keys)
    return any(_both(k, v) for k in keys for v in arr)


def _all_key_exists(key: str, value: Any) -> bool | None:
    """allin.go allKeyExistsInArray."""
    if isinstance(value, list):
        return any(wildcard.match(key, go_sprint(v)) for v in value)
    if isinstance(value, str):
        if wildcard.match(value, key):
            return True
        if _is_in_range_pattern(value):
            return _range_holds(key, value)
        arr = _json_strings(value)
        return None if arr is None else key in arr
    return None


def _all_set(keys: list[str], value: Any, all_not_in: bool) -> bool | None:
    """allin.go allSetExistsInArray."""
    if isinstance(value, list):
        arr = [go_sprint(v) for v in value]
    elif isinstance(value, str):
        if len(keys) == 1 and keys[0] == value:
            return True
        if _is_in_range_pattern(value):
            hits = sum(1 for k in keys if _range_holds(k, value))
            return hits == 0 if all_not_in else hits == len(keys)
        parsed = _string_list(value)
        if parsed is None:
            return None
        arr = parsed
    else:
        return None
    found = sum(1 for k in keys if any(_both(k, v) for v in arr))
    # allin.go isAllNotIn is "not all found", kept as Kyverno has it
    return found != len(keys) if all_not_in else found == len(keys)


def _scalar_key(key: Any, *, allow_bool: bool) -> str | None:
    if isinstance(key, str):
        return key
    if _is_num(key) or (allow_bool and isinstance(key, bool)):
        return go_sprint(key)
    return None


def _membership(
    scalar: Callable[[str, Any], bool | None],
    multi: Callable[[list[str], Any], bool | None],
    *,
    negate_scalar: bool,
    allow_bool: bool = False,
    strict_list: bool = False,
) -> Operator:
    def evaluate(key: Any, value: Any) -> bool:
        key, value = _norm(key), _norm(value)
        if isinstance(key, list):
            if strict_list and not all(isinstance(k, str) for k in key):
                return False  # in.go asserts v.(string)
            result = multi([go_sprint(k) for k in key], value)
            return bool(result)
        k = _scalar_key(key, allow_bool=allow_bool)
        if k is None:
            return False
        result = scalar(k, value)
        if result is None:
            return False
        return not result if negate_scalar else result

    return evaluate


in_ = _membership(_key_exists, lambda k, v: _set_exists(k, v, False), negate_scalar=False, strict_list=True)
not_in = _membership(_key_exists, lambda k, v: _set_exists(k, v, True), negate_scalar=True, strict_list=True)
any_in = _membership(
    _any_key_exists, lambda k, v: _any_set(k, v, False), negate_scalar=False, allow_bool=True
)
any_not_in = _membership(_any_key_exists, lambda k, v: _any_set(k, v, True), negate_scalar=True)
all_in = _membership(_all_key_exists, lambda k, v: _all_set(k, v, False), negate_scalar=False)
all_not_in = _membership(_all_key_exists, lambda k, v: _all_set(k, v, True), negate_scalar=True)
