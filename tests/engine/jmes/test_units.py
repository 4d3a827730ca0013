"""Quantity canonical form and Go duration text used by the arithmetic functions."""

from __future__ import annotations

from fractions import Fraction

import pytest

from argogate.engine.jmes.functions._units import canonical, go_duration, parse_quantity


@pytest.mark.parametrize(
    ("text", "canon"),
    [
        ("12Ki", "12Ki"),
        ("1024", "1024"),
        ("1536", "1536"),
        ("0.5", "500m"),
        ("1.5Gi", "1536Mi"),
        ("100m", "100m"),
        ("1e3", "1e3"),
        ("2000", "2k"),
        ("1000Ki", "1000Ki"),
        ("0.5Ki", "512"),
    ],
)
def test_quantity_canonical(text: str, canon: str) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert str(q) == canon


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "5s", "Ki"])
def test_not_quantities(text: str) -> None:
    assert parse_quantity(text) is None


def test_binary_below_1024_prints_decimal() -> None:
    assert canonical(Fraction(1000), "BinarySI") == "1k"


@pytest.mark.parametrize(
    ("ns", "text"),
    [
        (0, "0s"),
        (1, "1ns"),
        (1500, "1.5µs"),
        (1_500_000, "1.5ms"),
        (10**9, "1s"),
        (90 * 10**9, "1m30s"),
        (3600 * 10**9, "1h0m0s"),
        (-(10**9), "-1s"),
        (int(28.5 * 3600 * 10**9), "28h30m0s"),
        (1_500_000_000, "1.5s"),
    ],
)
def test_go_duration(ns: int, text: str) -> None:
    assert go_duration(ns) == text
