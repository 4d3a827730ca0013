"""Reporters: a small family behind one protocol, picked by name.

A reporter turns a Report into text. `REPORTERS` is the registry; `names()`
feeds `--help`. Adding a format is one module and one entry here.
"""

from __future__ import annotations

from typing import Protocol

from argogate.errors import UsageError
from argogate.model.result import Report


class Reporter(Protocol):
    def __call__(self, report: Report, *, title: str = "") -> str: ...


def _registry() -> dict[str, Reporter]:
    from argogate.reporters import policyreport, text

    return {"text": text.render, "json": policyreport.render_json, "yaml": policyreport.render_yaml}


def names() -> list[str]:
    return ["text", "json", "yaml"]


def get(name: str) -> Reporter:
    reg = _registry()
    if name not in reg:
        raise UsageError(f"unknown output format {name!r}", hint=f"choose one of: {', '.join(names())}")
    return reg[name]
