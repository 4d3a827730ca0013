"""semver_compare and blang/semver range semantics."""

from __future__ import annotations

import pytest

from argogate.engine.jmes import JMESError, search
from argogate.engine.jmes.functions.semver import parse


@pytest.mark.parametrize(
    ("version", "expected_range", "result"),
    [
        ("1.2.3", "1.2.4", False),
        ("1.2.3", "1.2.3", True),
        ("4.1.3", ">=4.1.x", True),
        ("4.1.3", "!4.x.x", False),  # blang expands to the unsatisfiable <4.0.0 >=4.1.0
        ("1.8.6", ">1.0.0 <2.0.0", True),
        ("2.1.5", "<2.0.0 || >=3.0.0", False),
        ("3.0.0", "<2.0.0 || >=3.0.0", True),
        ("1.2.5", "1.2.x", True),
        ("1.3.0", "1.2.x", False),
        ("1.2.3", ">= 1.2.0", True),
        ("1.0.0-alpha", "<1.0.0", True),
        ("not-a-version", "<0.0.1", True),  # parse errors are ignored: the zero version
    ],
)
def test_semver_compare(version: str, expected_range: str, result: bool) -> None:
    assert search(f"semver_compare('{version}', '{expected_range}')", {}) is result


def test_semver_bad_range() -> None:
    with pytest.raises(JMESError):
        search("semver_compare('1.0.0', '~~1')", {})


@pytest.mark.parametrize(
    ("a", "b", "cmp"),
    [
        ("1.0.0-alpha", "1.0.0-alpha.1", -1),
        ("1.0.0-alpha.beta", "1.0.0-beta", -1),
        ("1.0.0-rc.1", "1.0.0", -1),
        ("2.0.0", "1.9.9", 1),
        ("1.0.0+build", "1.0.0", 0),
        ("1.0.0-2", "1.0.0-10", -1),
    ],
)
def test_version_ordering(a: str, b: str, cmp: int) -> None:
    assert parse(a).compare(parse(b)) == cmp


@pytest.mark.parametrize("bad", ["1.2", "v1.2.3", "01.2.3", "1.2.3-01"])
def test_strict_parse(bad: str) -> None:
    with pytest.raises(ValueError):
        parse(bad)
