"""The two ways a CEL expression can go wrong: it does not compile, or it fails at run time.

Both carry cel-go–like text because Kubernetes (and so Kyverno) embeds that text in
admission messages, e.g. `expression '...' resulted in error: no such key: foo`.
"""

from __future__ import annotations


class CelSyntaxError(ValueError):
    """The expression does not parse (or fails a static check).

    `str()` is cel-go's `ERROR: <input>:line:col: message` followed by the source line
    and a caret, the same shape `issues.String()` has.
    """

    def __init__(self, message: str, expression: str = "", position: int = 0) -> None:
        self.message = message
        self.expression = expression
        self.position = position
        line_no, col, line_text = _locate(expression, position)
        self.line = line_no
        self.column = col
        text = f"ERROR: <input>:{line_no}:{col + 1}: {message}"
        if expression:
            text += f"\n | {line_text}\n | {'.' * col}^"
        super().__init__(text)


def _locate(expression: str, position: int) -> tuple[int, int, str]:
    position = max(0, min(position, len(expression)))
    before = expression[:position]
    line_no = before.count("\n") + 1
    start = before.rfind("\n") + 1
    end = expression.find("\n", start)
    line_text = expression[start : end if end >= 0 else len(expression)]
    return line_no, position - start, line_text


class CelEvalError(Exception):
    """A runtime error value surfaced to the caller (`no such key: foo`, `no such overload`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
