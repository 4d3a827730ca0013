"""`argogate cmp generate`: the Argo CD config-management plugin command.

Argo CD runs it in the argogate sidecar with cwd at the app path (see argocd/plugin.yaml). stdout is
the manifests or nothing; stderr is the verdict. Exit 0 passes, 1 blocks on a rule, 2 blocks on an
error (bad input, render failure, deadline), 3 is an argogate bug (stdout stays empty then too).
"""

from __future__ import annotations

import click

_ENV_HELP = """
\b
Inputs (set by Argo CD): ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, ARGOCD_APP_REVISION,
KUBE_VERSION, KUBE_API_VERSIONS, ARGOCD_APP_PARAMETERS (helm.*, kustomize.*, directory.*,
type, allowEmpty), PARAM_*, ARGOCD_ENV_*.
\b
Gate settings (sidecar environment only; nothing the repository or Application sets can
change them): ARGOGATE_DEADLINE (seconds, default 45), ARGOGATE_FAIL_ON_AUDIT,
ARGOGATE_ALLOW_REMOTE, ARGOGATE_ALLOW_EMPTY, ARGOGATE_ALLOW_NO_POLICIES, ARGOGATE_MUTATE
(default true), ARGOGATE_AUDIT_ANNOTATION.
"""


@click.group("cmp")
def cmp_cmd() -> None:
    """Argo CD config-management plugin commands (run by the argogate sidecar)."""


@cmp_cmd.command("generate", epilog=_ENV_HELP)
def generate_cmd() -> int:
    """Render the app in the current directory, gate it, print the manifests (or block the sync)."""
    from argogate.argocd.plugin import run

    return run()
