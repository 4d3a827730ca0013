"""Arithmetic: kyverno arithmetic_test.go tables plus the docs' examples."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.jmes import JMESError, search

OK = [
    ("add(`12`, `13`)", 25.0),
    ("add('12Ki', '13Ki')", "25Ki"),
    ("add('12Ki', '13')", "12301"),
    ("add('12s', '13s')", "25s"),
    ("add('0', '1Ki')", "1Ki"),  # a zero receiver takes the other format
    ("sum([`12`])", 12),  # a single element comes back as it was
    ("sum([`12`, `13`, `1`, `4`])", 30.0),
    ("sum(['12Ki'])", "12Ki"),
    ("sum(['12Ki', '13Ki', '1Ki', '4Ki'])", "30Ki"),
    ("sum(['12Ki', '13'])", "12301"),
    ("sum(['12s', '13s', '1s', '4s'])", "30s"),
    ("sum(['2Ki', '5Gi', '8Mi'])", "5251074Ki"),
    ("sum(['2h', '50s', '90s'])", "2h2m20s"),
    ("sum(`[6, 3, 8]`)", 17.0),
    ("subtract(`12`, `13`)", -1.0),
    ("subtract('12Ki', '13Ki')", "-1Ki"),
    ("subtract('12Ki', '13')", "12275"),
    ("subtract('12s', '13s')", "-1s"),
    ("subtract('10Mi', '5Ki')", "10235Ki"),
    ("multiply('12Ki', `2`)", "24Ki"),
    ("multiply('12s', `2`)", "24s"),
    ("multiply(`2.5`, `2.5`)", 6.25),
    ("multiply(`2.5`, '12Ki')", "30Ki"),
    ("multiply(`2.5`, '12')", "30"),
    ("multiply(`2.5`, '40s')", "1m40s"),
    ("multiply('100m', `3`)", "300m"),
    ("divide('256M', '256M')", 1.0),
    ("divide('512M', '256M')", 2.0),
    ("divide('8', '3')", 8.0 / 3.0),
    ("divide('128M', '256M')", 0.5),
    ("divide('12Ki', `3`)", "4Ki"),
    ("divide('12Ki', '2Ki')", 6.0),
    ("divide('12Ki', '200')", 61.44),
    ("divide('10', `3`)", "3"),  # rounded down to the operands' scale
    ("divide('12s', `3`)", "4s"),
    ("divide('12s', '5s')", 2.4),
    ("divide(`14`, `3`)", 4.666666666666667),
    ("modulo('12Ki', '5Ki')", "2Ki"),
    ("modulo('13s', '2s')", "1s"),
    ("modulo(`13`, `5`)", 3.0),
    ("modulo(`-13`, `5`)", -3.0),
    ("round(`10.125`, `2`)", 10.13),
    ("round(`10.123456`, `2`)", 10.12),
    ("round(`2.5`, `0`)", 3.0),
]


@pytest.mark.parametrize(("expr", "expected"), OK)
def test_arithmetic(expr: str, expected: Any) -> None:
    result = search(expr, {})
    assert result == expected
    assert type(result) is type(expected)


ERRORS = [
    ("add('12', '13s')", "Types mismatch"),
    ("add(`12`, '13Ki')", "Types mismatch"),
    ("add(`12`, '13')", "Types mismatch"),
    ("add('12Ki', '13s')", "Types mismatch"),
    ("add('12Ki', `13`)", "Types mismatch"),
    ("add('12s', `13`)", "Types mismatch"),
    ("add('12s', '13')", "Types mismatch"),
    ("add('abc', `1`)", "JMESPath function 'add': invalid operands"),
    ("sum(`[]`)", "at least one element in the array is required"),
    ("sum(['12', '13s'])", "JMESPath function 'sum': Types mismatch"),
    ("subtract(`12`, '13')", "Types mismatch"),
    ("subtract('12s', '13')", "Types mismatch"),
    ("multiply('12Ki', '12Ki')", "Types mismatch"),
    ("multiply('12Ki', '12')", "Types mismatch"),
    ("multiply('12s', '12s')", "Types mismatch"),
    ("divide('12Ki', '2s')", "Types mismatch"),
    ("divide('12s', '4')", "Types mismatch"),
    ("divide(`14`, '5s')", "Types mismatch"),
    ("divide(`14`, '5')", "Types mismatch"),
    ("divide(`14`, `0`)", "JMESPath function 'divide': Zero divisor passed"),
    ("divide('4Ki', `0`)", "Zero divisor passed"),
    ("divide('4Ki', '0Ki')", "Zero divisor passed"),
    ("divide('4s', '0s')", "Zero divisor passed"),
    ("divide('4s', `0`)", "Zero divisor passed"),
    ("modulo('12Ki', `13`)", "Types mismatch"),
    ("modulo('13s', `2`)", "Types mismatch"),
    ("modulo(`13`, '12')", "Types mismatch"),
    ("modulo(`14`, `0`)", "JMESPath function 'modulo': Zero divisor passed"),
    ("modulo('4', '0')", "Zero divisor passed"),
    ("modulo('4s', '0s')", "Zero divisor passed"),
    ("modulo('4', '1.5')", "Non-integer argument(s) passed for modulo"),
    ("modulo('4.5', '1')", "Non-integer argument(s) passed for modulo"),
    ("modulo(`14`, `1.5`)", "Non-integer argument(s) passed for modulo"),
    ("modulo(`14.5`, `2`)", "Non-integer argument(s) passed for modulo"),
    ("round(`1.5`, `1.5`)", "Non-integer argument(s) passed for round off"),
    ("round(`1.5`, `-1`)", "out of bounds"),
]


@pytest.mark.parametrize(("expr", "message"), ERRORS)
def test_arithmetic_errors(expr: str, message: str) -> None:
    with pytest.raises(JMESError) as info:
        search(expr, {})
    assert message in str(info.value)
