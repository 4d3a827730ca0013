"""Go text renderings of values: %v, %T, strconv.FormatFloat, json.Marshal."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine import gofmt
from argogate.engine.gofmt import go_float, go_json, go_sprint


@pytest.mark.parametrize(
    ("value", "sprint", "json_text"),
    [
        (2.0, "2", "2"),
        (1.5, "1.5", "1.5"),
        (1e16, "10000000000000000", "10000000000000000"),
        (1e21, "1e+21", "1e+21"),
        (0.00001, "1e-05", "0.00001"),
        (1e-7, "1e-07", "1e-7"),
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
