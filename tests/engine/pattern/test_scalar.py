"""Ports of kyverno pkg/engine/pattern/pattern_test.go and pkg/engine/operator/operator_test.go."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.pattern.scalar import (
    Op,
    compile_string_pattern,
    go_duration,
    go_parse_float,
    go_quantity,
    operator_of,
    validate_value,
)


def _string(value: Any, operand: str, op: Op) -> bool:
    """pattern.go validateString(value, pattern, op): one operand, operator given."""
    return validate_value(value, f"{op.value}{operand}")


@pytest.mark.parametrize(
    ("pattern", "op"),
    [
        ("f", Op.EQUAL),
        ("", Op.EQUAL),
        (">=", Op.MORE_EQUAL),
        ("0-1", Op.IN_RANGE),
        ("0Mi-1024Mi", Op.IN_RANGE),
        ("0!-1", Op.NOT_IN_RANGE),
        ("0Mi!-1024Mi", Op.NOT_IN_RANGE),
        ("text1024Mi-2048Mi", Op.EQUAL),
        ("test-value", Op.EQUAL),
        ("value-*", Op.EQUAL),
        ("text1024Mi!-2048Mi", Op.EQUAL),
        ("test!-value", Op.EQUAL),
        ("value!-*", Op.EQUAL),
        ("<=5", Op.LESS_EQUAL),
        ("<5", Op.LESS),
        (">5", Op.MORE),
        ("!5", Op.NOT_EQUAL),
        ("-10--8", Op.IN_RANGE),
        ("-10!--8", Op.NOT_IN_RANGE),
        ("5.10.84-1", Op.EQUAL),
    ],
)
def test_operator_of(pattern: str, op: Op) -> None:
    assert operator_of(pattern) is op


@pytest.mark.parametrize(
    ("value", "pattern", "want"),
    [
        (4, ">= 3", True),
        (0, "0-2", True),
        (1, "0-2", True),
        (2, "0-2", True),
        (3, "0-2", False),
        (0, "10!-20", True),
        (15, "10!-20", False),
        (25, "10!-20", True),
        (0, "0.00001-2.00001", False),
        (1, "0.00001-2.00001", True),
        (2, "0.00001-2.00001", True),
        (2.0001, "0.00001-2.00001", False),
        (0, "0.00001!-2.00001", True),
        (1, "0.00001!-2.00001", False),
        (2, "0.00001!-2.00001", False),
        (2.0001, "0.00001!-2.00001", True),
        (2, "2-2", True),
        (2, "2!-2", False),
        (2.99999, "2.99998-3", True),
        (2.99997, "2.99998!-3", True),
        (3.00001, "2.99998!-3", True),
        ("256Mi", "128Mi-512Mi", True),
        ("1024Mi", "128Mi-512Mi", False),
        ("64Mi", "128Mi-512Mi", False),
        ("256Mi", "128Mi!-512Mi", False),
        ("1024Mi", "128Mi!-512Mi", True),
        ("64Mi", "128Mi!-512Mi", True),
        (-9, "-10-8", True),
        (9, "-10--8", False),
        (9, "-10!--8", True),
        ("9Mi", "-10Mi!--8Mi", True),
        (-9, "-10!--8", False),
        ("-9Mi", "-10Mi-8Mi", True),
        ("9Mi", "-10Mi!-8Mi", True),
        (0, "-10-+8", True),
        ("7Mi", "-10Mi-+8Mi", True),
        (10, "-10!-+8", True),
        ("10Mi", "-10Mi!-+8Mi", True),
        (0, "+0-+1", True),
        ("10Mi", "+0Mi-+1024Mi", True),
        (10, "+0!-+1", True),
        ("1025Mi", "+0Mi!-+1024Mi", True),
    ],
)
def test_ranges(value: Any, pattern: str, want: bool) -> None:
    assert validate_value(value, pattern) is want


@pytest.mark.parametrize(
    ("value", "operand", "op", "want"),
    [
        # TestValidateNumberWithStr_LessFloatAndInt
        (7.00001, "7.000001", Op.MORE, True),
        (7.00001, "7", Op.NOT_EQUAL, True),
        (7.0, "7", Op.EQUAL, True),
        (6.000000001, "6", Op.LESS, False),
        # TestValidateQuantity_InvalidQuantity
        ("1024Gi", "", Op.EQUAL, False),
        ("gii", "1024Gi", Op.EQUAL, False),
        # TestValidateDuration
        ("12s", "12s", Op.EQUAL, True),
        ("12s", "15s", Op.NOT_EQUAL, True),
        ("12s", "15s", Op.LESS, True),
        ("12s", "15s", Op.LESS_EQUAL, True),
        ("12s", "12s", Op.LESS_EQUAL, True),
        ("15s", "12s", Op.LESS, False),
        ("15s", "12s", Op.LESS_EQUAL, False),
        ("15s", "12s", Op.MORE, True),
        ("15s", "12s", Op.MORE_EQUAL, True),
        ("12s", "12s", Op.MORE_EQUAL, True),
        ("12s", "15s", Op.MORE, False),
        ("12s", "15s", Op.MORE_EQUAL, False),
        ("1h", "59m", Op.MORE, True),
        ("90m", "1h30m", Op.EQUAL, True),
        # TestValidateQuantity_Equal
        ("1024Gi", "1024Gi", Op.EQUAL, True),
        ("1024Mi", "1Gi", Op.EQUAL, True),
        ("0.2", "200m", Op.EQUAL, True),
        ("500", "500", Op.EQUAL, True),
        ("2048", "1024", Op.EQUAL, False),
        (1024, "1024", Op.EQUAL, True),
        # TestValidateQuantity_Operation
        ("1Gi", "1000Mi", Op.MORE, True),
        ("1G", "1Gi", Op.LESS, True),
        ("500m", "0.5", Op.MORE_EQUAL, True),
        ("1", "500m", Op.MORE_EQUAL, True),
        ("0.5", ".5", Op.LESS_EQUAL, True),
        ("0.2", ".5", Op.LESS_EQUAL, True),
        ("0.2", ".5", Op.NOT_EQUAL, True),
        ("500m", "0.6", Op.MORE_EQUAL, False),
        # strings only support = and !
        ("abc", "abc", Op.MORE, False),
        ("abc", "abd", Op.NOT_EQUAL, True),
    ],
)
def test_validate_string(value: Any, operand: str, op: Op, want: bool) -> None:
    assert _string(value, operand, op) is want


@pytest.mark.parametrize(
    ("value", "pattern", "want"),
    [
        # TestValidate
        (True, True, True),
        (True, False, False),
        (False, True, False),
        (False, False, True),
        ("value", None, False),
        ("", None, True),
        (0.0, None, True),
        (0, None, True),
        (False, None, True),
        ("10.100.11.54", "192.168.88.1 | 10.100.11.*", True),
        ("10", ">1 & <20", True),
        ("10", ">1 & <20 | >31 & <33", True),
        ("32", ">1 & <20 | >31 & <33", True),
        ("21", ">1 & <20 | >31 & <33", False),
        (7.0, 7.000, True),
        (10, 10, True),
        (8, 10, False),
        (None, [], False),
        ({"a": True}, {"a": True}, True),
        ({"a": True}, {"b": False}, True),
        (None, False, False),
        (8.0, 8, True),
        (8.1, 8, False),
        ("8", 8, True),
        ("8.1", 8, False),
        (False, 8, False),
        (8, 8.0, True),
        (8, 8.1, False),
        ("8", 8.0, True),
        ("8.1", 8.1, True),
        ("abc", 8.1, False),
        (False, 8.0, False),
        # Test_validateStringPatterns
        ("5.16.5-arch1-1", "!5.10.84-1", True),
        ("5.10.84-1", "5.10.84-1", True),
        ("!5.10.84-1", "!5.10.84-1", True),
        ("5.10.84-1", "!5.10.84-1", False),
        ("5.16.5-arch1-1", "!5.10.84-1 & !5.15.2-1", True),
        ("5.10.84-1", "!5.10.84-1 & !5.15.2-1", False),
        ("5.15.2-1", "!5.10.84-1 & !5.15.2-1", False),
        # Test_compareString
        ("anything", "*", True),
        ("", "*", True),
        ("leftright", "*right", True),
        ("right", "*right", True),
        ("leftmiddle", "*right", False),
        ("middle", "*right", False),
        ("abbeba", "ab*ba", True),
        ("abbca", "ab*ba", False),
        ("abbba", "ab?ba", True),
        ("abbbba", "ab?ba", False),
        (None, "ab?ba", False),
        ("", "ab?ba", False),
        ("", "", True),
        (1, "1", True),
        (1.0, "1E+*", True),
        (True, "true", True),
        # Test_validateNilPattern / Test_validateMapPattern
        (None, None, True),
        ({}, None, False),
        ([], None, False),
        (1.0, None, False),
        (1, None, False),
        ("abc", None, False),
        (True, None, False),
        (None, {}, False),
        (True, {}, False),
        (8, {}, False),
        ("", {}, False),
        ({}, {}, True),
    ],
)
def test_validate(value: Any, pattern: Any, want: bool) -> None:
    assert validate_value(value, pattern) is want


@pytest.mark.parametrize(
    ("value", "pattern", "want"),
    [
        # a missing field (nil) reads as "0" for durations and quantities (convertNumberToString)
        (None, "<5", True),
        (None, ">0", False),
        (None, "0", True),
        (None, "<1s", True),
        (None, "?*", False),
        (None, "*", False),
        (None, "!foo", False),
        (None, "", False),
        # ints and bools render as strings for wildcard comparison
        (80, "8*", True),
        (False, "f*", True),
        (0.5, "*E-01", True),
        # ... but "5E-01" is a range (5E to 01) to Kyverno's InRangeRegex
        (0.5, "5E-01", False),
        # containers never match string patterns
        ({"a": 1}, "*", False),
        (["a"], "*", False),
        # the operand is trimmed, conditions only of spaces
        ("b", " a | b ", True),
        ("x", ">= 3", False),
        # "?*" means non-empty
        ("", "?*", False),
        ("x", "?*", True),
        # int value vs float pattern without a fraction, and big ints
        (3, 3.0, True),
        (2**53, 2**53, True),
        # Go ParseFloat, not Python float()
        (" 8", 8, False),
        ("1_0", 10, False),
        ("0x1p3", 8, True),
        ("1e400", 8, False),
        # durations need a unit, quantities have none of Go's leniency for spaces
        ("5", "5s", False),
        (" 1Gi", "1Gi", False),
    ],
)
def test_kyverno_coercions(value: Any, pattern: Any, want: bool) -> None:
    assert validate_value(value, pattern) is want


def test_compiled_pattern_is_cached() -> None:
    assert compile_string_pattern(">1 & <20") is compile_string_pattern(">1 & <20")


def test_go_parsers() -> None:
    assert go_duration("1h30m") == 5400 * 10**9
    assert go_duration("0") == 0
    assert go_duration("5") is None
    assert go_duration(" 5s") is None
    assert go_duration("1.5µs") == 1500
    assert go_quantity("1Ki") == 1024
    assert go_quantity("1.5") is not None
    assert go_quantity("abc") is None
    assert go_parse_float("Inf") == float("inf")
    assert go_parse_float("1.5e3") == 1500.0
    assert go_parse_float("") is None
