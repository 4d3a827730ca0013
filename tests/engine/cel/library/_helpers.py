from __future__ import annotations

from typing import Any

from argogate.engine.cel import compile


def ev(expr: str, **act: Any) -> Any:
    return compile(expr).evaluate(act)
