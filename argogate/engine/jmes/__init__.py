"""JMESPath with Kyverno's custom functions and go-jmespath quirks.

`search(expr, data)` is what `{{ expr }}` evaluates to in Kyverno; `FUNCTIONS` is the
catalogue of Kyverno's functions (name, argument types, return type, note, example) for
docs and `argogate functions`.
"""

from __future__ import annotations

from argogate.engine.jmes.errors import JMESError, NotFoundError
from argogate.engine.jmes.functions._common import FunctionEntry
from argogate.engine.jmes.registry import FUNCTIONS, apply, compile, evaluator, function_names, search

__all__ = [
    "FUNCTIONS",
    "FunctionEntry",
    "JMESError",
    "NotFoundError",
    "apply",
    "compile",
    "evaluator",
    "function_names",
    "search",
]
