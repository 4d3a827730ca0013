"""Go text renderings of values: %v, %T, strconv.FormatFloat, json.Marshal."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from argogate.engine import gofmt
from argogate.engine.gofmt import go_float, go_json, go_sprint

# Go's fmt.Sprint / %v / %g of a float64, by Go's documented rule: fmt/print.go formats 'v' as
# strconv.AppendFloat(f, 'g', -1, 64); strconv/ftoa.go `formatDigits` writes the shortest
# round-trip digits and uses %e when the decimal exponent is < -4 or >= 6 ("if precision was the
# shortest possible, use precision 6 for this decision"); %e has a sign and at least two exponent
# digits; zero keeps its sign; Inf is "+Inf"/"-Inf" and NaN is "NaN" (the sign of NaN is dropped).
# encoding/json is a different rule (%e only below 1e-6 or from 1e21): the last column.
GO_FLOATS = [
    (0.0, "0", "0"),
    (1.0, "1", "1"),
    (1.5, "1.5", "1.5"),
    (100000.0, "100000", "100000"),  # exponent 5 < 6: plain
    (999999.0, "999999", "999999"),
    (1e6, "1e+06", "1000000"),  # exponent 6: %e
    (1234567.0, "1.234567e+06", "1234567"),
    (1e16, "1e+16", "10000000000000000"),
    (1e20, "1e+20", "100000000000000000000"),
    (1e21, "1e+21", "1e+21"),
    (1.5e21, "1.5e+21", "1.5e+21"),
    (1e-4, "0.0001", "0.0001"),  # exponent -4: plain
    (1e-5, "1e-05", "0.00001"),  # exponent -5: %e (json keeps 'f' down to 1e-6)
    (0.000123, "0.000123", "0.000123"),
    (1e-7, "1e-07", "1e-7"),
    (-0.0, "-0", "-0"),
    (-2.5, "-2.5", "-2.5"),
    (float(2**53), "9.007199254740992e+15", "9007199254740992"),  # a large int as float64
    (float(2**63), "9.223372036854776e+18", "9223372036854776000"),  # 'f' pads the shortest digits
    (123456789012.0, "1.23456789012e+11", "123456789012"),
    (608863452348.1149, "6.088634523481149e+11", "608863452348.1149"),
    (1.7976931348623157e308, "1.7976931348623157e+308", "1.7976931348623157e+308"),
]


@pytest.mark.parametrize(("value", "sprint", "json_text"), GO_FLOATS)
def test_go_float_rule_is_one_for_every_percent_v(value: float, sprint: str, json_text: str) -> None:
    # condition operators (go_sprint), pattern error texts (go_value), JMESPath's %v/%g texts
    # (go_float) and strconv 'g' (format_float) are all Go's one %v rule
    assert go_sprint(value) == sprint
    assert gofmt.go_value(value) == sprint
    assert gofmt.go_value(value, pattern=True) == sprint
    assert go_float(value) == sprint
    assert gofmt.format_float(value) == sprint
    assert go_json(value) == json_text
    assert go_sprint([value]) == f"[{sprint}]"


@pytest.mark.parametrize(("value", "want"), [(math.nan, "NaN"), (math.inf, "+Inf"), (-math.inf, "-Inf")])
def test_go_float_specials(value: float, want: str) -> None:
    assert go_sprint(value) == go_float(value) == gofmt.go_value(value) == want
    with pytest.raises(ValueError, match=f"json: unsupported value: {re.escape(want)}"):
        go_json(value)


@pytest.mark.parametrize(
    ("value", "sprint", "json_text"),
    [
        (2.0, "2", "2"),
        (1000000, "1000000", "1000000"),  # an int64 prints in full; only float64 switches to %e
        (True, "true", "true"),
        (None, "<nil>", "null"),
        ("<a&b>", "<a&b>", '"\\u003ca\\u0026b\\u003e"'),
        ({"b": 1, "a": [1, "x"]}, "map[a:[1 x] b:1]", '{"a":[1,"x"],"b":1}'),
    ],
)
def test_renderings(value: Any, sprint: str, json_text: str) -> None:
    assert go_sprint(value) == sprint
    assert go_json(value) == json_text


def test_go_float_negative_and_small() -> None:
    assert go_float(-0.5) == "-0.5"
    assert go_float(0.0001) == "0.0001"


@pytest.mark.parametrize(
    ("value", "pattern", "want"),
    [
        (None, False, "<nil>"),
        (True, False, "bool"),
        (3, False, "int64"),
        (3, True, "float64"),
        (3.5, False, "float64"),
        ("s", False, "string"),
        ({}, False, "map[string]interface {}"),
        ([], False, "[]interface {}"),
    ],
)
def test_go_type(value: Any, pattern: bool, want: str) -> None:
    assert gofmt.go_type(value, pattern=pattern) == want


@pytest.mark.parametrize(
    ("value", "pattern", "want"),
    [
        (None, False, "<nil>"),
        (True, False, "true"),
        (1000000, False, "1000000"),
        (1000000, True, "1e+06"),
        (8, True, "8"),
        (0.5, False, "0.5"),
        (123456.0, False, "123456"),
        (1234567.0, False, "1.234567e+06"),
        (0.0001, False, "0.0001"),
        (0.00001, False, "1e-05"),
        (-2.5, False, "-2.5"),
        ({"b": 1, "a": [1, "x"]}, False, "map[a:[1 x] b:1]"),
    ],
)
def test_go_value(value: Any, pattern: bool, want: str) -> None:
    assert gofmt.go_value(value, pattern=pattern) == want


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (1.0, "1E+00"),
        (0.5, "5E-01"),
        (123.456, "1.23456E+02"),
        (1e21, "1E+21"),
        (0.0, "0E+00"),
        (-1.5e-7, "-1.5E-07"),
    ],
)
def test_go_float_e(value: float, want: str) -> None:
    assert gofmt.format_float(value, "E") == want
