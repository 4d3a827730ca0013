"""The CEL policy kinds: Kyverno's policies.kyverno.io policies and Kubernetes'
ValidatingAdmissionPolicy, compiled once and evaluated by the same engine run.

    policy = compile_policy(manifest)            # CelPolicyError on a bad expression
    out = evaluate_resource(CelPolicySet([policy]), resource, CelEnv())
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from argogate.engine.celpolicies.compile import compile_binding, compile_exception, compile_policy
    from argogate.engine.celpolicies.context import CelContext
    from argogate.engine.celpolicies.evaluate import CelEnv, CelOutput, evaluate_resource
    from argogate.engine.celpolicies.model import CelBinding, CelException, CelPolicy
    from argogate.engine.celpolicies.policyset import CelPolicyError, CelPolicySet

# Loaded on first use: a policy set without CEL kinds (most of them) never pays for the CEL
# interpreter's import, a sixth of a plugin run's start-up.
_WHERE = {
    "CelBinding": "model",
    "CelContext": "context",
    "CelEnv": "evaluate",
    "CelException": "model",
    "CelOutput": "evaluate",
    "CelPolicy": "model",
    "CelPolicyError": "policyset",
    "CelPolicySet": "policyset",
    "compile_binding": "compile",
    "compile_exception": "compile",
    "compile_policy": "compile",
    "evaluate_resource": "evaluate",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = [
    "CelBinding",
    "CelContext",
    "CelEnv",
    "CelException",
    "CelOutput",
    "CelPolicy",
    "CelPolicyError",
    "CelPolicySet",
    "compile_binding",
    "compile_exception",
    "compile_policy",
    "evaluate_resource",
]
