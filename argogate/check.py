"""`argogate check` without the CLI: repository -> apps -> rendered objects -> results.

The flow is the one Argo CD runs, plus the gate: open the source at the ref
(working tree, exported commit or shallow clone), read `.argogate.yaml`, discover
the apps, render each with the real tools, then evaluate the policies committed
in that same tree on every app's objects. Rendering problems of one app are
collected and reported with the others instead of hiding them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from argogate.errors import ArgogateError, PolicyLoadError
from argogate.model.result import Origin, Report
from argogate.model.run import AppResult, CheckResult, Skipped
from argogate.render.model import AppSpec, RenderedApp


def _namespaced(obj: dict[str, Any], namespace: str | None) -> dict[str, Any]:
    """Objects without a namespace go to the app's destination namespace, as Argo CD applies them."""
    from argogate.engine.match import CLUSTER_SCOPED_KINDS

    md = obj.get("metadata")
    if namespace and isinstance(md, dict) and not md.get("namespace") and obj.get("kind") not in CLUSTER_SCOPED_KINDS:
        return {**obj, "metadata": {**md, "namespace": namespace}}
    return obj


def evaluate_app(rendered: RenderedApp, policies: Any, *, fail_on: str = "enforce") -> AppResult:
    from argogate.engine.pipeline import Engine

    objects = [_namespaced(o.data, rendered.destination_namespace) for o in rendered.objects]
    origins: list[Origin | None] = [o.origin for o in rendered.objects]
    engine = Engine(policies.policies, policies.exceptions)
    ev = engine.evaluate(objects, origins)
    return AppResult(
        name=rendered.name,
        path=rendered.path,
        kind=rendered.kind,
        report=Report(ev.results),
        objects=ev.resources,
        generated=ev.generated,
        warnings=list(rendered.warnings),
    )


def load_repo_policies(root: Path, policy_dirs: Sequence[str], exception_dirs: Sequence[str]) -> Any:
    from argogate.policies import load_policies

    dirs = [str(root / d) for d in policy_dirs if (root / d).exists()]
    if not dirs:
        raise PolicyLoadError(
            f"no policy directory found (looked for {', '.join(policy_dirs)} in {root})",
            hint="commit policies under policies/ or list their directories under `policies:` in .argogate.yaml",
        )
    exc_dirs = [str(root / d) for d in exception_dirs if (root / d).exists()]
    loaded = load_policies(dirs, exc_dirs)
    return loaded


def run_check(
    target: str,
    *,
    ref: str | None = None,
    apps: Sequence[str] = (),
    token: str | None = None,
    ssh_key: str | None = None,
    fail_on: str | None = None,
) -> CheckResult:
    from argogate.apps import discover_apps
    from argogate.config import load_config
    from argogate.git import open_source
    from argogate.render import RenderContext, render_app

    with open_source(target, ref, token=token, ssh_key=ssh_key) as src:
        root = Path(src.path)
        cfg = load_config(root)
        policies = load_repo_policies(root, cfg.policies, cfg.exceptions)
        discovery = discover_apps(root, cfg, explicit_apps=apps, remote_urls=src.remote_urls)
        result = CheckResult(
            source=src.display,
            commit=src.commit,
            skipped=[Skipped(s.name, s.reason, str(s.defined_in or "")) for s in discovery.skipped],
            notes=list(discovery.notes),
            policy_count=len(policies.policies),
            fail_on=fail_on or cfg.fail_on,
        )
        for where, kind in policies.unsupported:
            result.notes.append(f"{where}: {kind} is not a policy kind argogate evaluates; ignored")
        with RenderContext(root, options=cfg.render, writable=src.scratch) as rctx:
            for app in discovery.apps:
                result.apps.append(_one_app(app, rctx, policies, render_app))
    return result


def _one_app(app: AppSpec, rctx: Any, policies: Any, render_app: Any) -> AppResult:
    try:
        rendered = render_app(app, rctx)
    except ArgogateError as exc:
        return AppResult(app.name, app.path, app.source_type or "", error=exc)
    return evaluate_app(rendered, policies)
