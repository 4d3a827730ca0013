"""`argogate hook`: gate the revision being synced from inside the cluster, as a PreSync hook.

Argo CD substitutes nothing into a plain hook manifest and injects no env (argocd-contract §4), so the
hook finds what it gates in this order: explicit inputs (flags / env rendered into the manifest),
else the Application object: `status.operationState.syncResult.revision` (`revisions`, one per
source, for a multi-source app) is set to the concrete SHA before hooks are created (argo-cd
`controller/sync.go`), polled briefly in case it is not written yet. It then clones each Git source
at its own revision, and the `ref:` sources its Helm value files read at theirs (`sources.py`), with
its own credentials (Argo CD's repository Secrets are out of its reach), renders and evaluates as
`argogate check` does but with the LIVE labels of the namespaces involved (namespaceSelector),
writes one set of PolicyReports for the app, and fails with a per-rule message.

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
from argogate.argocd.sources import (
    Checkouts,
    Synced,
    Target,
    checkout_key,
    has_revisions,
    place_ref_files,
    plan_targets,
    ref_names,
    ref_source,
    source_spec,
    synced_sources,
)
from argogate.argocd.sources import revision_of as revision_of  # the hook's public helpers
from argogate.errors import EXIT_OK, EXIT_POLICY_FAIL, ArgogateError, ConfigError
from argogate.model.result import RuleResult, RuleStatus
from argogate.render.model import AppSpec, RenderedApp

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


@dataclass
class _Prepared:
    label: str
    target: Target
    spec: AppSpec
    checkout: Any  # argogate.git.Source
    trees: list[tuple[int, Path]]  # (source index, checkout root) of the target and the refs it reads


@dataclass
class _Gated:
    label: str
    commit: str
    rendered: RenderedApp
    policies: Any


def _run(
    inputs: HookInputs, cluster: Cluster, settings: GateSettings, sleep: Callable[[float], None]
) -> HookOutcome:
    from argogate.check import evaluate_app
    from argogate.engine.values import Values

    log: list[str] = []
    application = _application(inputs, cluster, sleep) if _needs_application(inputs) else None
    synced = synced_sources(application) if application is not None else None
    targets, notes = plan_targets(
        synced,
        repo_url=inputs.repo_url,
        revision=inputs.revision,
        path=inputs.path,
        where=f"Application {inputs.app_namespace}/{inputs.app}",
    )
    name = inputs.app or Path(inputs.path or ".").name or "app"
    with Checkouts(read_credentials(inputs.credentials_dir)) as checkouts:
        prepared = [_prepare(t, inputs, application, synced, checkouts, name, log) for t in targets]
        trees = [tree for _, tree in sorted({pair for p in prepared for pair in p.trees})]
        gated = [_render(p, trees, settings) for p in prepared]
    log += notes
    dest = gated[0].rendered.destination_namespace
    namespaces = _namespaces([o for g in gated for o in g.rendered.objects], dest)
    values = Values(namespace_labels=live_namespace_labels(cluster, namespaces))
    results: list[RuleResult] = []
    for g in gated:
        where = f"{g.label}: " if g.label != name else ""
        log.append(
            f"{where}rendered {len(g.rendered.objects)} objects ({g.rendered.kind}, {g.rendered.path}); "
            f"{len(g.policies.policies)} policies"
        )
        results += evaluate_app(g.rendered, g.policies, values=values).report.results
    commits = list(dict.fromkeys(g.commit for g in gated))
    revision = ",".join(commits)
    written = write_reports(cluster, name, results, revision=revision, always=[dest or ""], log=log)
    audit = [r for r in results if r.status is RuleStatus.FAIL and not r.enforce]
    blocking = [r for r in results if r.blocks] + (audit if settings.fail_on_audit else [])
    if blocking:
        lines = messages.blocked_text(
            blocking, name, revision=revision, audit_as_block=settings.fail_on_audit
        )
        more = f" (PolicyReport {written[0]})" if written else ""
        return HookOutcome(EXIT_POLICY_FAIL, messages.fit(lines, more=more), [*log, *lines], written)
    log += messages.audit_lines(audit)
    at = ",".join(c[:7] for c in commits)
    summary = f"argogate: app {name} at {at} passed: {len(results)} results, {len(audit)} audit findings"
    return HookOutcome(EXIT_OK, summary, [*log, summary], written)


def _prepare(
    target: Target,
    inputs: HookInputs,
    application: dict[str, Any] | None,
    synced: Synced | None,
    checkouts: Checkouts,
    name: str,
    log: list[str],
) -> _Prepared:
    """Clone the target, and the refs its value files read at their own revisions."""
    label = f"{name}[{target.index}]" if synced is not None and synced.multi else name
    log.append(f"argogate hook: app {label}: {target.repo_url} at {target.revision}")
    src = checkouts.get(target.repo_url, target.revision)
    root = Path(src.path)
    dest = inputs.destination_namespace or str(
        ((application or {}).get("spec") or {}).get("destination", {}).get("namespace") or ""
    )
    spec = source_spec(
        target.source,
        synced,
        application=application,
        where=f"Application {inputs.app_namespace}/{name}",
        name=name,
        path=inputs.path,
        destination=dest,
        root=root,
    )
    trees = [(target.index, root)]
    elsewhere: dict[str, Path] = {}
    for ref in ref_names(spec):
        assert synced is not None  # a spec reads `$ref` value files only from an Application's sources
        index, url, rev = ref_source(synced, ref)
        if checkout_key(url, rev) != checkout_key(target.repo_url, target.revision):
            log.append(f"argogate hook: app {label}: ${ref} from {url} at {rev}")
            elsewhere[ref] = Path(checkouts.get(url, rev).path)
            trees.append((index, elsewhere[ref]))
    if elsewhere and not src.scratch:
        raise ConfigError(
            f"{src.display} is not a private copy: value files of other sources cannot be placed in it"
        )
    return _Prepared(label, target, place_ref_files(spec, root, elsewhere), src, trees)


def _render(p: _Prepared, trees: Sequence[Path], settings: GateSettings) -> _Gated:
    """Render with the target's `.argogate.yaml`; gate with the policies of its own tree or, when it
    has no policy directory (a shared chart repository), of the first tree of the app that has one."""
    from argogate.check import load_repo_policies
    from argogate.config import load_config
    from argogate.render import RenderContext, render_app

    root = Path(p.checkout.path)
    cfg = load_config(root)
    policy_cfg, policy_root = cfg, root
    if not _has_policies(root, cfg.policies):
        for tree in trees:
            other = load_config(tree) if tree != root else cfg
            if _has_policies(tree, other.policies):
                policy_cfg, policy_root = other, tree
                break
    policies = load_repo_policies(policy_root, policy_cfg.policies, policy_cfg.exceptions)
    options = replace(cfg.render, allow_remote=settings.allow_remote)
    with RenderContext(root, options=options, writable=p.checkout.scratch) as rctx:
        rendered = render_app(p.spec, rctx)
    return _Gated(p.label, p.checkout.commit or p.target.revision, rendered, policies)


def _has_policies(root: Path, dirs: Sequence[str]) -> bool:
    return any((root / d).exists() for d in dirs)


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
        if inputs.revision or has_revisions(app) or time.monotonic() >= end:
            return app
        sleep(1.0)


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
