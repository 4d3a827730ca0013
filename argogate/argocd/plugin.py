"""`argogate cmp generate`: render the app Argo CD asked for, gate it, print the manifests or block.

What the cmp-server gives us (see argocd-contract §3): the repository tarred and extracted into a
fresh `$TMPDIR/_cmp_server/<uuid>`, cwd at the app path, Argo CD's build env. So:
- the repository root is found by a bounded walk up from cwd to a `.git` or `.argogate.yaml`, never
  above the request directory; with `--plugin-use-manifest-generate-paths` only the common root of
  the app path and the annotation paths is sent, so the root may be that partial tree, and its
  policies may be missing: that is an error (unless the sidecar allows it) naming the annotation;
- the app has exactly one source type, `plugin`, so Helm/Kustomize/directory options come from
  plugin parameters (`app_spec`);
- stdout is the manifests and nothing else, written once at the end: empty stdout with exit 0
  means "no resources", which with prune deletes the app. Zero objects is therefore an error too.
Everything the user must read on failure goes to stderr (`messages.py`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from argogate.argocd import messages
from argogate.argocd.deadline import Deadline, DeadlineRenderContext
from argogate.argocd.env import AppContext, parse_env
from argogate.argocd.settings import GateSettings
from argogate.errors import (
    EXIT_OK,
    EXIT_POLICY_FAIL,
    ArgogateError,
    ConfigError,
    PolicyLoadError,
    RenderError,
)
from argogate.model.result import ResourceRef, RuleResult, RuleStatus
from argogate.model.run import AppResult
from argogate.render.model import (
    SOURCE_TYPES,
    AppSpec,
    DirectoryOptions,
    HelmOptions,
    HelmParameter,
    KustomizeOptions,
    RenderedApp,
)

MARKERS = (".git", ".argogate.yaml")
MAX_LEVELS = 32
AUDIT_ANNOTATION = "argogate.io/audit-findings"
MANIFEST_PATHS_ANNOTATION = "argocd.argoproj.io/manifest-generate-paths"


@dataclass(frozen=True)
class RepoRoot:
    path: Path
    marker: str | None

    @property
    def partial(self) -> bool:
        """No marker: the request directory itself, i.e. a manifest-generate-paths subset of the repo."""
        return self.marker is None


@dataclass
class Outcome:
    exit_code: int
    stdout: str = ""
    stderr: list[str] = field(default_factory=list)


def find_root(cwd: Path, environ: Mapping[str, str]) -> RepoRoot:
    """The nearest ancestor of cwd holding a marker, never above the cmp-server request directory."""
    cwd = cwd.resolve()
    boundary = request_dir(cwd, environ)
    for d in [cwd, *cwd.parents][:MAX_LEVELS]:
        marker = next((m for m in MARKERS if (d / m).exists()), None)
        if marker is not None:
            return RepoRoot(d, marker)
        if d == boundary:
            return RepoRoot(d, None)
    raise ConfigError(
        f"no repository root above {cwd}: no {' or '.join(MARKERS)} within {MAX_LEVELS} levels",
        hint="run inside a Git checkout, or add .argogate.yaml at the repository root",
    )


def request_dir(cwd: Path, environ: Mapping[str, str]) -> Path | None:
    """`<workdir>/<uuid>`: the directory the cmp-server extracted this request into, if cwd is in one."""
    workdir = environ.get("ARGOCD_CMP_WORKDIR")
    bases = [Path(workdir).resolve()] if workdir else []
    for d in [cwd, *cwd.parents]:
        if d.parent.name == "_cmp_server" or d.parent in bases:
            return d
    return None


def app_spec(ctx: AppContext, path: str) -> AppSpec:
    """The app to render: cwd relative to the root, options from the plugin parameters."""
    kind = ctx.string("type") or None
    if kind is not None and kind not in SOURCE_TYPES:
        raise ConfigError(f"plugin parameter type={kind!r} is not one of {', '.join(SOURCE_TYPES)}")
    params = [HelmParameter(k, v) for k, v in ctx.mapping("helm.parameters").items()]
    params += [
        HelmParameter(k, v, force_string=True) for k, v in ctx.mapping("helm.stringParameters").items()
    ]
    helm = HelmOptions(
        release_name=ctx.string("helm.releaseName") or ctx.name or None,
        value_files=ctx.array("helm.valueFiles"),
        values=ctx.string("helm.values"),
        parameters=tuple(params),
        namespace=ctx.string("helm.namespace") or None,
        skip_crds=bool(ctx.flag("helm.skipCrds")),
        skip_tests=bool(ctx.flag("helm.skipTests")),
        ignore_missing_value_files=bool(ctx.flag("helm.ignoreMissingValueFiles")),
        kube_version=ctx.kube_version,
        api_versions=ctx.api_versions,
    )
    kustomize = KustomizeOptions(
        name_prefix=ctx.string("kustomize.namePrefix") or None,
        name_suffix=ctx.string("kustomize.nameSuffix") or None,
        images=ctx.array("kustomize.images"),
        common_labels=ctx.mapping("kustomize.commonLabels"),
        common_annotations=ctx.mapping("kustomize.commonAnnotations"),
        namespace=ctx.string("kustomize.namespace") or None,
        components=ctx.array("kustomize.components"),
    )
    directory = DirectoryOptions(
        recurse=bool(ctx.flag("directory.recurse")),
        include=ctx.string("directory.include") or "",
        exclude=ctx.string("directory.exclude") or "",
    )
    return AppSpec(
        name=ctx.name or Path(path).name or "app",
        path=path,
        source_type=kind,
        destination_namespace=ctx.app_namespace or None,
        helm=helm,
        kustomize=kustomize,
        directory=directory,
        defined_by="argocd",
    )


def run() -> int:
    """`argogate cmp generate`: generate for the current directory, write the outcome, its exit code.

    stdout gets the manifests only on success: Argo CD would prune whatever a failed run left out.
    """
    import sys

    outcome = generate(Path.cwd())
    if outcome.stderr:
        sys.stderr.write("\n".join(outcome.stderr) + "\n")
        sys.stderr.flush()
    if outcome.exit_code == 0:
        sys.stdout.write(outcome.stdout)
        sys.stdout.flush()
    return outcome.exit_code


def generate(cwd: Path, environ: Mapping[str, str] | None = None) -> Outcome:
    """The whole plugin run. Never raises an ArgogateError: it becomes a blocking Outcome."""
    env = os.environ if environ is None else environ
    app = "?"
    strip: list[str] = []
    try:
        settings = GateSettings.from_env(env)
        deadline = Deadline(settings.deadline)
        ctx = parse_env(env)
        app = ctx.name or cwd.name
        root = find_root(cwd, env)
        strip.append(str(root.path))
        return _generate(cwd.resolve(), root, ctx, settings, deadline)
    except ArgogateError as exc:
        return Outcome(exc.exit_code, "", messages.error_text(exc, app, strip=strip))


def _generate(
    cwd: Path, root: RepoRoot, ctx: AppContext, settings: GateSettings, deadline: Deadline
) -> Outcome:
    from argogate.config import load_config
    from argogate.render import render_app
    from argogate.yamlio import dump_stream

    cfg = load_config(root.path)
    if cfg.fail_on == "audit":  # the repository may make the gate stricter, never weaker
        settings = replace(settings, fail_on_audit=True)
    deadline.check("loading policies")
    # Policies load in a thread while the renderer's subprocess (helm, kustomize) runs: loading
    # is pure Python and the render mostly waits on a child process, and each was about a
    # quarter of a plugin run. A policy error still wins over a render error, as when the
    # policies were loaded first.
    loading = _Background(_policies, root, cfg.policies, cfg.exceptions, settings)
    try:
        rel = cwd.relative_to(root.path).as_posix() if cwd != root.path else "."
        spec = app_spec(ctx, rel)
        options = replace(
            cfg.render,
            kube_version=ctx.kube_version or cfg.render.kube_version,
            api_versions=ctx.api_versions or cfg.render.api_versions,
            allow_remote=settings.allow_remote,
            timeout=min(cfg.render.timeout, settings.deadline),
        )
        with (
            deadline.guard("rendering the app"),
            DeadlineRenderContext(root.path, options=options, deadline=deadline) as rctx,
        ):
            rendered = render_app(spec, rctx)
    except BaseException:
        loading.result()
        raise
    policies, found = loading.result()
    if not rendered.objects and not (settings.allow_empty or ctx.flag("allowEmpty")):
        raise RenderError(
            f"app {spec.name} rendered zero objects at {rel}",
            hint="empty output makes Argo CD prune every resource of the app; set the plugin parameter "
            "allowEmpty=true (or ARGOGATE_ALLOW_EMPTY on the sidecar) if that is really intended",
        )
    # imported by the policy thread meanwhile, not before the render could start
    from argogate.check import evaluate_app

    with deadline.guard("evaluating policies"):
        result = evaluate_app(rendered, policies)
    deadline.check("writing the manifests")

    head = f"argogate: app {spec.name} ({rendered.kind}, {rel}): {len(rendered.objects)} objects, {found}"
    audit = [r for r in result.report.results if r.status is RuleStatus.FAIL and not r.enforce]
    blocking = [r for r in result.report.results if r.blocks]
    if settings.fail_on_audit:
        blocking += audit
    if blocking:
        lines = messages.blocked_text(
            blocking, spec.name, revision=ctx.revision, audit_as_block=settings.fail_on_audit
        )
        if not settings.fail_on_audit:
            lines += messages.audit_lines(audit)
        return Outcome(EXIT_POLICY_FAIL, "", [*lines, head])
    errors = [r for r in result.report.results if r.status is RuleStatus.ERROR]
    stderr = [head, *messages.audit_lines(audit)]
    stderr += [f"rule error (not blocking): {messages.violation_line(r)}" for r in errors]
    stderr += [f"warning: {w}" for w in rendered.warnings]
    docs = output_objects(rendered, result, settings, audit)
    return Outcome(EXIT_OK, dump_stream(docs), stderr)


class _Background:
    """`fn(*args)` on a thread; `result()` waits, then returns its value or raises its exception.

    What `concurrent.futures` gave here, without its import (and logging's) on every plugin run.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _policies(
    root: RepoRoot, dirs: Sequence[str], exc_dirs: Sequence[str], settings: GateSettings
) -> tuple[Any, str]:
    from argogate.check import load_repo_policies
    from argogate.policies import load_policies

    present = [d for d in dirs if (root.path / d).exists()]
    if not present:
        where = (
            "the partial tree Argo CD sent" if root.partial else f"the repository ({root.marker} at its root)"
        )
        if settings.allow_no_policies:
            return load_policies(
                [], []
            ), f"no policies (none found in {where}; allowed by ARGOGATE_ALLOW_NO_POLICIES)"
        hint = "commit policies under policies/ or list their directories under `policies:` in .argogate.yaml"
        if root.partial:
            hint = (
                f"Argo CD sent only part of the repository (manifest-generate-paths mode): add the policy "
                f"directory to the {MANIFEST_PATHS_ANNOTATION} annotation, e.g. `.;/policies`"
            )
        raise PolicyLoadError(f"no policy directory ({', '.join(dirs)}) found in {where}", hint=hint)
    loaded = load_repo_policies(root.path, present, exc_dirs)
    # the engine modules evaluation imports on first use, imported here off the critical path
    import argogate.engine.pattern
    import argogate.engine.pipeline  # noqa: F401

    return loaded, f"{len(loaded.policies)} policies from {', '.join(present)}"


