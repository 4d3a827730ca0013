"""Go's text renderings of values, reproduced so strings match Kyverno's byte for byte.

Kyverno and cel-go build strings from values with `fmt.Sprint` / `%v` (operators,
`ifaceToString`, pattern error texts), `%T`, `strconv.FormatFloat` (CEL's
`string(double)`, the pattern walker's `'E'` comparison text) and `encoding/json`
(`to_string`, a variable embedded in a longer string). Python's `str` and
`json.dumps` differ from all of them on floats (`2.0` vs `2`, `1e+16` vs
`10000000000000000`), on HTML escaping and on map ordering, so every place that turns
a value into Go's text goes through here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal point position: |f| == 0.<digits> * 10**point."""
    r = repr(abs(f))
    mantissa, _, exp_s = r.partition("e")
    exp = int(exp_s) if exp_s else 0
    int_part, _, frac_part = mantissa.partition(".")
    if frac_part == "0":
        frac_part = ""
    digits = (int_part + frac_part).lstrip("0")
    lead_zeros = len(int_part + frac_part) - len(digits)
    point = len(int_part) + exp - lead_zeros
    return digits.rstrip("0") or "0", point


def _special(f: float) -> str | None:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    return None


def _exponent_form(sign: str, digits: str, x: int, e: str) -> str:
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mant}{e}{'-' if x < 0 else '+'}{abs(x):02d}"


def _shortest(f: float, exp_lo: int, exp_hi: int) -> str:
    """Shortest digits, in exponent form when the exponent x is < exp_lo or >= exp_hi."""
    special = _special(f)
    if special is not None:
        return special
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    sign = "-" if f < 0 else ""
    digits, point = _shortest_digits(f)
    x = point - 1
    if x < exp_lo or x >= exp_hi:
        return _exponent_form(sign, digits, x, "e")
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def format_float(f: float, fmt: str = "g") -> str:
    """`strconv.FormatFloat(f, fmt, -1, 64)` for fmt 'g', 'e' or 'E': `8`, `1e+06`, `1.5E-07`.

    'g' is also Go's `%v` / `%g` of a float64 and cel-go's `string(double)`.
    """
    if fmt == "g":
        return go_float(f)
    special = _special(f)
    if special is not None:
        return special
    sign = "-" if math.copysign(1, f) < 0 else ""
    if f == 0:
        return f"{sign}0{fmt}+00"
    digits, point = _shortest_digits(f)
    return _exponent_form(sign, digits, point - 1, fmt)


def go_float(f: float) -> str:
    """Go's `%v` (= `%g`, `fmt.Sprint`) of a float64: `1e+06`, `0.0001`, `1e-05`.

    fmt/print.go `fmtFloat` formats 'v' as `strconv.AppendFloat(v, 'g', -1, 64)`, and
    strconv/ftoa.go `formatDigits` uses %e when the exponent is < -4 or >= eprec, with
    eprec = 6 for the shortest precision. (The 21 of encoding/json is `go_json_float`.)
    """
    return _shortest(f, -4, 6)


def go_json_float(f: float) -> str:
    """`encoding/json` float64: 'f' format unless exponent < -6 or >= 21."""
    s = _shortest(f, -6, 21)
    # encoding/json rewrites "e-07" as "e-7" (but keeps "e+21")
    return re.sub(r"e-0(\d)$", r"e-\1", s)


def _sprint(value: Any, number: Callable[[Any], str]) -> str:
    """`%v` of a JSON-decoded value, numbers rendered by `number` (maps print with sorted keys)."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + " ".join(_sprint(v, number) for v in value) + "]"
    if isinstance(value, dict):
        items = " ".join(f"{k}:{_sprint(value[k], number)}" for k in sorted(value))
        return f"map[{items}]"
    return str(value)


def _value_number(value: Any) -> str:
    return go_float(value) if isinstance(value, float) else str(value)


def _pattern_number(value: Any) -> str:
    return go_float(float(value))


def go_sprint(value: Any) -> str:
    """`fmt.Sprint(v)` for JSON-decoded values, as the condition operators compare them
    (kyverno pkg/engine/variables/operator/anyin.go etc.; their numbers are float64)."""
    return _sprint(value, _value_number)


def go_value(value: Any, *, pattern: bool = False) -> str:
    """Go's `%v` of a decoded JSON value in pattern error texts (maps print with sorted keys).

    Every number in a pattern is a float64 (patterns go through `json.Unmarshal`).
    """
    return _sprint(value, _pattern_number if pattern else _value_number)


def go_type(value: Any, *, pattern: bool = False) -> str:
    """Go's `%T` of a decoded JSON value.

    Resource integers decode to int64; every number in a pattern is float64
    (patterns go through `json.Unmarshal` into `interface{}`).
    """
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "float64" if pattern else "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_str(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    for k, v in _HTML_ESCAPES.items():
        out = out.replace(k, v)
    return out


def go_json(value: Any) -> str:
    """`json.Marshal(v)`: sorted keys, no spaces, HTML-escaped strings, Go float text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"json: unsupported value: {go_float(value)}")
        return go_json_float(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _json_str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_str(str(k))}:{go_json(value[k])}" for k in sorted(value)) + "}"
    raise ValueError(f"json: unsupported type: {type(value).__name__}")
