"""Kubernetes quantities (`500m`, `1Gi`, `1e3`) and Go durations (`1h30m`, `300ms`).

Both are compared by value in patterns and conditions, as Kyverno does through
`resource.ParseQuantity` and `time.ParseDuration`. Parsers return None for a
string that is not a quantity/duration, so callers can fall back to other
comparisons exactly where Kyverno does.

The grammars (`split_quantity`, `duration_parts`) are shared with the JMESPath
arithmetic (`jmes/functions/_units.py`, which also needs a quantity's format and
scale) and CEL's `duration()` (`cel/library/timefns.py`, which truncates each part
to whole nanoseconds and raises Go's error).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

BINARY_EXPONENTS = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
DECIMAL_EXPONENTS = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_QUANTITY = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")


class QuantityLiteral(NamedTuple):
    """A quantity string taken apart: `-1.5Gi` is ("-", "1", "5", BINARY_SI, 30)."""

    sign: str
    whole: str
    fraction: str
    format: str
    exponent: int  # of 2 for BINARY_SI, of 10 otherwise

    @property
    def magnitude(self) -> Fraction:
        digits = Fraction(Decimal((self.whole or "0") + "." + (self.fraction or "0")))
        return digits * (Fraction(2) if self.format == BINARY_SI else Fraction(10)) ** self.exponent


def split_quantity(s: str) -> QuantityLiteral | None:
    """The parts of `resource.ParseQuantity`'s grammar, or None when `s` is not a quantity."""
    m = _QUANTITY.fullmatch(s)  # `$` alone would let a trailing newline through
    if not m or s == "":
        return None
    sign, whole, fraction, suffix = m.group(1), m.group(2), m.group(3) or "", m.group(4) or ""
    if not whole and not fraction:
        return None
    if suffix in BINARY_EXPONENTS:
        return QuantityLiteral(sign, whole, fraction, BINARY_SI, BINARY_EXPONENTS[suffix])
    if suffix in DECIMAL_EXPONENTS:
        return QuantityLiteral(sign, whole, fraction, DECIMAL_SI, DECIMAL_EXPONENTS[suffix])
    return QuantityLiteral(sign, whole, fraction, DECIMAL_EXPONENT, int(suffix[1:]))


def parse_quantity(value: object) -> Fraction | None:
    """The exact value of a Kubernetes quantity, or None if `value` is not one.

    Exact: unlike `jmes/functions/_units.parse_quantity` this neither rounds up to
    nano nor caps at int64, so `1.0000000001` stays above `1`.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(value)
    if not isinstance(value, str):
        return None
    literal = split_quantity(value.strip())
    if literal is None:
        return None
    return -literal.magnitude if literal.sign == "-" else literal.magnitude


# time.ParseDuration's units, in nanoseconds
DURATION_UNITS_NS = {
    "ns": 1,
    "us": 10**3,
    "µs": 10**3,
    "μs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def duration_parts(s: str) -> list[tuple[str, int]] | None:
    """The (number, unit in ns) parts of an unsigned Go duration (`1h30.5m`), or None
    when `s` holds anything else; `[]` for the empty string."""
    parts: list[tuple[str, int]] = []
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m:
            return None
        parts.append((m.group(1), DURATION_UNITS_NS[m.group(2)]))
        pos = m.end()
    return parts


def parse_duration(value: object) -> Fraction | None:
    """Seconds in a Go duration string (`time.ParseDuration`), or None."""
    if not isinstance(value, str) or not value:
        return None
    s = value.strip()
    if not s:
        return None  # a blank string is not a duration (it used to raise IndexError)
    sign = 1
    if s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return Fraction(0)
    parts = duration_parts(s)
    if not parts:
        return None
    nanoseconds = sum((Fraction(Decimal(number)) * unit for number, unit in parts), Fraction(0))
    return sign * nanoseconds / 10**9


def parse_duration_ns(value: object) -> int | None:
    """`parse_duration` in nanoseconds, truncated toward zero, or None."""
    seconds = parse_duration(value)
    if seconds is None:
        return None
    return int(seconds * 10**9)
