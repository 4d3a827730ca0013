from __future__ import annotations

import pytest

from argogate.engine.cel import CelEvalError
from argogate.engine.cel.library.timefns import format_timestamp, parse_duration, parse_timestamp


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("1h", 3600 * 10**9),
        ("1.5s", 1_500_000_000),
        ("-2m", -120 * 10**9),
        ("0", 0),
        ("1h30m10s", 5410 * 10**9),
        ("300ms", 3 * 10**8),
    ],
)
def test_parse_duration(text: str, ns: int) -> None:
    assert parse_duration(text) == ns


@pytest.mark.parametrize("text", ["", "1", "1d", "h"])
def test_bad_duration(text: str) -> None:
    with pytest.raises(CelEvalError):
        parse_duration(text)


def test_timestamp_round_trip() -> None:
    ns = parse_timestamp("2024-03-04T05:06:07.120+01:00")
    assert format_timestamp(ns) == "2024-03-04T04:06:07.12Z"
    with pytest.raises(CelEvalError):
        parse_timestamp("2024-13-01T00:00:00Z")
