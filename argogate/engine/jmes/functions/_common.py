"""Argument checks and error texts shared by the function families (kyverno jmespath/error.go, utils.go)."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from jmespath import functions as _jp_functions  # type: ignore[import-untyped]

from argogate.engine.gofmt import go_float
from argogate.engine.jmes.errors import JMESError

F = TypeVar("F", bound=Callable[..., Any])


def signature(*arguments: dict[str, Any]) -> Callable[[F], F]:
    """jmespath.functions.signature with types, so decorated methods stay typed."""
    decorate: Callable[[F], F] = _jp_functions.signature(*arguments)
    return decorate


@dataclass(frozen=True)
class FunctionEntry:
    """One row of the function catalogue (kyverno jmespath/functionentry.go)."""

    name: str
    args: tuple[str, ...]
    returns: str
    note: str
    example: str = ""

    def signature(self) -> str:
        return f"{self.name}({', '.join(self.args)}) {self.returns}"


def fail(function: str, message: str) -> JMESError:
    """kyverno genericError: `JMESPath function '<name>': <message>`."""
    return JMESError(f"JMESPath function '{function}': {message}")


def arg_type_error(function: str, index: int, type_name: str) -> JMESError:
    return fail(function, f"argument #{index} is not of type {type_name}")


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def want_str(function: str, args: tuple[Any, ...], index: int) -> str:
    """validateArg(..., reflect.String)."""
    v = args[index]
    if not isinstance(v, str):
        raise arg_type_error(function, index + 1, "string")
    return v


def want_num(function: str, args: tuple[Any, ...], index: int) -> float:
    """validateArg(..., reflect.Float64)."""
    v = args[index]
    if not is_number(v):
        raise arg_type_error(function, index + 1, "float64")
    return float(v)


def int_number(number: float) -> int:
    """kyverno utils.go intNumber."""
    if math.isinf(number) or math.isnan(number) or math.trunc(number) != number:
        raise ValueError(f"expected an integer number but got: {go_float(number)}")
    return int(number)


def iface_to_string(v: Any) -> str | None:
    """kyverno ifaceToString: numbers use FormatFloat(f, 'f', -1, 32), i.e. float32 precision."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return _float32_f(float(v))
    if isinstance(v, float):
        return _float32_f(v)
    if isinstance(v, str):
        return v
    return None


def _to_f32(f: float) -> float:
    packed: float = struct.unpack("f", struct.pack("f", f))[0]
    return packed


def _float32_f(f: float) -> str:
    """strconv.FormatFloat(f, 'f', -1, 32): shortest digits that round-trip through float32."""
    if math.isinf(f) or math.isnan(f):
        return go_float(f)
    f32 = _to_f32(f)
    s = f"{f32:.9g}"
    for prec in range(1, 10):
        s = f"{f32:.{prec}g}"
        if _to_f32(float(s)) == f32:
            break
    text = format(Decimal(s), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if float(s) == 0 else text
