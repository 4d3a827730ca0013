"""`argogate hook`: the PreSync hook command (argocd/hook/presync.yaml runs it in a bare Pod).

Every input is a flag with an ARGOGATE_* environment twin, so the manifest can set them as env.
The verdict goes to stdout (the pod log) and to the termination log, which Argo CD shows as the
hook's message. Exit 0 passes, 1 an Enforce rule failed, 2 the gate could not run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

DEFAULT_TERMINATION_LOG = "/dev/termination-log"

_EPILOG = """
\b
Cluster access: in a pod, its ServiceAccount (KUBERNETES_SERVICE_HOST, the mounted token and CA);
otherwise ARGOGATE_KUBE_HOST with ARGOGATE_KUBE_TOKEN or ARGOGATE_KUBE_TOKEN_FILE, and
ARGOGATE_KUBE_CA_FILE (ARGOGATE_KUBE_INSECURE=true skips TLS verification); else ~/.kube/config.
ARGOGATE_KUBE_TIMEOUT (seconds per request, default 10) and ARGOGATE_KUBE_ATTEMPTS (default 4)
bound the retries of 5xx answers and timeouts.
\b
Gate settings: ARGOGATE_FAIL_ON_AUDIT, ARGOGATE_ALLOW_REMOTE (as for `argogate cmp generate`).
"""


@click.command("hook", epilog=_EPILOG)
@click.option("--app", envvar="ARGOGATE_APP", default="", help="Application name [env ARGOGATE_APP].")
@click.option(
    "--app-namespace", envvar="ARGOGATE_APP_NAMESPACE", default="",
    help="Namespace of the Application object (default argocd) [env ARGOGATE_APP_NAMESPACE].",
)  # fmt: skip
@click.option(
    "--tracking-id", envvar="ARGOGATE_TRACKING_ID", default="",
    help="The argocd.argoproj.io/tracking-id annotation (downward API); gives --app when unset [env ARGOGATE_TRACKING_ID].",
)  # fmt: skip
@click.option(
    "--repo-url",
    envvar="ARGOGATE_REPO_URL",
    default="",
    help="Git URL (default: the Application's sources; with several, gate only this repository's) [env ARGOGATE_REPO_URL].",
)
@click.option(
    "--revision", envvar="ARGOGATE_REVISION", default="",
    help="Commit or ref to gate (default: the revision the Application is syncing, per source) [env ARGOGATE_REVISION].",
)  # fmt: skip
@click.option(
    "--path",
    envvar="ARGOGATE_PATH",
    default=None,
    help="App path in the repository (default: the Application's) [env ARGOGATE_PATH].",
)
@click.option(
    "--destination-namespace", envvar="ARGOGATE_DESTINATION_NAMESPACE", default="",
    help="Destination namespace (default: the Application's) [env ARGOGATE_DESTINATION_NAMESPACE].",
)  # fmt: skip
@click.option(
    "--credentials-dir", envvar="ARGOGATE_GIT_CREDENTIALS_DIR", default=None,
    help="Mounted Secret with username/password/sshPrivateKey files [env ARGOGATE_GIT_CREDENTIALS_DIR].",
)  # fmt: skip
@click.option(
    "--wait", envvar="ARGOGATE_REVISION_WAIT", default=30.0, type=float, show_default=True,
    help="Seconds to wait for the Application to show the revision being synced [env ARGOGATE_REVISION_WAIT].",
)  # fmt: skip
@click.option(
    "--termination-log", envvar="ARGOGATE_TERMINATION_LOG", default=None,
    help=f"Where the verdict goes for Argo CD to show (default {DEFAULT_TERMINATION_LOG} when it exists) [env ARGOGATE_TERMINATION_LOG].",
)  # fmt: skip
def hook_cmd(
    app: str,
    app_namespace: str,
    tracking_id: str,
    repo_url: str,
    revision: str,
    path: str | None,
    destination_namespace: str,
    credentials_dir: str | None,
    wait: float,
    termination_log: str | None,
) -> int:
    """Gate the revision Argo CD is syncing; write PolicyReports; fail on Enforce violations."""
    from argogate.argocd import messages
    from argogate.argocd.presync import (
        APPLICATION_NAMESPACE,
        HookInputs,
        HookOutcome,
        app_from_tracking_id,
        run_hook,
    )
    from argogate.argocd.settings import GateSettings
    from argogate.errors import ArgogateError
    from argogate.kube.client import KubeClient, KubeSettings

    if not app and tracking_id:
        app, app_namespace = app_from_tracking_id(tracking_id, app_namespace)
    inputs = HookInputs(
        app=app,
        app_namespace=app_namespace or APPLICATION_NAMESPACE,
        repo_url=repo_url,
        revision=revision,
        path=path,
        destination_namespace=destination_namespace,
        credentials_dir=credentials_dir,
        wait=wait,
    )
    try:
        settings = GateSettings.from_env(os.environ)
        with KubeClient(KubeSettings.from_env()) as client:
            outcome = run_hook(inputs, client, settings)
    except ArgogateError as exc:  # before run_hook could catch it: the verdict must still be written
        lines = messages.error_text(exc, app or "?")
        outcome = HookOutcome(exc.exit_code, messages.fit(lines), lines)
    for line in outcome.log:
        click.echo(line)
    sys.stdout.flush()
    _termination(termination_log, outcome.message)
    if outcome.exit_code:
        sys.stderr.write(outcome.message + "\n")
    return outcome.exit_code


def _termination(path: str | None, message: str) -> None:
    target = Path(path) if path else Path(DEFAULT_TERMINATION_LOG)
    if path is None and not (target.exists() and os.access(target, os.W_OK)):
        return
    try:
        target.write_text(message + "\n", encoding="utf-8")
    except OSError as exc:
        click.echo(f"warning: cannot write the termination message to {target}: {exc}", err=True)
