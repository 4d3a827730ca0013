from __future__ import annotations

import pytest

from argogate.engine.cel.errors import CelSyntaxError
from argogate.engine.cel.lexer import tokenize


def kinds_values(text: str) -> list[tuple[str, object]]:
    return [(t.kind, t.value) for t in tokenize(text)[:-1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", [("int", 42)]),
        ("42u", [("uint", 42)]),
        ("0x1F", [("int", 31)]),
        ("0x1Fu", [("uint", 31)]),
        ("1.5", [("double", 1.5)]),
        ("1e3", [("double", 1000.0)]),
        ("2.5e-1", [("double", 0.25)]),
        (".5", [("double", 0.5)]),
        ("'a\\nb'", [("string", "a\nb")]),
        ('"it\'s"', [("string", "it's")]),
        ("r'a\\nb'", [("string", "a\\nb")]),
        ("'''multi\nline'''", [("string", "multi\nline")]),
        ("b'\\x00\\xff'", [("bytes", b"\x00\xff")]),
        ("b'abc'", [("bytes", b"abc")]),
        ("'\\u00e9\\U0001F600'", [("string", "é😀")]),
        ("'\\101'", [("string", "A")]),
        ("a.?b", [("ident", "a"), ("op", "."), ("op", "?"), ("ident", "b")]),
        (
            "x >= 1 && y != 2",
            [
                ("ident", "x"),
                ("op", ">="),
                ("int", 1),
                ("op", "&&"),
                ("ident", "y"),
                ("op", "!="),
                ("int", 2),
            ],
        ),
        ("a // comment\n|| b", [("ident", "a"), ("op", "||"), ("ident", "b")]),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, object]]) -> None:
    assert kinds_values(text) == expected


def test_positions() -> None:
    assert [t.pos for t in tokenize("ab + 'c'")] == [0, 3, 5, 8]


@pytest.mark.parametrize("text", ["'unterminated", "'bad \\q escape'", "a # b", "'line\nbreak'"])
def test_errors(text: str) -> None:
    with pytest.raises(CelSyntaxError) as info:
        tokenize(text)
    assert "ERROR: <input>:" in str(info.value)
