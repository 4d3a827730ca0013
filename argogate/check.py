"""`argogate check` without the CLI: repository -> apps -> rendered objects -> results.

The flow is the one Argo CD runs, plus the gate: open the source at the ref
(working tree, exported commit or shallow clone), read `.argogate.yaml`, discover
the apps, render each with the real tools, then evaluate the policies committed
in that same tree on every app's objects. Rendering problems of one app are
collected and reported with the others instead of hiding them. Apps render in
parallel threads (the work is helm and kustomize subprocesses); evaluation runs
afterwards in app order, so the result does not depend on scheduling.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argogate.errors import ArgogateError, PolicyLoadError, ProcessError
from argogate.model.result import Origin, Report
from argogate.model.run import AppResult, CheckResult, PolicyDoc, Skipped
from argogate.render.model import AppSpec, RenderedApp

if TYPE_CHECKING:
    from argogate.render.context import RenderContext


def evaluate_app(
    rendered: RenderedApp, policies: Any, *, fail_on: str = "enforce", values: Any = None, image_verifier: Any = None
) -> AppResult:
    """`values` (an engine `Values`) supplies what the repository cannot: e.g. live Namespace labels."""
    from argogate.engine.pipeline import Engine, default_namespace

    # objects without a namespace go to the destination namespace, as Argo CD applies them
    namespace = rendered.destination_namespace or "default"
    objects = [default_namespace(o.data, namespace) for o in rendered.objects]
    origins: list[Origin | None] = [o.origin for o in rendered.objects]
    engine = Engine(
        policies.policies,
        policies.exceptions,
        values=values,
        image_verifier=image_verifier,
        cel=getattr(policies, "cel", None),
    )
    ev = engine.evaluate(objects, origins)
    return AppResult(
        name=rendered.name,
        path=rendered.path,
        kind=rendered.kind,
        report=Report(ev.results),
        objects=ev.resources,
        generated=ev.generated,
        originals=objects,
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
    image_verifier: Any = None,
    cache_dir: str | Path | None = None,
) -> CheckResult:
    from argogate.apps import discover_apps
    from argogate.config import load_config
    from argogate.git import open_source
    from argogate.render import RenderContext, detect

    with open_source(target, ref, token=token, ssh_key=ssh_key) as src:
        root = Path(src.path)
        try:
            cfg = load_config(root)
            policies = load_repo_policies(root, cfg.policies, cfg.exceptions)
            discovery = discover_apps(root, cfg, explicit_apps=apps, remote_urls=src.remote_urls)
        except ArgogateError as exc:
            raise _in_repo(exc, root) from exc.__cause__
        result = CheckResult(
            source=src.display,
            commit=src.commit,
            skipped=[Skipped(s.name, s.reason, str(s.defined_in or "")) for s in discovery.skipped],
            notes=list(discovery.notes),
            policy_count=len(policies.policies) + len(policies.cel.policies),
            fail_on=fail_on or cfg.fail_on,
            policies={p.report_name: _doc(p, root) for p in policies.policies},
        )
        for where, kind in policies.unsupported:
            result.notes.append(f"{where}: {kind} is not a policy kind argogate evaluates; ignored")
        from argogate.cache import open_cache

        cache = open_cache(cache_dir, root, policies)  # None unless asked: `argogate check` asks
        with RenderContext(root, options=cfg.render, writable=src.scratch) as rctx:
            rendered = cache.render_all(discovery.apps, rctx, render_all) if cache else render_all(discovery.apps, rctx)
        for app, outcome in zip(discovery.apps, rendered, strict=True):
            if isinstance(outcome, ArgogateError):
                kind = app.source_type or detect(root / app.path)
                result.apps.append(
                    AppResult(app.name, app.path, kind, error=_app_error(outcome, app, kind, root))
                )
            elif cache is not None and image_verifier is None:  # registry answers are not cached
                result.apps.append(cache.evaluate(outcome, policies, evaluate_app))
            else:
                result.apps.append(evaluate_app(outcome, policies, image_verifier=image_verifier))
    return result


def render_all(apps: Sequence[AppSpec], rctx: RenderContext) -> list[RenderedApp | ArgogateError]:
    """Render every app, in parallel (helm and kustomize are subprocesses), results in `apps` order.

    Apps with the same path share one lane and render one after the other: helm dependency build
    writes into that directory of the scratch tree (kustomize edits a private copy of its own).
    """
    from argogate.render import detect

    if not rctx.writable and any((a.source_type or detect(rctx.root / a.path)) != "directory" for a in apps):
        rctx.scratch_root()  # made once, here, so the lanes share one copy instead of racing to make it
    lanes: dict[str, list[int]] = {}
    for i, app in enumerate(apps):
        lanes.setdefault(posixpath.normpath(app.path), []).append(i)
    out: list[RenderedApp | ArgogateError | None] = [None] * len(apps)

    def lane(indexes: list[int]) -> None:
        for i in indexes:
            out[i] = _render_one(apps[i], replace(rctx, warnings=[]))

    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, min(os.cpu_count() or 1, len(lanes)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argogate-render") as pool:
        for future in [pool.submit(lane, idx) for idx in lanes.values()]:
            future.result()  # re-raises argogate's own bugs (exit 3) in the caller's thread
    return [o for o in out if o is not None]


def _render_one(app: AppSpec, rctx: RenderContext) -> RenderedApp | ArgogateError:
    from argogate.render import render_app

    try:
        return render_app(app, rctx)
    except ArgogateError as exc:
        return exc


def _relpath(file: str, root: Path) -> str:
    """A path under the checked tree as the user knows it: repo-relative, never our temporary export."""
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return file


def _in_repo(exc: ArgogateError, root: Path) -> ArgogateError:
    if exc.file:
        exc.file = _relpath(exc.file, root)
    return exc


_REPRODUCE = {"helm": "helm template {path}", "kustomize": "kubectl kustomize {path}"}


def _app_error(exc: ArgogateError, app: AppSpec, kind: str, root: Path) -> ArgogateError:
    """Every app error names a file (the app's directory when the tool named none) and what to do."""
    exc = _in_repo(exc, root)
    if not exc.file:
        exc.file = app.path
    if not exc.hint and isinstance(exc, ProcessError) and kind in _REPRODUCE:
        exc.hint = f"fix the {kind} app; `{_REPRODUCE[kind].format(path=app.path)}` reproduces the error"
    return exc


def _doc(policy: Any, root: Path) -> PolicyDoc:
    ann = policy.annotations
    file = _relpath(policy.origin.file, root) if policy.origin is not None else ""
    return PolicyDoc(
        title=ann.get("policies.kyverno.io/title", ""),
        description=" ".join(ann.get("policies.kyverno.io/description", "").split()),
        category=policy.category,
        severity=policy.severity,
        file=file,
    )
