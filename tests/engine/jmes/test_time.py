"""Time functions, with the examples from Kyverno's JMESPath docs and time_test.go."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.jmes import JMESError, search
from argogate.engine.jmes.functions import _gotime


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("time_since('', '2022-04-10T03:14:05-07:00', '2022-04-11T03:14:05-07:00')", "24h0m0s"),
        (
            "time_since('Mon Jan _2 15:04:05 MST 2006', 'Mon Jan 02 15:04:05 MST 2021', 'Mon Jan 10 03:14:16 MST 2021')",
            "180h10m11s",
        ),
        ("time_since('2006-Jan-02', '2020-Jan-14', '2020-Jan-17')", "72h0m0s"),
        ("time_to_cron('2022-04-11T03:14:05-07:00')", "14 3 11 4 1"),
        ("time_add('2023-01-12T12:37:56-05:00', '6h')", "2023-01-12T18:37:56-05:00"),
        (
            "time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Fri Jun 22 2022 17:45:00 +0100')",
            "2022-06-22T17:45:00+01:00",
        ),
        ("time_parse('2006-01-02T15:04:05Z07:00', '2021-01-02T15:04:05-07:00')", "2021-01-02T15:04:05-07:00"),
        ("time_parse('1702691171', '1702691171')", "2023-12-16T01:46:11Z"),
        ("time_parse('2006-01-02 03:04PM', '2024-02-29 01:30PM')", "2024-02-29T13:30:00Z"),
        ("time_utc('2021-01-02T18:04:05-05:00')", "2021-01-02T23:04:05Z"),
        ("time_utc('2021-01-02T02:04:05+08:30')", "2021-01-01T17:34:05Z"),
        ("time_diff('2023-01-10T00:00:00Z', '2023-01-11T00:00:00Z')", "24h0m0s"),
        ("time_diff('2023-01-12T00:00:00Z', '2023-01-11T00:00:00Z')", "-24h0m0s"),
        ("time_diff('2023-01-12T00:00:00Z', '2023-01-12T00:00:00.5Z')", "500ms"),
        ("time_before('2023-01-12T19:05:59Z', '2023-01-13T19:05:59Z')", True),
        ("time_before('2023-01-12T19:05:59Z', '2023-01-11T19:05:59Z')", False),
        ("time_after('2023-01-12T14:07:55-05:00', '2023-01-12T19:05:59Z')", True),
        ("time_after('2023-01-12T19:05:59Z', '2023-01-13T19:05:59Z')", False),
        ("time_between('2023-01-12T19:05:59Z', '2023-01-01T19:05:59Z', '2023-01-15T19:05:59Z')", True),
        ("time_between('2023-01-12T19:05:59Z', '2023-01-01T19:05:59Z', '2023-01-11T19:05:59Z')", False),
        ("time_truncate('2023-01-12T17:37:00Z', '1h')", "2023-01-12T17:00:00Z"),
        ("time_truncate('2023-01-12T17:37:00Z', '2h')", "2023-01-12T16:00:00Z"),
        ("time_truncate('2021-01-02T23:04:05Z', '2h')", "2021-01-02T22:00:00Z"),
    ],
)
def test_time_functions(expr: str, expected: Any) -> None:
    assert search(expr, {}) == expected


def test_now_functions_use_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = _gotime.parse_rfc3339("2023-01-12T10:00:00Z")
    monkeypatch.setattr(_gotime, "now", lambda: fixed)
    assert search("time_now_utc()", {}) == "2023-01-12T10:00:00Z"
    assert search("time_now()", {}) == "2023-01-12T10:00:00Z"
    assert search("time_since('', '2023-01-12T09:00:00Z', '')", {}) == "1h0m0s"
    assert search("time_add(time_now_utc(), '4h') | time_to_cron(@)", {}) == "0 14 12 1 4"


@pytest.mark.parametrize(
    "expr",
    [
        "time_utc('2021-01-02')",
        "time_add('2023-01-12T12:37:56Z', '6x')",
        "time_parse('2006-01-02', '2021/01/02')",
    ],
)
def test_time_errors(expr: str) -> None:
    with pytest.raises(JMESError):
        search(expr, {})
