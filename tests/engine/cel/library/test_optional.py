from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import NONE, Optional
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("optional.of(1)", Optional.of(1)),
        ("optional.none()", NONE),
        ("optional.ofNonZeroValue([])", NONE),
        ("optional.ofNonZeroValue({'a': 1})", Optional.of({"a": 1})),
        ("optional.of(1).hasValue()", True),
        ("optional.of(null).hasValue()", True),
        ("optional.none().or(optional.none())", NONE),
        ("optional.none().optFlatMap(x, optional.of(x))", NONE),
        ("optional.of(2).optFlatMap(x, optional.of(x * 2))", Optional.of(4)),
        # cel-go library.go evalOptionalOrValue returns a non-optional receiver unchanged
        ("[1].orValue([])", [1]),
        # the alternative is not evaluated when the optional has a value
        ("optional.of(1).orValue(1 / 0)", 1),
    ],
)
def test_optional(expr: str, expected: Any) -> None:
    assert ev(expr) == expected
