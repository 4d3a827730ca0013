from __future__ import annotations

from typing import Any

import pytest

from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("isSemver('1.0.0')", True),
        ("isSemver('1.0')", False),
        ("isSemver('v1.0', true)", True),
        ("semver('1.2.3').major()", 1),
        ("semver('1.2.3').minor()", 2),
        ("semver('1.2.3').patch()", 3),
        ("semver('1.2.3').compareTo(semver('1.2.3'))", 0),
        ("semver('1.2.3').isGreaterThan(semver('1.0.0'))", True),
        ("semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", True),
        ("semver('1.0.0-alpha.2').isGreaterThan(semver('1.0.0-alpha.10'))", False),
        ("semver('1.2.3+build') == semver('1.2.3')", True),
    ],
)
def test_semver(expr: str, expected: Any) -> None:
    assert ev(expr) == expected
