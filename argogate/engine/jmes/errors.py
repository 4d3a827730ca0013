"""Errors raised while compiling or evaluating a JMESPath expression.

Kyverno turns these into rule errors ("failed to resolve ... at path ..."); the text of
`NotFoundError` is kyverno/go-jmespath's own, because it surfaces in Kyverno's messages.
"""

from __future__ import annotations


class JMESError(Exception):
    """A JMESPath parse error or a function/type error, with a readable message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(JMESError):
    """A field lookup on an object that lacks the key (kyverno/go-jmespath NotFoundError)."""

    def __init__(self, key: str) -> None:
        super().__init__(f'Unknown key "{key}" in path')
        self.key = key
