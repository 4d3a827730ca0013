"""What a pattern walk reports and remembers (kyverno `pkg/engine/anchor/error.go`, `anchormap.go`).

Kyverno threads Go `error`s and classifies them partly by type and partly by
message text (`anchor/error.go: isError`); `Err.kind` is the type and
`is_skip` / `is_fail` keep the text fallback, so a wrapped skip still skips.
"""

from __future__ import annotations

from dataclasses import dataclass

from argogate.engine.anchors import AnchorKind, parse

Path = tuple[str | int, ...]

PLAIN, CONDITIONAL, GLOBAL, NEGATION = range(4)
CONDITIONAL_MSG = "conditional anchor mismatch"
GLOBAL_MSG = "global anchor mismatch"
NEGATION_MSG = "negation anchor matched in resource"


@dataclass(slots=True)
class Err:
    path: Path | None
    message: str
    kind: int = PLAIN


def is_skip(err: Err) -> bool:
    if err.kind != PLAIN:
        return err.kind in (CONDITIONAL, GLOBAL)
    return CONDITIONAL_MSG in err.message or GLOBAL_MSG in err.message


def is_fail(err: Err) -> bool:
    if err.kind != PLAIN:
        return err.kind == NEGATION
    return NEGATION_MSG in err.message


class Walk:
    """The state of one walk: anchormap.go, per anchor key, whether any visited resource map had the key."""

    __slots__ = ("anchor_seen",)

    def __init__(self) -> None:
        self.anchor_seen: dict[str, bool] = {}

    def keys_are_missing(self) -> bool:
        for key, seen in self.anchor_seen.items():
            a = parse(key)
            if not seen and not (a is not None and a.kind is AnchorKind.NEGATION):
                return True
        return False
