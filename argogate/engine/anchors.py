"""Anchor keys in patterns: `(key)`, `=(key)`, `^(key)`, `X(key)`, `<(key)`, `+(key)`.

A pattern key wrapped in parentheses, optionally prefixed by one modifier
character, changes how the walker treats the key (kyverno
`pkg/engine/anchor/anchor.go`): condition, equality, existence, negation,
global condition, and add-if-not-present (mutate overlays only). Anything
else, including `()` and `a(b)`, is an ordinary key.

`validate_pattern_anchors` is the load-time check from kyverno
`pkg/validation/policy` (`common.ValidatePattern`): anchors the rule type does
not support, and existence anchors whose value is not a non-empty list.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple


class AnchorKind(enum.Enum):
    CONDITION = ""
    GLOBAL = "<"
    NEGATION = "X"
    ADD_IF_NOT_PRESENT = "+"
    EQUALITY = "="
    EXISTENCE = "^"


@dataclass(frozen=True, slots=True)
class Anchor:
    kind: AnchorKind
    key: str

    def __str__(self) -> str:
        return anchor_string(self.kind, self.key)


# anchor.go: `^(?P<modifier>[+<=X^])?\((?P<key>.+)\)$` on the space-trimmed key
_ANCHOR = re.compile(r"^([+<=X^])?\((.+)\)$")


@lru_cache(maxsize=8192)
def parse(key: str) -> Anchor | None:
    """The anchor a pattern key denotes, or None for an ordinary key."""
    s = key.strip()
    if len(s) < 3 or s[-1] != ")":
        return None
    m = _ANCHOR.match(s)
    if m is None:
        return None
    return Anchor(AnchorKind(m.group(1) or ""), m.group(2))


def parse_key(key: str) -> tuple[AnchorKind | None, str]:
    """(anchor kind or None, bare key)."""
    a = parse(key)
    if a is None:
        return None, key
    return a.kind, a.key


def anchor_string(kind: AnchorKind, key: str) -> str:
    """`anchor.String`: the key spelled with its anchor; empty for an empty key."""
    if not key:
        return ""
    return f"{kind.value}({key})"


def is_anchor(key: str, *kinds: AnchorKind) -> bool:
    a = parse(key)
    return a is not None and (not kinds or a.kind in kinds)


def remove_anchor(key: str) -> str:
    a = parse(key)
    return key if a is None else a.key


# pkg/validation/policy/validate.go: anchors accepted in validate pattern / anyPattern
VALIDATE_ANCHORS = frozenset(
    {AnchorKind.CONDITION, AnchorKind.EXISTENCE, AnchorKind.EQUALITY, AnchorKind.NEGATION, AnchorKind.GLOBAL}
)


class AnchorProblem(NamedTuple):
    path: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        rendered = "/" + "".join(f"{seg}/" for seg in self.path)
        return f"{rendered}: {self.message}"


def validate_pattern_anchors(
    pattern: Any, allowed: frozenset[AnchorKind] = VALIDATE_ANCHORS
) -> list[AnchorProblem]:
    """Every invalid anchor use in `pattern` (Kyverno stops at the first; we report all)."""
    return list(_check(pattern, (), allowed))


def _check(node: Any, path: tuple[str | int, ...], allowed: frozenset[AnchorKind]) -> Iterator[AnchorProblem]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, key)
            a = parse(key) if isinstance(key, str) else None
            if a is not None:
                if a.kind not in allowed:
                    yield AnchorProblem(here, f"unsupported anchor {key}")
                elif a.kind is AnchorKind.EXISTENCE:
                    if not isinstance(value, list):
                        yield AnchorProblem(here, "existence anchor should have value of type list")
                    elif not value:
                        yield AnchorProblem(here, "existence anchor: should have at least one value")
            yield from _check(value, here, allowed)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _check(item, (*path, i), allowed)
    elif node is not None and not isinstance(node, str | int | float | bool):
        rendered = "/" + "".join(f"{seg}/" for seg in path)
        yield AnchorProblem(path, f"error at '{rendered}', pattern contains unknown type")