def output_objects(
    rendered: RenderedApp, result: AppResult, settings: GateSettings, audit: Sequence[RuleResult]
) -> list[dict[str, Any]]:
    """Rendered objects (mutated when the sidecar says so, plus generated ones), namespaces untouched.

    `evaluate_app` fills in the destination (or `default`) namespace so policies see what the
    cluster will see; Argo CD decides namespaces itself (it knows which kinds are cluster-scoped),
    so that fill-in is undone here.
    """
    out: list[dict[str, Any]] = []
    notes = _audit_notes(audit) if settings.audit_annotation else {}
    for original, evaluated in zip(rendered.objects, result.objects, strict=False):
        obj = _restore_namespace(evaluated, original.data) if settings.mutate else original.data
        out.append(_annotate(obj, notes))
    if settings.mutate:
        out.extend(_annotate(g, notes) for g in result.generated)
    return out


def _restore_namespace(obj: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    md, omd = obj.get("metadata"), original.get("metadata")
    if not isinstance(md, dict) or not isinstance(omd, dict) or "namespace" in omd:
        return obj
    return {**obj, "metadata": {k: v for k, v in md.items() if k != "namespace"}}


def _audit_notes(audit: Sequence[RuleResult]) -> dict[tuple[str, str, str], list[str]]:
    notes: dict[tuple[str, str, str], list[str]] = {}
    for r in audit:
        notes.setdefault((r.resource.kind, r.resource.namespace, r.resource.name), []).append(
            f"[{r.policy}/{r.rule}] {messages.one_line(r.message)}"
        )
    return notes


def _annotate(obj: dict[str, Any], notes: dict[tuple[str, str, str], list[str]]) -> dict[str, Any]:
    if not notes:
        return obj
    ref = ResourceRef.of(obj)
    found = notes.get((ref.kind, ref.namespace, ref.name)) or next(
        (v for (k, _ns, n), v in notes.items() if k == ref.kind and n == ref.name and not ref.namespace), None
    )
    if not found:
        return obj
    md = dict(obj.get("metadata") or {})
    md["annotations"] = {**(md.get("annotations") or {}), AUDIT_ANNOTATION: "; ".join(found)}
    return {**obj, "metadata": md}
