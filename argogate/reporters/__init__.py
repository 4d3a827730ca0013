"""Reporters: a small family behind one protocol, picked by name.

A reporter turns a run (`model.run.CheckResult`: results per app) into text.
`apply` wraps its single report as a one-app run, so every format serves both
commands. `names()` feeds `--help`; adding a format is one module and one entry.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from argogate.errors import UsageError
from argogate.model.run import CheckResult


class Reporter(Protocol):
    def __call__(self, run: CheckResult) -> str: ...


# name -> (module, function); modules load only when their format is asked for
_REGISTRY: dict[str, tuple[str, str]] = {
    "text": ("argogate.reporters.text", "render"),
    "json": ("argogate.reporters.policyreport", "render_json"),
    "yaml": ("argogate.reporters.policyreport", "render_yaml"),
    "preview": ("argogate.reporters.preview", "render"),
    "junit": ("argogate.reporters.junit", "render"),
    "sarif": ("argogate.reporters.sarif", "render"),
    "github": ("argogate.reporters.github", "render"),
}


def names() -> list[str]:
    return list(_REGISTRY)


def get(name: str) -> Reporter:
    if name not in _REGISTRY:
        raise UsageError(f"unknown output format {name!r}", hint=f"choose one of: {', '.join(names())}")
    module, attr = _REGISTRY[name]
    fn: Reporter = getattr(importlib.import_module(module), attr)
    return fn
