from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import CelEvalError
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("'hello'.charAt(1)", "e"),
        ("'hello'.charAt(5)", ""),
        ("'hello mellow'.indexOf('ello')", 1),
        ("'hello mellow'.indexOf('ello', 2)", 7),
        ("'hello mellow'.indexOf('jello')", -1),
        ("'hello mellow'.lastIndexOf('ello')", 7),
        ("'hello mellow'.lastIndexOf('ello', 6)", 1),
        ("'TacoCat'.lowerAscii()", "tacocat"),
        ("'TacoCÆt'.upperAscii()", "TACOCÆT"),
        ("'hello hello'.replace('he', 'we')", "wello wello"),
        ("'hello hello'.replace('he', 'we', 1)", "wello hello"),
        ("'hello hello'.split(' ')", ["hello", "hello"]),
        ("'a,b,c'.split(',', 2)", ["a", "b,c"]),
        ("'abc'.split('')", ["a", "b", "c"]),
        ("'a,b'.split(',', 0)", []),
        ("'tacocat'.substring(4)", "cat"),
        ("'tacocat'.substring(0, 4)", "taco"),
        ("'  \\ttrim\\n '.trim()", "trim"),
        ("['hello', 'mellow'].join()", "hellomellow"),
        ("['hello', 'mellow'].join(' ')", "hello mellow"),
        ("strings.quote('single-quote with \"double quote\"')", '"single-quote with \\"double quote\\""'),
        ("'gums'.reverse()", "smug"),
        ("'%s is %d years, %.2f%%'.format(['x', 3, 1.5])", "x is 3 years, 1.50%"),
        ("'%x %X %o %b'.format([255, 255, 8, 5])", "ff FF 10 101"),
        ("'%s'.format([[1, 'a']])", "[1, a]"),
    ],
)
def test_strings(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("'abc'.charAt(4)", "index out of range: 4"),
        ("'abc'.substring(2, 1)", "invalid substring range. start: 2, end: 1"),
        ("'abc'.substring(5)", "index out of range: 5"),
        ("'%d'.format(['a'])", "error during formatting: decimal clause can only be used on integers"),
    ],
)
def test_string_errors(expr: str, message: str) -> None:
    with pytest.raises(CelEvalError) as info:
        ev(expr)
    assert info.value.message == message
