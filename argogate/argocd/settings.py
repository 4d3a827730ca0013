"""The gate's own knobs, read only from the sidecar's (or hook pod's) environment.

Argo CD appends the request's variables to the sidecar's environment, and a committer controls
every one of them: `spec.source.plugin.env` arrives as `ARGOCD_ENV_*`, parameters as `PARAM_*`,
and `.argocd-source.yaml` can set both. Peer plugins read options from PARAM_ then ARGOCD_ENV_ then
the plain name (argocd-lovely-plugin); doing that for enforcement would let any commit turn the gate
off. So these settings are `ARGOGATE_*` names only, a namespace Argo CD never writes into, and
`from_env` refuses to look anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from argogate.argocd.env import parse_bool
from argogate.errors import ConfigError

DEFAULT_DEADLINE = 45.0


@dataclass(frozen=True)
class GateSettings:
    deadline: float = DEFAULT_DEADLINE
    fail_on_audit: bool = False
    allow_remote: bool = False
    allow_empty: bool = False
    allow_no_policies: bool = False
    mutate: bool = True
    audit_annotation: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> GateSettings:
        def flag(name: str, default: bool) -> bool:
            raw = environ.get(name)
            return default if raw is None else parse_bool(raw, what=name)

        raw_deadline = environ.get("ARGOGATE_DEADLINE")
        deadline = DEFAULT_DEADLINE
        if raw_deadline:
            try:
                deadline = float(raw_deadline.strip().removesuffix("s"))
            except ValueError:
                raise ConfigError(f"ARGOGATE_DEADLINE={raw_deadline!r} is not a number of seconds") from None
            if deadline <= 0:
                raise ConfigError(f"ARGOGATE_DEADLINE={raw_deadline!r} must be positive")
        return cls(
            deadline=deadline,
            fail_on_audit=flag("ARGOGATE_FAIL_ON_AUDIT", False),
            allow_remote=flag("ARGOGATE_ALLOW_REMOTE", False),
            allow_empty=flag("ARGOGATE_ALLOW_EMPTY", False),
            allow_no_policies=flag("ARGOGATE_ALLOW_NO_POLICIES", False),
            mutate=flag("ARGOGATE_MUTATE", True),
            audit_annotation=flag("ARGOGATE_AUDIT_ANNOTATION", False),
        )
