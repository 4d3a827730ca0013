"""`argogate hook`: gate the revision being synced from inside the cluster, as a PreSync hook.

Argo CD substitutes nothing into a plain hook manifest and injects no env (argocd-contract §4), so the
hook finds what it gates in this order: explicit inputs (flags / env rendered into the manifest),
else the Application object: `status.operationState.syncResult.revision` is set to the concrete SHA
before hooks are created (argo-cd `controller/sync.go`), polled briefly in case it is not written
yet. It then clones that revision with its own credentials (Argo CD's repository Secrets are out of
its reach), renders and evaluates as `argogate check` does but with the LIVE labels of the
namespaces involved (namespaceSelector), writes PolicyReports, and fails with a per-rule message.

The message goes to the pod's termination log: Argo CD shows a failed Pod hook's termination
message, but only the `Failed` condition of a Job (gitops-engine `health_pod.go` / `health_job.go`),
which is why the shipped hook is a bare Pod.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from argogate.argocd import messages
from argogate.argocd.reports import APP_LABEL, build_reports, emptied, label_value
from argogate.argocd.settings import GateSettings
from argogate.errors import EXIT_OK, EXIT_POLICY_FAIL, ArgogateError, ConfigError
from argogate.model.result import RuleResult, RuleStatus
from argogate.render.model import AppSpec

APPLICATION_NAMESPACE = "argocd"
TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id"


class Cluster(Protocol):
    """What the hook needs from the API (KubeClient implements it; kube.client has the resources)."""

    def get(self, res: Any, name: str, namespace: str | None = None) -> dict[str, Any]: ...

    def find(self, res: Any, name: str, namespace: str | None = None) -> dict[str, Any] | None: ...

    def list_objects(
        self, res: Any, *, namespace: str | None = None, label_selector: str = ""
    ) -> list[dict[str, Any]]: ...

    def upsert(self, res: Any, body: dict[str, Any], *, attempts: int = 3) -> tuple[str, dict[str, Any]]: ...


@dataclass(frozen=True)
class HookInputs:
    app: str = ""
    app_namespace: str = APPLICATION_NAMESPACE
    repo_url: str = ""
    revision: str = ""
    path: str | None = None
    destination_namespace: str = ""
    credentials_dir: str | None = None
    wait: float = 30.0


@dataclass
class HookOutcome:
    exit_code: int
    message: str
    log: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def app_from_tracking_id(tracking_id: str, default_ns: str = "") -> tuple[str, str]:
    """`<app>:<group>/<kind>:<ns>/<name>` -> (app, app namespace); `<appns>_<app>` outside argocd's ns."""
    instance = tracking_id.split(":", 1)[0]
    if "_" in instance:
        ns, name = instance.split("_", 1)
        return name, ns
    return instance, default_ns


def revision_of(app: dict[str, Any]) -> str:
    """The revision being synced, from the Application's status, or '' when not written yet."""
    status = app.get("status") or {}
    op = status.get("operationState") or {}
    if op.get("phase") in ("Running", "Terminating", None) and op:
        rev = (op.get("syncResult") or {}).get("revision") or (
            (op.get("operation") or {}).get("sync") or {}
        ).get("revision")
        if rev:
            return str(rev)
    return str((status.get("sync") or {}).get("revision") or "")


def read_credentials(directory: str | None) -> dict[str, str]:
    """`username`, `password` (a token works) and `sshPrivateKey` files, as in an Argo CD repo Secret."""
    if not directory:
        return {}
    d = Path(directory)
    if not d.is_dir():
        raise ConfigError(
            f"ARGOGATE_GIT_CREDENTIALS_DIR={directory}: no such directory", hint="mount the Secret there"
        )
    out = {}
    for key in ("username", "password", "sshPrivateKey"):
        f = d / key
        if f.is_file():
            out[key] = f.read_text(encoding="utf-8").strip() + ("\n" if key == "sshPrivateKey" else "")
    return out


