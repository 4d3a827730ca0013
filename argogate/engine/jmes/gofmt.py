"""Go's text renderings of JSON values, reproduced so strings match Kyverno's byte for byte.

Kyverno builds strings from values with `fmt.Sprint` (operators, `ifaceToString`) and
`encoding/json` (`to_string`, a variable embedded in a longer string). Python's `str`
and `json.dumps` differ from both on floats (`2.0` vs `2`, `1e+16` vs `10000000000000000`),
on HTML escaping and on map ordering, so every place that turns a value into text for
Kyverno parity goes through here.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal exponent: f == 0.<digits> * 10**exp."""
    r = repr(abs(f))
    mantissa, _, exp_s = r.partition("e")
    exp = int(exp_s) if exp_s else 0
    int_part, _, frac_part = mantissa.partition(".")
    if frac_part == "0":
        frac_part = ""
    digits = (int_part + frac_part).lstrip("0")
    lead_zeros = len(int_part + frac_part) - len((int_part + frac_part).lstrip("0"))
    point = len(int_part) + exp - lead_zeros
    digits = digits.rstrip("0") or "0"
    return digits, point


def _format(f: float, exp_lo: int, exp_hi: int) -> str:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    sign = "-" if f < 0 else ""
    digits, point = _shortest_digits(f)
    x = point - 1
    if x < exp_lo or x >= exp_hi:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mant}e{'+' if x >= 0 else '-'}{abs(x):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def go_float(f: float) -> str:
    """`fmt.Sprint(float64)`: %g with shortest digits, exponent when x < -4 or x >= 21."""
    return _format(f, -4, 21)


def go_json_float(f: float) -> str:
    """`encoding/json` float64: 'f' format unless exponent < -6 or >= 21."""
    s = _format(f, -6, 21)
    # encoding/json rewrites "e-07" as "e-7" (but keeps "e+21")
    return re.sub(r"e-0(\d)$", r"e-\1", s)


def go_sprint(value: Any) -> str:
    """`fmt.Sprint(v)` for JSON-decoded values."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    if isinstance(value, dict):
        items = " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value))
        return f"map[{items}]"
    return str(value)


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
