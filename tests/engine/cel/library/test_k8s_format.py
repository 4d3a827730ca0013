from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import NONE
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("format.dns1123Label().validate('my-name')", NONE),
        ("format.dns1123Label().validate('My_Name').hasValue()", True),
        ("format.dns1123Subdomain().validate('example.com')", NONE),
        ("format.dns1035Label().validate('1abc').hasValue()", True),
        ("format.labelValue().validate('')", NONE),
        ("format.qualifiedName().validate('example.com/name')", NONE),
        ("format.uuid().validate('123e4567-e89b-12d3-a456-426614174000')", NONE),
        ("format.named('dns1123Label').hasValue()", True),
        ("format.named('nope').hasValue()", False),
        ("format.named('dns1123Label').value().validate('UP').value().size()", 1),
    ],
)
def test_format(expr: str, expected: Any) -> None:
    assert ev(expr) == expected
