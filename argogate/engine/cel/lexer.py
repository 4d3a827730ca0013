"""Tokenizer for the CEL grammar (cel-spec `langdef.md`, lexis section).

Kept separate from the parser so literal decoding (escapes, raw/bytes/triple-quoted
strings, hex and unsigned integers) is tested on its own. Tokens are plain tuples
because compilation happens once per expression text and the evaluator never sees them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from argogate.engine.cel.errors import CelSyntaxError


class Token(NamedTuple):
    kind: str  # "int" "uint" "double" "string" "bytes" "ident" "op" "eof"
    value: object
    pos: int


RESERVED = frozenset(
    "as break const continue else for function if import let loop package namespace return var void while".split()
)

_OPERATORS = (
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "<",
    ">",
    "!",
    "+",
    "-",
    "*",
    "/",
    "%",
    "?",
    ":",
    ".",
    ",",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
)

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n\f]+|//[^\n]*)
  | (?P<double>(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<hex>0[xX][0-9a-fA-F]+)(?P<hexu>[uU])?
  | (?P<int>\d+)(?P<intu>[uU])?
  | (?P<strprefix>[rR][bB]?|[bB][rR]?)?(?P<quote>\"\"\"|'''|"|')
  | (?P<ident>[_a-zA-Z][_a-zA-Z0-9]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*/%?:.,()\[\]{}])
    """,
    re.VERBOSE,
)

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "`": "`",
    "?": "?",
}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            raise CelSyntaxError(f"Syntax error: token recognition error at: '{text[pos]}'", text, pos)
        kind = m.lastgroup
        if m.group("ws") is not None:
            pos = m.end()
            continue
        if m.group("double") is not None:
            tokens.append(Token("double", float(m.group("double")), pos))
        elif m.group("hex") is not None:
            value = int(m.group("hex"), 16)
            tokens.append(Token("uint" if m.group("hexu") else "int", value, pos))
        elif m.group("int") is not None:
            value = int(m.group("int"))
            tokens.append(Token("uint" if m.group("intu") else "int", value, pos))
        elif m.group("quote") is not None:
            prefix = (m.group("strprefix") or "").lower()
            token, end = _read_string(text, pos, m.end(), m.group("quote"), "r" in prefix, "b" in prefix)
            tokens.append(token)
            pos = end
            continue
        elif m.group("ident") is not None:
            tokens.append(Token("ident", m.group("ident"), pos))
        else:
            assert kind is not None
            tokens.append(Token("op", m.group("op"), pos))
        pos = m.end()
    tokens.append(Token("eof", None, n))
    return tokens


def _read_string(
    text: str, start: int, body: int, quote: str, raw: bool, is_bytes: bool
) -> tuple[Token, int]:
    triple = len(quote) == 3
    out: list[str] = []
    byte_out = bytearray()
    i = body
    n = len(text)

    def emit(s: str) -> None:
        if is_bytes:
            byte_out.extend(s.encode("utf-8"))
        else:
            out.append(s)

    while True:
        if i >= n:
            raise CelSyntaxError("Syntax error: unterminated string literal", text, start)
        if text.startswith(quote, i):
            i += len(quote)
            break
        ch = text[i]
        if ch == "\n" and not triple:
            raise CelSyntaxError("Syntax error: unterminated string literal", text, start)
        if ch != "\\" or raw:
            emit(ch)
            i += 1
            continue
        if i + 1 >= n:
            raise CelSyntaxError("Syntax error: unterminated string literal", text, start)
        esc = text[i + 1]
        if esc in _SIMPLE_ESCAPES:
            emit(_SIMPLE_ESCAPES[esc])
            i += 2
        elif esc in "xX" or esc in "uU":
            width = 2 if esc in "xX" else (4 if esc == "u" else 8)
            digits = text[i + 2 : i + 2 + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise CelSyntaxError("Syntax error: invalid escape sequence", text, i)
            code = int(digits, 16)
            if is_bytes and esc in "xX":
                byte_out.append(code)
            else:
                if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                    raise CelSyntaxError("Syntax error: invalid unicode code point", text, i)
                emit(chr(code))
            i += 2 + width
        elif esc in "0123":
            digits = text[i + 1 : i + 4]
            if len(digits) != 3 or not all(c in "01234567" for c in digits):
                raise CelSyntaxError("Syntax error: invalid octal escape", text, i)
            code = int(digits, 8)
            if is_bytes:
                byte_out.append(code)
            else:
                emit(chr(code))
            i += 4
        else:
            raise CelSyntaxError(f"Syntax error: invalid escape sequence '\\{esc}'", text, i)
    if is_bytes:
        return Token("bytes", bytes(byte_out), start), i
    return Token("string", "".join(out), start), i
