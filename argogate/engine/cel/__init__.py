"""A pure-Python CEL engine with the Kubernetes extensions Kyverno's `validate.cel` needs.

The PyPI CEL libraries do not parse the optional syntax (`a.?b.orValue(x)`) that
Kubernetes enables and Kyverno policies use heavily, so this one is ours: parse once,
compile to closures, evaluate many times over plain JSON-like data.

    program = compile("object.metadata.?labels.orValue({}).size() > 0")
    program.evaluate({"object": resource})
"""

from __future__ import annotations

from argogate.engine.cel.compiler import Program, compile
from argogate.engine.cel.errors import CelEvalError, CelSyntaxError
from argogate.engine.cel.values import NONE, CelType, Duration, Optional, Timestamp, UInt

__all__ = [
    "NONE",
    "CelEvalError",
    "CelSyntaxError",
    "CelType",
    "Duration",
    "Optional",
    "Program",
    "Timestamp",
    "UInt",
    "compile",
]
