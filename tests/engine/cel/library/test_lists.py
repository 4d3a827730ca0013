from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import CelEvalError
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # Kubernetes docs examples (apiserver/pkg/cel/library/lists.go)
        ("[1, 2, 3].isSorted()", True),
        ("['a', 'b', 'b', 'c'].isSorted()", True),
        ("[2.0, 1.0].isSorted()", False),
        ("[1, 2, 3].sum()", 6),
        ("[1.0, 2.0, 3.0].sum()", 6.0),
        ("[].sum()", 0),
        ("[1, 2, 3].min()", 1),
        ("['d', 'a', 'b', 'c'].max()", "d"),
        ("[1, 2, 2, 3].indexOf(2)", 1),
        ("['a', 'b', 'b', 'c'].lastIndexOf('b')", 2),
        ("[1, 2].indexOf(5)", -1),
        ("[1, 2].reverse()", [2, 1]),
        ("sets.contains([1, 2, 3, 4], [2, 3])", True),
        ("sets.contains([1, 2], [3])", False),
        ("sets.equivalent([1, 2, 3], [3, 2, 1, 1])", True),
        ("sets.intersects([1], [1, 2])", True),
        ("sets.intersects([1], [2])", False),
    ],
)
def test_lists(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


def test_min_of_empty_list_errors() -> None:
    with pytest.raises(CelEvalError, match="min called on empty list"):
        ev("[].min()")
