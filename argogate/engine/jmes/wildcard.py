"""Kyverno's wildcard match (pkg/utils/wildcard, from minio): `*` any run, `?` exactly one rune.

No character classes and no escaping, unlike `fnmatch`; used by `pattern_match()` and by
the condition operators.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def match(pattern: str, name: str) -> bool:
    """wildcard.Match(pattern, name)."""
    if pattern == "":
        return name == pattern
    if pattern == "*":
        return True
    return _compile(pattern).fullmatch(name) is not None