def run_hook(
    inputs: HookInputs,
    cluster: Cluster,
    settings: GateSettings | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> HookOutcome:
    settings = settings or GateSettings()
    try:
        return _run(inputs, cluster, settings, sleep)
    except ArgogateError as exc:
        lines = messages.error_text(exc, inputs.app or "?")
        return HookOutcome(exc.exit_code, messages.fit(lines), lines)


def _run(
    inputs: HookInputs, cluster: Cluster, settings: GateSettings, sleep: Callable[[float], None]
) -> HookOutcome:
    from argogate.check import evaluate_app, load_repo_policies
    from argogate.config import load_config
    from argogate.engine.values import Values
    from argogate.git import open_source
    from argogate.render import RenderContext, render_app

    log: list[str] = []
    application = _application(inputs, cluster, sleep) if _needs_application(inputs) else None
    repo_url, revision, source = _target(inputs, application)
    creds = read_credentials(inputs.credentials_dir)
    log.append(f"argogate hook: app {inputs.app or '?'}: {repo_url} at {revision}")
    with open_source(
        repo_url,
        revision,
        token=creds.get("password"),
        username=creds.get("username"),
        ssh_key=creds.get("sshPrivateKey"),
    ) as src:
        root = Path(src.path)
        cfg = load_config(root)
        policies = load_repo_policies(root, cfg.policies, cfg.exceptions)
        spec = _app_spec(inputs, application, source, root)
        options = replace(cfg.render, allow_remote=settings.allow_remote)
        with RenderContext(root, options=options, writable=src.scratch) as rctx:
            rendered = render_app(spec, rctx)
        namespaces = _namespaces(rendered.objects, spec.destination_namespace)
        values = Values(namespace_labels=live_namespace_labels(cluster, namespaces))
        result = evaluate_app(rendered, policies, values=values)
        commit = src.commit or revision
    log.append(
        f"rendered {len(rendered.objects)} objects ({rendered.kind}, {spec.path}); {len(policies.policies)} policies"
    )
    results = result.report.results
    written = write_reports(
        cluster, spec.name, results, revision=commit, always=[spec.destination_namespace or ""], log=log
    )
    audit = [r for r in results if r.status is RuleStatus.FAIL and not r.enforce]
    blocking = [r for r in results if r.blocks] + (audit if settings.fail_on_audit else [])
    if blocking:
        lines = messages.blocked_text(
            blocking, spec.name, revision=commit, audit_as_block=settings.fail_on_audit
        )
        more = f" (PolicyReport {written[0]})" if written else ""
        return HookOutcome(EXIT_POLICY_FAIL, messages.fit(lines, more=more), [*log, *lines], written)
    log += messages.audit_lines(audit)
    summary = f"argogate: app {spec.name} at {commit[:7]} passed: {len(results)} results, {len(audit)} audit findings"
    return HookOutcome(EXIT_OK, summary, [*log, summary], written)


def _needs_application(inputs: HookInputs) -> bool:
    return not (inputs.repo_url and inputs.revision and inputs.path is not None)


def _application(inputs: HookInputs, cluster: Cluster, sleep: Callable[[float], None]) -> dict[str, Any]:
    from argogate.kube.client import APPLICATIONS

    if not inputs.app:
        raise ConfigError(
            "the hook needs either --repo-url, --revision and --path, or the Application's name",
            hint="set ARGOGATE_APP (or ARGOGATE_TRACKING_ID from the tracking-id annotation via the downward API)",
        )
    end = time.monotonic() + inputs.wait
    while True:
        app = cluster.get(APPLICATIONS, inputs.app, inputs.app_namespace)
        if inputs.revision or revision_of(app) or time.monotonic() >= end:
            return app
        sleep(1.0)


def _target(inputs: HookInputs, application: dict[str, Any] | None) -> tuple[str, str, dict[str, Any] | None]:
    """(repo URL, revision, the Application source being gated)."""
    source: dict[str, Any] | None = None
    if application is not None:
        spec = application.get("spec") or {}
        sources = spec.get("sources") or ([spec["source"]] if spec.get("source") else [])
        candidates = [
            s for s in sources if isinstance(s, dict) and not s.get("chart") and s.get("path") is not None
        ]
        if inputs.repo_url:
            from argogate.apps import normalize_repo_url

            want = normalize_repo_url(inputs.repo_url)
            candidates = [s for s in candidates if normalize_repo_url(str(s.get("repoURL", ""))) == want]
        if not candidates:
            raise ConfigError(
                f"Application {inputs.app_namespace}/{inputs.app} has no Git source with a path to gate"
            )
        source = candidates[0]
    repo_url = inputs.repo_url or str((source or {}).get("repoURL") or "")
    revision = inputs.revision or (revision_of(application) if application else "")
    if not repo_url or not revision:
        raise ConfigError(
            f"no {'repository URL' if not repo_url else 'revision'} to gate"
            + (
                f": Application {inputs.app_namespace}/{inputs.app} has no sync revision yet"
                if application
                else ""
            ),
            hint="pass --repo-url and --revision, or let the hook read them from the Application",
        )
    return repo_url, revision, source


def _app_spec(
    inputs: HookInputs, application: dict[str, Any] | None, source: dict[str, Any] | None, root: Path
) -> AppSpec:
    dest = inputs.destination_namespace or str(
        ((application or {}).get("spec") or {}).get("destination", {}).get("namespace") or ""
    )
    name = inputs.app or Path(inputs.path or ".").name or "app"
    path = (inputs.path if inputs.path is not None else str((source or {}).get("path") or ".")).strip(
        "/"
    ) or "."
    if source is None:
        return AppSpec(name=name, path=path, destination_namespace=dest or None, defined_by="hook")
    if source.get("plugin"):
        import json

        from argogate.argocd.env import AppContext, parse_parameters
        from argogate.argocd.plugin import app_spec

        params = parse_parameters(json.dumps((source.get("plugin") or {}).get("parameters")))
        return replace(
            app_spec(AppContext(app_name=name, app_namespace=dest, parameters=params), path),
            defined_by="hook",
        )
    from argogate.apps import specs_from_application
    from argogate.model.result import Origin

    doc = {
        **(application or {}),
        "spec": {
            **((application or {}).get("spec") or {}),
            "source": {**source, "path": path},
            "sources": None,
        },
    }
    specs, skipped = specs_from_application(
        doc, Origin(f"Application {inputs.app_namespace}/{name}"), is_ours=lambda _u: True, root=root
    )
    if not specs:
        raise ConfigError(skipped[0].reason if skipped else f"Application {name}: nothing to render")
    return replace(specs[0], name=name, destination_namespace=dest or specs[0].destination_namespace)


def _namespaces(objects: Sequence[Any], destination: str | None) -> list[str]:
    names = {destination} if destination else set()
    for o in objects:
        if o.kind == "Namespace" and o.name:
            names.add(o.name)
        elif o.namespace:
            names.add(o.namespace)
    return sorted(n for n in names if n)


def live_namespace_labels(cluster: Cluster, names: Sequence[str]) -> dict[str, dict[str, str]]:
    """Labels of the namespaces that exist (one `get` each: least privilege, no cluster-wide list)."""
    from argogate.kube.client import NAMESPACES

    out: dict[str, dict[str, str]] = {}
    for name in names:
        ns = cluster.find(NAMESPACES, name)
        if ns is not None:
            out[name] = {str(k): str(v) for k, v in ((ns.get("metadata") or {}).get("labels") or {}).items()}
    return out


def write_reports(
    cluster: Cluster,
    app: str,
    results: Sequence[RuleResult],
    *,
    revision: str,
    always: Sequence[str],
    log: list[str],
) -> list[str]:
    """Create or update this app's reports; empty the ones left over from earlier runs. Returns names."""
    from argogate.kube.client import CLUSTER_POLICY_REPORTS, POLICY_REPORTS
    from argogate.kube.errors import APINotFoundError

    reports = build_reports(app, results, revision=revision, always=always)
    written: list[str] = []
    for ns, body in reports.namespaced.items():
        try:
            verb, _ = cluster.upsert(POLICY_REPORTS, body)
        except APINotFoundError:
            log.append(f"namespace {ns} does not exist yet: its PolicyReport is written on the next sync")
            continue
        written.append(f"{ns}/{body['metadata']['name']}")
        log.append(f"{verb} PolicyReport {ns}/{body['metadata']['name']} ({len(body['results'])} results)")
    if reports.cluster is not None:
        verb, _ = cluster.upsert(CLUSTER_POLICY_REPORTS, reports.cluster)
        written.append(reports.cluster["metadata"]["name"])
        log.append(
            f"{verb} ClusterPolicyReport {reports.cluster['metadata']['name']} ({len(reports.cluster['results'])} results)"
        )
    selector = f"{APP_LABEL}={label_value(app)}"
    for stale in cluster.list_objects(POLICY_REPORTS, label_selector=selector):
        stale_ns = str((stale.get("metadata") or {}).get("namespace") or "")
        if stale_ns not in reports.namespaced and stale.get("results"):
            cluster.upsert(POLICY_REPORTS, emptied(stale, revision))
            log.append(f"emptied stale PolicyReport {stale_ns}/{stale['metadata']['name']}")
    if reports.cluster is None:
        for stale in cluster.list_objects(CLUSTER_POLICY_REPORTS, label_selector=selector):
            if stale.get("results"):
                cluster.upsert(CLUSTER_POLICY_REPORTS, emptied(stale, revision))
                log.append(f"emptied stale ClusterPolicyReport {stale['metadata']['name']}")
    return written
