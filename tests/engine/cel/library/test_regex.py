from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import CelEvalError
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("'abc 123'.find('[0-9]+')", "123"),
        ("'abc'.find('[0-9]+')", ""),
        ("'123 abc 456'.findAll('[0-9]+')", ["123", "456"]),
        ("'123 abc 456'.findAll('[0-9]+', 1)", ["123"]),
        ("'abc'.matches('^[[:alpha:]]+$')", True),
        ("'ab\\nc'.matches('c\\\\z')", True),
        ("'/var/run/docker.sock'.matches('/var/run/docker.sock')", True),
    ],
)
def test_regex(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


def test_invalid_pattern_is_runtime_error() -> None:
    with pytest.raises(CelEvalError, match="error parsing regexp"):
        ev("'a'.matches('(')")
