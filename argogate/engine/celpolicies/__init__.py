"""The CEL policy kinds: Kyverno's policies.kyverno.io policies and Kubernetes'
ValidatingAdmissionPolicy, compiled once and evaluated by the same engine run.

    policy = compile_policy(manifest)            # CelPolicyError on a bad expression
    out = evaluate_resource(CelPolicySet([policy]), resource, CelEnv())
"""

from __future__ import annotations

from argogate.engine.celpolicies.compile import compile_binding, compile_exception, compile_policy
from argogate.engine.celpolicies.context import CelContext
from argogate.engine.celpolicies.evaluate import CelEnv, CelOutput, evaluate_resource
from argogate.engine.celpolicies.model import (
    CelBinding,
    CelException,
    CelPolicy,
    CelPolicyError,
    CelPolicySet,
)

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
