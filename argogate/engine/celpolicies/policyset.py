"""The CEL policy kinds of a run as one set, and the error their compilation raises.

Apart from the compiled policies in `model` so that a run without CEL kinds (most runs, and
every plugin run of a kyverno.io-only repository) can carry an empty set without importing the
policy model's dataclasses or the CEL interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from argogate.engine.celpolicies.model import CelBinding, CelException, CelPolicy

Path = tuple[str | int, ...]


class CelPolicyError(ValueError):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass
class CelPolicySet:
    """Everything the engine needs to evaluate the CEL policy kinds of a run."""

    policies: list[CelPolicy] = field(default_factory=list)
    bindings: list[CelBinding] = field(default_factory=list)
    exceptions: list[CelException] = field(default_factory=list)
    # other Kubernetes objects kept beside the policies: candidate parameter resources
    objects: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.policies)
