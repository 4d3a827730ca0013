"""Kubernetes quantities (`500m`, `1Gi`, `1e3`) and Go durations (`1h30m`, `300ms`).

Both are compared by value in patterns and conditions, as Kyverno does through
`resource.ParseQuantity` and `time.ParseDuration`. Parsers return None for a
string that is not a quantity/duration, so callers can fall back to other
comparisons exactly where Kyverno does.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$")


def parse_quantity(value: object) -> Fraction | None:
    """The exact value of a Kubernetes quantity, or None if `value` is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(value)
    if not isinstance(value, str):
        return None
    m = _QUANTITY.match(value.strip())
    if not m:
        return None
    number, exponent, suffix = m.groups()
    try:
        base = Fraction(Decimal(number))
    except (InvalidOperation, ValueError):
        return None
    if exponent:
        return base * Fraction(10) ** int(exponent[1:])
    suffix = suffix or ""
    if suffix in _BINARY:
        return base * _BINARY[suffix]
    return base * _DECIMAL[suffix]


_DURATION_UNITS = {
    "ns": Fraction(1, 10**9),
    "us": Fraction(1, 10**6),
    "µs": Fraction(1, 10**6),
    "μs": Fraction(1, 10**6),
    "ms": Fraction(1, 10**3),
    "s": Fraction(1),
    "m": Fraction(60),
    "h": Fraction(3600),
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(value: object) -> Fraction | None:
    """Seconds in a Go duration string (`time.ParseDuration`), or None."""
    if not isinstance(value, str) or not value:
        return None
    s = value.strip()
    sign = 1
    if s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return Fraction(0)
    pos = 0
    total = Fraction(0)
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m:
            return None
        total += Fraction(Decimal(m.group(1))) * _DURATION_UNITS[m.group(2)]
        pos = m.end()
    if pos == 0:
        return None
    return sign * total
