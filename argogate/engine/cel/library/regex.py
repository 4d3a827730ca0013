"""RE2 patterns on Python `re`, plus the Kubernetes regex library (`find`, `findAll`).

Kubernetes: apiserver/pkg/cel/library/regex.go. `find` returns the first match or ''
and `findAll(s, n)` at most n matches (n < 0: all). RE2 syntax is close to Python's;
the translation covers `\\z` and POSIX classes, and an untranslatable pattern is a
runtime error as an invalid RE2 pattern would be.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import no_such_overload

_POSIX = {
    "[:alnum:]": "a-zA-Z0-9",
    "[:alpha:]": "a-zA-Z",
    "[:ascii:]": "\\x00-\\x7f",
    "[:blank:]": " \\t",
    "[:cntrl:]": "\\x00-\\x1f\\x7f",
    "[:digit:]": "0-9",
    "[:graph:]": "!-~",
    "[:lower:]": "a-z",
    "[:print:]": " -~",
    "[:punct:]": "!-/:-@\\[-`{-~",
    "[:space:]": " \\t\\n\\r\\f\\v",
    "[:upper:]": "A-Z",
    "[:word:]": "\\w",
    "[:xdigit:]": "0-9A-Fa-f",
}


@lru_cache(maxsize=1024)
def compile_re2(pattern: str) -> re.Pattern[str]:
    translated = pattern.replace("\\z", "\\Z")
    for posix, cls in _POSIX.items():
        translated = translated.replace(posix, cls)
    try:
        return re.compile(translated)
    except re.error as e:
        raise CelEvalError(f"error parsing regexp: {e}: `{pattern}`") from None


@cel_function("find", member=True, note="first RE2 match or ''")
def find(s: Any, pattern: Any) -> str:
    if type(s) is not str or type(pattern) is not str:
        raise no_such_overload()
    m = compile_re2(pattern).search(s)
    return m.group(0) if m else ""


@cel_function("findAll", member=True, note="all (or at most n) RE2 matches")
def find_all(s: Any, pattern: Any, limit: Any = -1) -> list[str]:
    if type(s) is not str or type(pattern) is not str or type(limit) is not int:
        raise no_such_overload()
    if limit == 0:
        return []
    out = [m.group(0) for m in compile_re2(pattern).finditer(s)]
    return out if limit < 0 else out[:limit]
