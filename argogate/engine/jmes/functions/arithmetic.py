"""Unit-aware arithmetic (kyverno pkg/engine/jmespath/arithmetic.go).

Each operand is a scalar (a JSON number), a quantity (a string that parses as a
Kubernetes quantity, so `'12'` is a quantity, not a number) or a duration (a string that
parses as a Go duration but not as a quantity, so `'5m'` is 5 milli-units). Which
combinations are allowed, and what type comes back, follows arithmetic.go's tables:

    +, -   Q±Q -> Q   D±D -> D   S±S -> S          anything else: "Types mismatch"
    *      Q*S, S*Q -> Q   D*S, S*D -> D   S*S -> S
    /      Q/Q -> S   Q/S -> Q   D/D -> S   D/S -> D   S/S -> S
    %      Q%Q -> Q   D%D -> D   S%S -> S   (integers only)
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from argogate.engine.gofmt import go_float
from argogate.engine.jmes.errors import JMESError
from argogate.engine.jmes.functions._common import (
    FunctionEntry,
    fail,
    int_number,
    is_number,
    signature,
    want_num,
)
from argogate.engine.jmes.functions._units import (
    Quantity,
    canonical,
    go_duration,
    go_seconds,
    parse_quantity,
    round_down,
)
from argogate.engine.units import parse_duration_ns

ANY: dict[str, list[str]] = {"types": []}
N = {"types": ["number"]}

ENTRIES = (
    FunctionEntry(
        "add",
        ("any", "any"),
        "any",
        "does arithmetic addition of two specified values of numbers, quantities, and durations",
        "add('12Ki', '13Ki') == '25Ki'",
    ),
    FunctionEntry(
        "sum",
        ("array",),
        "any",
        "does arithmetic addition of specified array of values of numbers, quantities, and durations",
        "sum(['2h', '50s', '90s']) == '2h2m20s'",
    ),
    FunctionEntry(
        "subtract",
        ("any", "any"),
        "any",
        "does arithmetic subtraction of two specified values of numbers, quantities, and durations",
        "subtract('12Ki', '13') == '12275'",
    ),
    FunctionEntry(
        "multiply",
        ("any", "any"),
        "any",
        "does arithmetic multiplication of two specified values of numbers, quantities, and durations",
        "multiply(`2.5`, '40s') == '1m40s'",
    ),
    FunctionEntry(
        "divide", ("any", "any"), "any", "divisor must be non zero", "divide('12Ki', '200') == `61.44`"
    ),
    FunctionEntry(
        "modulo",
        ("any", "any"),
        "any",
        "divisor must be non-zero, arguments must be integers",
        "modulo('13s', '2s') == '1s'",
    ),
    FunctionEntry(
        "round",
        ("number", "number"),
        "number",
        "does roundoff to upto the given decimal places",
        "round(`10.125`, `2`) == `10.13`",
    ),
)


class _Dur:
    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns


Operand = float | Quantity | _Dur


def _mismatch(op: str) -> JMESError:
    return fail(op, "Types mismatch")


def _zero(op: str) -> JMESError:
    return fail(op, "Zero divisor passed")


def _nonint(op: str) -> JMESError:
    return fail(op, "Non-integer argument(s) passed for modulo")


def _operands(args: tuple[Any, Any], op: str) -> tuple[Operand, Operand]:
    out: list[Operand] = []
    for a in args:
        if is_number(a):
            out.append(float(a))
        elif isinstance(a, str) and (q := parse_quantity(a)) is not None:
            out.append(q)
        elif isinstance(a, str) and (d := parse_duration_ns(a)) is not None:
            out.append(_Dur(d))
        else:
            raise fail(op, "invalid operands")
    return out[0], out[1]


def _go_mod(a: int, b: int) -> int:
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _add(a: Operand, b: Operand, op: str, sign: int) -> Any:
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        # Quantity.Add/Sub: a zero receiver takes the other operand's format
        fmt = b.format if a.value == 0 else a.format
        return canonical(a.value + sign * b.value, fmt)
    if isinstance(a, _Dur) and isinstance(b, _Dur):
        return go_duration(a.ns + sign * b.ns)
    if isinstance(a, float) and isinstance(b, float):
        return a + b if sign > 0 else a - b
    raise _mismatch(op)


def _multiply(a: Operand, b: Operand) -> Any:
    if isinstance(a, float) and isinstance(b, (Quantity, _Dur)):
        a, b = b, a
    if isinstance(a, float) and isinstance(b, float):
        return a * b
    if isinstance(a, Quantity) and isinstance(b, float):
        q = parse_quantity(go_float(b))
        if q is None:
            raise JMESError(f"quantities must match the regular expression: {go_float(b)}")
        return canonical(a.value * q.value, a.format)
    if isinstance(a, _Dur) and isinstance(b, float):
        return go_duration(int(go_seconds(a.ns) * b * 1e9))
    raise _mismatch("multiply")


def _divide(a: Operand, b: Operand) -> Any:
    if isinstance(a, Quantity):
        if isinstance(b, Quantity):
            if float(b.value) == 0:
                raise _zero("divide")
            return float(a.value) / float(b.value)
        if isinstance(b, float):
            if b == 0:
                raise _zero("divide")
            q = parse_quantity(go_float(b))
            if q is None:
                raise JMESError(f"quantities must match the regular expression: {go_float(b)}")
            return canonical(round_down(a.value / q.value, max(a.scale, q.scale)), a.format)
    elif isinstance(a, _Dur):
        if isinstance(b, _Dur):
            if b.ns == 0:
                raise _zero("divide")
            return go_seconds(a.ns) / go_seconds(b.ns)
        if isinstance(b, float):
            if b == 0:
                raise _zero("divide")
            return go_duration(int(go_seconds(a.ns) / b * 1e9))
    elif isinstance(b, float):
        if b == 0:
            raise _zero("divide")
        return a / b
    raise _mismatch("divide")


def _whole(f: float) -> int:
    if math.isinf(f) or math.isnan(f) or f != int(f):
        raise _nonint("modulo")
    return int(f)


def _modulo(a: Operand, b: Operand) -> Any:
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        i1, i2 = _whole(float(a.value)), _whole(float(b.value))
        if i2 == 0:
            raise _zero("modulo")
        return canonical(Fraction(_go_mod(i1, i2)), a.format)
    if isinstance(a, _Dur) and isinstance(b, _Dur):
        if b.ns == 0:
            raise _zero("modulo")
        return go_duration(_go_mod(a.ns, b.ns))
    if isinstance(a, float) and isinstance(b, float):
        i1, i2 = _whole(a), _whole(b)
        if i2 == 0:
            raise _zero("modulo")
        return float(_go_mod(i1, i2))
    raise _mismatch("modulo")


class ArithmeticFunctions:
    @signature(ANY, ANY)
    def _func_add(self, a: Any, b: Any) -> Any:
        x, y = _operands((a, b), "add")
        return _add(x, y, "add", 1)

    @signature({"types": ["array"]})
    def _func_sum(self, items: list[Any]) -> Any:
        if not items:
            raise fail("sum", "at least one element in the array is required")
        result = items[0]
        for item in items[1:]:
            x, y = _operands((result, item), "sum")
            result = _add(x, y, "sum", 1)
        return result

    @signature(ANY, ANY)
    def _func_subtract(self, a: Any, b: Any) -> Any:
        x, y = _operands((a, b), "subtract")
        return _add(x, y, "subtract", -1)

    @signature(ANY, ANY)
    def _func_multiply(self, a: Any, b: Any) -> Any:
        return _multiply(*_operands((a, b), "multiply"))

    @signature(ANY, ANY)
    def _func_divide(self, a: Any, b: Any) -> Any:
        return _divide(*_operands((a, b), "divide"))

    @signature(ANY, ANY)
    def _func_modulo(self, a: Any, b: Any) -> Any:
        return _modulo(*_operands((a, b), "modulo"))

    @signature(N, N)
    def _func_round(self, value: Any, places: Any) -> float:
        op = want_num("round", (value, places), 0)
        length = want_num("round", (value, places), 1)
        try:
            n = int_number(length)
        except ValueError:
            raise fail("round", "Non-integer argument(s) passed for round off") from None
        if n < 0:
            # error.go formats argOutOfBoundsError without its two %d values
            raise fail("round", "%!d(MISSING) argument is out of bounds (%!d(MISSING))")
        shift = math.pow(10, n)
        return _go_round(op * shift) / shift


def _go_round(x: float) -> float:
    """math.Round: half away from zero."""
    if math.isinf(x) or math.isnan(x):
        return x
    return math.copysign(math.floor(abs(x) + 0.5), x)
