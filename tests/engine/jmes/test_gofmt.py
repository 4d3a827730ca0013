"""Go text renderings of values."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.jmes.gofmt import go_float, go_json, go_sprint


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
