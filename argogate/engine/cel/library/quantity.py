"""Kubernetes quantity library (apiserver/pkg/cel/library/quantity.go): `quantity()`,
`isQuantity()`, and the methods compareTo, isGreaterThan, isLessThan, add, sub,
asInteger, asApproximateFloat, sign, isInteger. Values are exact `Fraction`s from
`argogate.engine.units.parse_quantity`, so `quantity('1') == quantity('1000m')`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import INT_MAX, INT_MIN, no_such_overload
from argogate.engine.units import parse_quantity

# k8s.io/apimachinery/pkg/api/resource/quantity.go ErrFormatWrong
_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


class Quantity:
    __slots__ = ("text", "value")
    cel_type = "kubernetes.Quantity"

    def __init__(self, value: Fraction, text: str = "") -> None:
        self.value = value
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"quantity({self.text or str(self.value)!r})"


def _parse(text: str) -> Quantity | None:
    if not isinstance(text, str) or not text or text != text.strip():
        return None
    value = parse_quantity(text)
    return None if value is None else Quantity(value, text)


@cel_function("quantity", glob=True)
def quantity(text: Any) -> Quantity:
    if type(text) is not str:
        raise no_such_overload()
    q = _parse(text)
    if q is None:
        raise CelEvalError(_FORMAT_WRONG)
    return q


@cel_function("isQuantity", glob=True)
def is_quantity(text: Any) -> bool:
    if type(text) is not str:
        raise no_such_overload()
    return _parse(text) is not None


def _q(value: Any) -> Quantity:
    if type(value) is not Quantity:
        raise no_such_overload()
    return value


def _operand(value: Any) -> Fraction:
    if type(value) is int:
        return Fraction(value)
    return _q(value).value


@cel_function("compareTo", member=True)
def compare_to(a: Any, b: Any) -> int:
    if type(a) is not Quantity:
        from argogate.engine.cel.library.semver import semver_compare

        return semver_compare(a, b)
    x, y = _q(a).value, _q(b).value
    return (x > y) - (x < y)


@cel_function("isGreaterThan", member=True)
def is_greater_than(a: Any, b: Any) -> bool:
    return compare_to(a, b) == 1


@cel_function("isLessThan", member=True)
def is_less_than(a: Any, b: Any) -> bool:
    return compare_to(a, b) == -1


@cel_function("add", member=True)
def add(a: Any, b: Any) -> Quantity:
    return Quantity(_q(a).value + _operand(b))


@cel_function("sub", member=True)
def sub(a: Any, b: Any) -> Quantity:
    return Quantity(_q(a).value - _operand(b))


@cel_function("isInteger", member=True)
def is_integer(a: Any) -> bool:
    v = _q(a).value
    return v.denominator == 1 and INT_MIN <= v.numerator <= INT_MAX


@cel_function("asInteger", member=True)
def as_integer(a: Any) -> int:
    if not is_integer(a):
        raise CelEvalError("cannot convert value to integer")
    return int(_q(a).value)


@cel_function("asApproximateFloat", member=True)
def as_approximate_float(a: Any) -> float:
    return float(_q(a).value)


@cel_function("sign", member=True)
def sign(a: Any) -> int:
    v = _q(a).value
    return (v > 0) - (v < 0)
