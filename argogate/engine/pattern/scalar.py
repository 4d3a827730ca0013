"""One resource value against one scalar pattern (kyverno `pkg/engine/pattern/pattern.go: Validate`).

A string pattern is `|`-separated alternatives of `&`-joined conditions; each
condition is an optional operator (`!`, `>`, `<`, `>=`, `<=`) and an operand, or
a range `a-b` / `a!-b` (kyverno `pkg/engine/operator/operator.go`). An operand
is compared as a Go duration if both sides parse as one, else as a Kubernetes
quantity, else as a wildcard string (only `=` and `!` apply to strings).

The parse of a pattern string is cached: the same few hundred patterns are
checked against tens of thousands of values.

Numbers: resources carry int64 and float64, but every number in a pattern is a
float64 (Kyverno decodes patterns with `json.Unmarshal`), so an int pattern
takes Kyverno's float-pattern path here.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from argogate.engine import units, wildcards
from argogate.engine.gofmt import format_float


class Op(enum.Enum):
    EQUAL = ""
    MORE_EQUAL = ">="
    LESS_EQUAL = "<="
    NOT_EQUAL = "!"
    MORE = ">"
    LESS = "<"
    IN_RANGE = "-"
    NOT_IN_RANGE = "!-"


# operator.go: InRangeRegex / NotInRangeRegex (Go's \d is ASCII-only)
_END = r"([-|+]?[0-9]+(?:\.[0-9]+)?[A-Za-z]*)"
_IN_RANGE = re.compile(_END + "-" + _END)
_NOT_IN_RANGE = re.compile(_END + "!-" + _END)


def operator_of(pattern: str) -> Op:
    """`GetOperatorFromStringPattern`."""
    if len(pattern) < 2:
        return Op.EQUAL
    for op in (Op.MORE_EQUAL, Op.LESS_EQUAL, Op.MORE, Op.LESS, Op.NOT_EQUAL):
        if pattern.startswith(op.value):
            return op
    if _NOT_IN_RANGE.fullmatch(pattern):
        return Op.NOT_IN_RANGE
    if _IN_RANGE.fullmatch(pattern):
        return Op.IN_RANGE
    return Op.EQUAL


# --- Go parsers (no surrounding whitespace, ASCII digits only) --------------------


@lru_cache(maxsize=16384)
def go_duration(s: str) -> int | None:
    """`time.ParseDuration` in integer nanoseconds, or None."""
    if not s or s != s.strip() or not all(c.isascii() or c in "µμ" for c in s):
        return None
    return units.parse_duration_ns(s)


@lru_cache(maxsize=16384)
def go_quantity(s: str) -> Fraction | None:
    """`resource.ParseQuantity`, or None."""
    if not s or not s.isascii() or s != s.strip():
        return None
    return units.parse_quantity(s)


_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+")
_SPECIAL = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan"}


def go_parse_float(s: str) -> float | None:
    """`strconv.ParseFloat(s, 64)`, or None (overflow is an error in Go)."""
    if s.lower() in _SPECIAL:
        return float(s)
    if _FLOAT.fullmatch(s):
        f = float(s)
    elif _HEX_FLOAT.fullmatch(s):
        f = float.fromhex(s)
    else:
        return None
    return None if math.isinf(f) else f


def _number_to_string(value: Any) -> str | None:
    """`convertNumberToString`: nil counts as "0"; bools and containers do not convert."""
    if value is None:
        return "0"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return f"{value:f}"
    if isinstance(value, int):
        return str(value)
    return None


def _compare(op: Op, a: Any, b: Any) -> bool:
    if op is Op.EQUAL:
        return bool(a == b)
    if op is Op.NOT_EQUAL:
        return bool(a != b)
    if op is Op.MORE:
        return bool(a > b)
    if op is Op.LESS:
        return bool(a < b)
    if op is Op.MORE_EQUAL:
        return bool(a >= b)
    return bool(a <= b)


@dataclass(frozen=True, slots=True)
class _Cond:
    op: Op
    operand: str
    duration: int | None
    quantity: Fraction | None

    def check(self, value: Any) -> bool:
        """`validateString`: duration, then quantity, then wildcard string."""
        if self.duration is not None or self.quantity is not None:
            text = _number_to_string(value)
            if text is not None:
                if self.duration is not None:
                    d = go_duration(text)
                    if d is not None:
                        return _compare(self.op, d, self.duration)
                if self.quantity is not None:
                    q = go_quantity(text)
                    if q is not None:
                        return _compare(self.op, q, self.quantity)
        return _compare_string(value, self.operand, self.op)


def _compare_string(value: Any, operand: str, op: Op) -> bool:
    if op is not Op.EQUAL and op is not Op.NOT_EQUAL:
        return False  # "Operators >, >=, <, <= are not applicable to strings"
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = format_float(value, "E")
    else:
        return False
    matched = wildcards.match(operand, text)
    return not matched if op is Op.NOT_EQUAL else matched


def _cond(op: Op, operand: str) -> _Cond:
    return _Cond(op, operand, go_duration(operand), go_quantity(operand))


@dataclass(frozen=True, slots=True)
class _Range:
    low: _Cond
    high: _Cond
    negated: bool

    def check(self, value: Any) -> bool:
        if self.negated:
            return self.low.check(value) or self.high.check(value)
        return self.low.check(value) and self.high.check(value)


def _compile_condition(text: str) -> _Cond | _Range | None:
    """`validateStringPattern`; None for a range that does not split (never matches)."""
    op = operator_of(text)
    if op is Op.IN_RANGE or op is Op.NOT_IN_RANGE:
        m = (_IN_RANGE if op is Op.IN_RANGE else _NOT_IN_RANGE).fullmatch(text)
        if m is None:
            return None
        left, right = m.group(1), m.group(2)
        if op is Op.IN_RANGE:
            return _Range(_cond(Op.MORE_EQUAL, left), _cond(Op.LESS_EQUAL, right), False)
        return _Range(_cond(Op.LESS, left), _cond(Op.MORE, right), True)
    return _cond(op, text[len(op.value) :].strip())


@dataclass(frozen=True, slots=True)
class StringPattern:
    raw: str
    alternatives: tuple[tuple[_Cond | _Range | None, ...], ...]

    def check(self, value: Any) -> bool:
        """`validateStringPatterns`: exact string equality first, then `|` of `&`."""
        if isinstance(value, str) and value == self.raw:
            return True
        for alt in self.alternatives:
            for c in alt:
                if c is None or not c.check(value):
                    break
            else:
                return True
        return False


@lru_cache(maxsize=16384)
def compile_string_pattern(pattern: str) -> StringPattern:
    # strings.Trim(condition, " ") trims spaces only; the operand is later TrimSpace'd
    alternatives = tuple(
        tuple(_compile_condition(c.strip(" ")) for c in alt.strip(" ").split("&"))
        for alt in pattern.split("|")
    )
    return StringPattern(pattern, alternatives)


def _validate_float(value: Any, pattern: float) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return pattern == math.trunc(pattern) and int(pattern) == value
    if isinstance(value, float):
        return value == pattern
    if isinstance(value, str):
        f = go_parse_float(value)
        return f is not None and f == pattern
    return False


def _validate_nil(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str):
        return value == ""
    return False


def validate_value(value: Any, pattern: Any) -> bool:
    """`pattern.Validate`: does the resource value satisfy the scalar pattern."""
    if isinstance(pattern, str):
        return compile_string_pattern(pattern).check(value)
    if pattern is None:
        return _validate_nil(value)
    if isinstance(pattern, bool):
        return isinstance(value, bool) and value == pattern
    if isinstance(pattern, int | float):
        return _validate_float(value, float(pattern))
    if isinstance(pattern, dict):
        return isinstance(value, dict)  # existence of an object only
    return False  # arrays are not supported as scalar patterns
