"""Kubernetes quantity and Go duration grammars shared by patterns, conditions, JMESPath and CEL."""

from __future__ import annotations

from fractions import Fraction

import pytest

from argogate.engine import units


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("-1.5Gi", ("-", "1", "5", units.BINARY_SI, 30)),
        ("500m", ("", "500", "", units.DECIMAL_SI, -3)),
        ("1E", ("", "1", "", units.DECIMAL_SI, 18)),
        ("1e3", ("", "1", "", units.DECIMAL_EXPONENT, 3)),
        ("+.5E-2", ("+", "", "5", units.DECIMAL_EXPONENT, -2)),
        ("2.", ("", "2", "", units.DECIMAL_SI, 0)),
        ("", None),
        (".", None),
        ("+", None),
        ("1K", None),
        ("1Gi ", None),
    ],
)
def test_split_quantity(text: str, want: tuple[object, ...] | None) -> None:
    got = units.split_quantity(text)
    assert (tuple(got) if got is not None else None) == want


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("1Gi", Fraction(2**30)),
        ("1000m", Fraction(1)),
        (" 1k ", Fraction(1000)),
        ("-1.5e3", Fraction(-1500)),
        ("1.0000000001", Fraction(10000000001, 10**10)),  # exact: no rounding up to nano
        (3, Fraction(3)),
        (0.5, Fraction(1, 2)),
        (True, None),
        ("1.2.3", None),
        (None, None),
    ],
)
def test_parse_quantity(value: object, want: Fraction | None) -> None:
    assert units.parse_quantity(value) == want


def test_duration_parts() -> None:
    assert units.duration_parts("1h30.5m") == [("1", 3600 * 10**9), ("30.5", 60 * 10**9)]
    assert units.duration_parts("") == []
    assert units.duration_parts("1h 30m") is None
    assert units.duration_parts("1") is None


@pytest.mark.parametrize(
    ("value", "seconds", "ns"),
    [
        ("1h30m", Fraction(5400), 5400 * 10**9),
        ("-1.5s", Fraction(-3, 2), -1_500_000_000),
        ("300ms", Fraction(3, 10), 300_000_000),
        ("1µs", Fraction(1, 10**6), 1000),
        ("1.5ns1.5ns", Fraction(3, 10**9), 3),
        ("0.5ns", Fraction(1, 2 * 10**9), 0),
        ("0", Fraction(0), 0),
        ("-0", Fraction(0), 0),
        (" 2s ", Fraction(2), 2 * 10**9),
        ("1", None, None),
        ("-", None, None),
        ("", None, None),
        (5, None, None),
    ],
)
def test_parse_duration(value: object, seconds: Fraction | None, ns: int | None) -> None:
    assert units.parse_duration(value) == seconds
    assert units.parse_duration_ns(value) == ns


def test_blank_strings_are_not_durations() -> None:
    from argogate.engine.units import parse_duration

    assert parse_duration(" ") is None
    assert parse_duration("\t") is None


def test_a_trailing_newline_is_not_a_quantity() -> None:
    from argogate.engine.jmes.functions._units import parse_quantity as arithmetic_quantity
    from argogate.engine.units import split_quantity

    assert split_quantity("1\n") is None
    assert arithmetic_quantity("1\n") is None
