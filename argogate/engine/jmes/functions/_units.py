"""Kubernetes quantities and Go durations as Kyverno's arithmetic functions see them.

`argogate.engine.units` gives exact values for comparisons; the arithmetic functions
also need what Kyverno *prints*: `resource.Quantity.String()` (canonical form, which
keeps the first operand's BinarySI/DecimalSI format) and `time.Duration.String()`
(`1h0m0s`, `1.5s`, `300ms`). Division of a quantity also needs the operands' decimal
scale (`inf.Dec` scale), because Kyverno rounds the quotient down to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from argogate.engine.units import (
    BINARY_EXPONENTS,
    BINARY_SI,
    DECIMAL_EXPONENTS,
    DECIMAL_SI,
    split_quantity,
)

_DEC_SUFFIX = {v: k for k, v in DECIMAL_EXPONENTS.items()}
_NANO = Fraction(1, 10**9)
_MAX = Fraction(2**63 - 1)


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    format: str
    scale: int  # inf.Dec scale: digits after the decimal point

    def __str__(self) -> str:
        return canonical(self.value, self.format)


def _ceil_nano(v: Fraction) -> Fraction:
    n = v / _NANO
    q = n.numerator // n.denominator
    if q != n:
        q += 1
    return q * _NANO


def parse_quantity(s: str) -> Quantity | None:
    """`resource.ParseQuantity`: None when `s` is not a quantity.

    Not `units.parse_quantity`: Kyverno's arithmetic prints the result, so it needs the
    format and scale, and the value rounded and capped as quantity.go stores it.
    """
    literal = split_quantity(s)
    if literal is None:
        return None
    value = literal.magnitude
    num_digits = literal.whole.lstrip("0")
    denom = literal.fraction
    exponent = literal.exponent
    # quantity.go: int64 fast path keeps the literal scale, the inf.Dec path rounds up to nano
    fast = False
    if literal.format != BINARY_SI:
        scale_exp = exponent - len(denom)
        fast = 18 - (len(num_digits) + len(denom)) >= 0 and scale_exp >= -9
        scale = -scale_exp
    else:
        fast = exponent >= 0 and not denom and 15 - len(num_digits) - int(exponent * 3 / 10) - 1 >= 0
        scale = 0
    if not fast:
        if value != 0:
            value = _ceil_nano(value)
            scale = 9
        if value > _MAX:
            value = _MAX
    if literal.sign == "-":
        value = -value
    return Quantity(value, literal.format, scale)


def _decimal_parts(value: Fraction) -> tuple[int, int]:
    """(mantissa, exponent) with value == mantissa * 10**exponent, trailing zeros moved out."""
    exp = 0
    v = value
    while v.denominator != 1:
        v *= 10
        exp -= 1
    mant = v.numerator
    while mant != 0 and mant % 10 == 0:
        mant //= 10
        exp += 1
    return mant, exp


def canonical(value: Fraction, fmt: str) -> str:
    """`Quantity.String()` for a freshly computed quantity (CanonicalizeBytes)."""
    if value == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < value < 1024 or value.denominator != 1:
            fmt = DECIMAL_SI
        else:
            mant, exp = int(value), 0
            while mant % 1024 == 0:
                mant //= 1024
                exp += 10
            suffix = {0: ""} | {v: k for k, v in BINARY_EXPONENTS.items()}
            return f"{mant}{suffix.get(exp, '')}"
    mant, exp = _decimal_parts(value)
    while exp % 3 != 0:
        mant *= 10
        exp -= 1
    if fmt == DECIMAL_SI and exp in _DEC_SUFFIX:
        return f"{mant}{_DEC_SUFFIX[exp]}"
    return f"{mant}" if exp == 0 else f"{mant}e{exp}"


def round_down(value: Fraction, scale: int) -> Fraction:
    """inf.Dec QuoRound(..., scale, RoundDown): truncate toward zero at `scale` digits."""
    unit = Fraction(1, 10**scale) if scale >= 0 else Fraction(10 ** (-scale))
    n = value / unit
    q = abs(n.numerator) // n.denominator
    return (q if n >= 0 else -q) * unit


def _frac(v: int, prec: int) -> tuple[str, int]:
    digits = ""
    printed = False
    for _ in range(prec):
        digit = v % 10
        printed = printed or digit != 0
        if printed:
            digits = str(digit) + digits
        v //= 10
    return ("." + digits if printed else ""), v


def go_duration(ns: int) -> str:
    """`time.Duration.String()`."""
    if ns == 0:
        return "0s"
    neg = ns < 0
    u = -ns if neg else ns
    if u < 10**9:
        if u < 10**3:
            out = f"{u}ns"
        elif u < 10**6:
            frac, whole = _frac(u, 3)
            out = f"{whole}{frac}µs"
        else:
            frac, whole = _frac(u, 6)
            out = f"{whole}{frac}ms"
    else:
        frac, u = _frac(u, 9)
        out = f"{u % 60}{frac}s"
        u //= 60
        if u > 0:
            out = f"{u % 60}m" + out
            u //= 60
            if u > 0:
                out = f"{u}h" + out
    return "-" + out if neg else out


def go_seconds(ns: int) -> float:
    """`Duration.Seconds()`."""
    sec, nsec = int(ns / 10**9), ns - int(ns / 10**9) * 10**9
    return float(sec) + float(nsec) / 1e9
