"""Condition operators, one function each (kyverno pkg/engine/variables/operator/*.go).

Values arrive as Kyverno sees them after a JSON round trip: every number is a float64, so
ints are treated as floats here. Kyverno's quirks are kept on purpose, e.g. `NotEquals`
on a null key is false, `Equals` with a quantity key and a non-quantity string value is
false without trying wildcards, `NotIn([x], "x")` is true, and the numeric operators only
recognise their canonical spelling once dispatched (compareByCondition).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from argogate.engine import wildcards as wildcard
from argogate.engine.conditions.membership import (
    Operator,
    _is_num,
    _norm,
    all_in,
    all_not_in,
    any_in,
    any_not_in,
    in_,
    not_in,
)
from argogate.engine.jmes.functions import semver
from argogate.engine.jmes.functions._units import parse_quantity
from argogate.engine.units import parse_duration


def go_deep_equal(a: Any, b: Any) -> bool:
    """reflect.DeepEqual on JSON values (bool and number never equal)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(go_deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(go_deep_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


_GO_FLOAT = re.compile(r"^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$", re.IGNORECASE)


def go_parse_float(s: str) -> float | None:
    """strconv.ParseFloat(s, 64) for decimal syntax."""
    if not _GO_FLOAT.match(s):
        return None
    try:
        return float(s)
    except ValueError:
        return None


def _go_parse_int(s: str) -> int | None:
    return int(s) if re.fullmatch(r"[+-]?\d+", s) else None


def _duration_seconds(v: Any) -> float | None:
    if isinstance(v, str):
        d = parse_duration(v)
        return None if d is None else float(d)
    return None


def parse_durations(key: Any, value: Any) -> tuple[float, float] | None:
    """operator.go parseDuration: at least one side a duration string (not "0"), the other a
    duration string or a number of seconds (truncated to whole seconds)."""
    kd = _duration_seconds(key) if key != "0" else None
    vd = _duration_seconds(value) if value != "0" else None
    if kd is None and vd is None:
        return None
    if kd is None:
        if not _is_num(key):
            return None
        kd = float(math.trunc(key))
    if vd is None:
        if not _is_num(value):
            return None
        vd = float(math.trunc(value))
    return kd, vd


# --- Equals / NotEquals ---------------------------------------------------------------------


def _equal_string(key: str, value: Any) -> bool | None:
    d = parse_durations(key, value)
    if d is not None:
        return d[0] == d[1]
    qk = parse_quantity(key)
    if qk is not None and isinstance(value, str):
        qv = parse_quantity(value)
        return None if qv is None else qk.value == qv.value
    if isinstance(value, str):
        return wildcard.match(value, key)
    return None


def equals(key: Any, value: Any) -> bool:
    key, value = _norm(key), _norm(value)
    if isinstance(key, bool):
        return isinstance(value, bool) and key == value
    if _is_num(key):
        if _is_num(value):
            return bool(key == value)
        if isinstance(value, str):
            f = go_parse_float(value)
            return f is not None and f == key
        return False
    if isinstance(key, str):
        return _equal_string(key, value) is True
    if isinstance(key, (dict, list)):
        return type(value) is type(key) and go_deep_equal(key, value)
    return False


def not_equals(key: Any, value: Any) -> bool:
    key, value = _norm(key), _norm(value)
    if isinstance(key, bool):
        return not isinstance(value, bool) or key != value
    if _is_num(key):
        if _is_num(value):
            return bool(key != value)
        if isinstance(value, str):
            f = go_parse_float(value)
            return f is None or f != key
        return True
    if isinstance(key, str):
        d = parse_durations(key, value)
        if d is not None:
            return d[0] != d[1]
        qk = parse_quantity(key)
        if qk is not None and isinstance(value, str):
            qv = parse_quantity(value)
            return False if qv is None else qk.value != qv.value
        return not wildcard.match(value, key) if isinstance(value, str) else True
    if isinstance(key, (dict, list)):
        return type(value) is not type(key) or not go_deep_equal(key, value)
    return False


# --- numeric and duration comparisons -------------------------------------------------------

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "GreaterThanOrEquals": lambda a, b: a >= b,
    "GreaterThan": lambda a, b: a > b,
    "LessThanOrEquals": lambda a, b: a <= b,
    "LessThan": lambda a, b: a < b,
}


def _numeric(op: str) -> Operator:
    def compare(a: Any, b: Any) -> bool:
        fn = _COMPARE.get(op)
        return fn is not None and fn(a, b)

    def with_number(key: float, value: Any) -> bool:
        if _is_num(value):
            return compare(key, value)
        if isinstance(value, str):
            d = parse_durations(key, value)
            if d is not None:
                return compare(*d)
            f = go_parse_float(value)
            return f is not None and compare(key, f)
        return False

    def evaluate(key: Any, value: Any) -> bool:
        key, value = _norm(key), _norm(value)
        if _is_num(key):
            return with_number(key, value)
        if not isinstance(key, str):
            return False
        d = parse_durations(key, value)
        if d is not None:
            return compare(*d)
        qk = parse_quantity(key)
        qv = parse_quantity(value) if isinstance(value, str) else None
        if qk is not None and qv is not None:
            return compare(qk.value, qv.value)
        f = go_parse_float(key)
        if f is not None:
            return with_number(f, value)
        try:
            vk = semver.parse(key)
        except ValueError:
            return False
        if not isinstance(value, str):
            return False
        try:
            vv = semver.parse(value)
        except ValueError:
            return False
        return compare(vk.compare(vv), 0)

    return evaluate


def _duration_op(op: str) -> Operator:
    names = {
        "DurationGreaterThanOrEquals": "GreaterThanOrEquals",
        "DurationGreaterThan": "GreaterThan",
        "DurationLessThanOrEquals": "LessThanOrEquals",
        "DurationLessThan": "LessThan",
    }

    def seconds(v: Any, *, key: bool) -> float | None:
        if _is_num(v):
            return float(math.trunc(v))
        if isinstance(v, str):
            return _duration_seconds(v)
        return None

    def evaluate(key: Any, value: Any) -> bool:
        key, value = _norm(key), _norm(value)
        if not (_is_num(key) or isinstance(key, str)):
            return False
        k, v = seconds(key, key=True), seconds(value, key=False)
        fn = _COMPARE.get(names.get(op, ""))
        return k is not None and v is not None and fn is not None and fn(k, v)

    return evaluate


# --- registry ------------------------------------------------------------------------------

OPERATORS: dict[str, Callable[[str], Operator]] = {
    "equal": lambda op: equals,
    "equals": lambda op: equals,
    "notequal": lambda op: not_equals,
    "notequals": lambda op: not_equals,
    "in": lambda op: in_,
    "anyin": lambda op: any_in,
    "allin": lambda op: all_in,
    "notin": lambda op: not_in,
    "anynotin": lambda op: any_not_in,
    "allnotin": lambda op: all_not_in,
    "greaterthanorequals": _numeric,
    "greaterthan": _numeric,
    "lessthanorequals": _numeric,
    "lessthan": _numeric,
    "durationgreaterthanorequals": _duration_op,
    "durationgreaterthan": _duration_op,
    "durationlessthanorequals": _duration_op,
    "durationlessthan": _duration_op,
}

CANONICAL_NAMES = (
    "Equals",
    "NotEquals",
    "In",
    "AnyIn",
    "AllIn",
    "NotIn",
    "AnyNotIn",
    "AllNotIn",
    "GreaterThan",
    "GreaterThanOrEquals",
    "LessThan",
    "LessThanOrEquals",
    "DurationGreaterThan",
    "DurationGreaterThanOrEquals",
    "DurationLessThan",
    "DurationLessThanOrEquals",
)


def is_valid_operator(name: str) -> bool:
    """operator.go CreateOperatorHandler matches names case-insensitively (Equal/NotEqual included)."""
    return isinstance(name, str) and name.lower() in OPERATORS


def get_operator(name: str) -> Operator | None:
    """The handler for `name`, or None (Kyverno logs "operator not supported")."""
    if not is_valid_operator(name):
        return None
    return OPERATORS[name.lower()](name)
