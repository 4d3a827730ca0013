"""`kustomize build` (kubectl kustomize or a standalone kustomize) with Argo CD's overrides.

Argo CD applies an Application's `kustomize:` block by running `kustomize edit` in its checkout
(util/kustomize/kustomize.go `Build`). kubectl has no `kustomize edit`, so `overrides.py` makes the
same edits to a copy of kustomization.yaml. We also add `buildMetadata: [originAnnotations]`
there so kustomize stamps each object with `config.kubernetes.io/origin`; that annotation becomes
the object's Origin and is removed again, so the policies see what Argo CD would apply.

Each build edits a private copy of the app's directory (`RenderContext.private_copy`, mirror.py):
Argo CD gives an app with overrides a clean checkout to itself, so no app sees another app's
edits, even when its base is that app's directory or both apps share one directory.

Remote bases (git URLs, http resources, helmCharts pulled from a repository) are refused before
kustomize runs unless `allow_remote` is set: a gate that fetches whatever a commit points at is
neither reproducible nor offline-safe.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

import yaml

from argogate.errors import ProcessError, RenderError
from argogate.render.context import KUSTOMIZATION_FILES, RenderContext, app_dir
from argogate.render.model import AppSpec, Origin, RenderedObject
from argogate.render.overrides import apply_overrides
from argogate.render.yamlstream import parse_objects, split_documents
from argogate.yamlio import K8sDumper, K8sLoader, load_stream

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
_REMOTE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|git@|git::|(?:github\.com|gitlab\.com|bitbucket\.org)/)", re.I
)


def render(app: AppSpec, ctx: RenderContext) -> list[RenderedObject]:
    app_dir(app, ctx.root)
    if not ctx.options.allow_remote:
        remote = find_remote_reference(ctx.root / app.path)
        if remote is not None:
            where, ref = remote
            raise RenderError(
                f"kustomization refers to the remote {ref!r}; remote bases are off",
                file=_rel(ctx.root, where),
                hint="vendor it into the repository, or allow network rendering (render.allowRemote: true)",
            )
    with ctx.private_copy(app_dir(app, ctx.scratch_root())) as (kdir, tree):
        kfile = kustomization_file(kdir)
        doc = _load_kustomization(kfile, _join(app.path, kfile.name))
        user_origins = "originAnnotations" in (doc.get("buildMetadata") or [])
        apply_overrides(doc, app.kustomize, kdir)
        if not user_origins:
            doc["buildMetadata"] = [*(doc.get("buildMetadata") or []), "originAnnotations"]
        kfile.unlink()  # a copied symlink must not lead the write back into the shared tree
        kfile.write_text(yaml.dump(doc, Dumper=K8sDumper, sort_keys=False), encoding="utf-8")
        try:
            out = ctx.run(build_command(ctx), cwd=kdir, env=_env(ctx))
        except ProcessError as exc:
            stderr = exc.stderr.replace(f"{tree}/", "")
            raise ProcessError(exc.cmd, exc.returncode, exc.stdout, stderr, hint=exc.hint or None) from None
    return parse_output(out, app, ctx.root, keep_origin_annotation=user_origins)


def build_command(ctx: RenderContext) -> list[str]:
    cmd = [*ctx.tools.kustomize_build(), "."]
    if ctx.options.kustomize_enable_helm:
        cmd += ["--enable-helm", "--helm-command", ctx.tools.helm]
        if ctx.options.kube_version:
            cmd += ["--helm-kube-version", ctx.options.kube_version]
        for v in ctx.options.api_versions:
            cmd += ["--helm-api-versions", v]
    return cmd + list(ctx.options.kustomize_build_options)


def _env(ctx: RenderContext) -> dict[str, str]:
    # belt and braces behind find_remote_reference: git may only read local repositories
    return {} if ctx.options.allow_remote else {"GIT_ALLOW_PROTOCOL": "file"}


def kustomization_file(d: Path) -> Path:
    for name in KUSTOMIZATION_FILES:
        if (d / name).is_file():
            return d / name
    raise RenderError(f"no kustomization.yaml in {d}")


def _load_kustomization(f: Path, where: str) -> dict[str, Any]:
    """`f` parsed; errors name `where`, the same file in the repository."""
    try:
        doc = yaml.load(f.read_text(encoding="utf-8"), Loader=K8sLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RenderError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            file=where,
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise RenderError("a kustomization must be a mapping", file=where)
    return doc


def find_remote_reference(d: Path, _seen: set[Path] | None = None) -> tuple[Path, str] | None:
    """The first remote resource/base/component/helmChart reachable from the kustomization in `d`."""
    seen = _seen if _seen is not None else set()
    d = d.resolve()
    if d in seen:
        return None
    seen.add(d)
    try:
        kfile = kustomization_file(d)
        doc = yaml.load(kfile.read_text(encoding="utf-8"), Loader=K8sLoader) or {}
    except (RenderError, yaml.YAMLError, OSError):
        return None
    if not isinstance(doc, dict):
        return None
    for key in ("resources", "bases", "components"):
        for entry in doc.get(key) or []:
            if not isinstance(entry, str):
                continue
            if _REMOTE.match(entry):
                return kfile, entry
            sub = d / entry
            if sub.is_dir():
                found = find_remote_reference(sub, seen)
                if found is not None:
                    return found
    chart_home = d / str((doc.get("helmGlobals") or {}).get("chartHome") or "charts")
    for chart in doc.get("helmCharts") or []:
        if (
            isinstance(chart, dict)
            and chart.get("repo")
            and not (chart_home / str(chart.get("name"))).is_dir()
        ):
            return kfile, f"{chart['repo']} (helm chart {chart.get('name')})"
    return None


def parse_output(
    out: str, app: AppSpec, root: Path, *, keep_origin_annotation: bool = False
) -> list[RenderedObject]:
    locator = _LineLocator(root)
    objects: list[RenderedObject] = []
    for chunk in split_documents(out):
        for data in parse_objects(chunk, where=app.path):
            origin = origin_of(data, app, keep=keep_origin_annotation)
            objects.append(RenderedObject(data, locator.locate(origin, data)))
    return objects


def origin_of(data: dict[str, Any], app: AppSpec, *, keep: bool = False) -> Origin:
    """Read (and unless `keep`, remove) kustomize's origin annotation."""
    meta = data.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(annotations, dict) or ORIGIN_ANNOTATION not in annotations:
        return Origin(_join(app.path, "kustomization.yaml"), None, "kustomize build")
    raw = annotations[ORIGIN_ANNOTATION] if keep else annotations.pop(ORIGIN_ANNOTATION)
    if not annotations and not keep and isinstance(meta, dict):
        del meta["annotations"]
    info = yaml.load(str(raw), Loader=K8sLoader) or {}
    if not isinstance(info, dict):
        return Origin(app.path, None, "kustomize build")
    if info.get("repo"):
        ref = f"@{info['ref']}" if info.get("ref") else ""
        return Origin(f"{info['repo']}//{info.get('path', '')}{ref}", None, "kustomize remote base")
    if info.get("configuredIn"):
        by = info.get("configuredBy") or {}
        what = by.get("kind", "generator") if isinstance(by, dict) else "generator"
        return Origin(_join(app.path, str(info["configuredIn"])), None, f"generated by {what}")
    return Origin(_join(app.path, str(info.get("path", ""))), None, "kustomize build")


def _join(app_path: str, rel: str) -> str:
    return posixpath.normpath(posixpath.join(app_path or ".", rel))


def _rel(root: Path, f: Path) -> str:
    try:
        return f.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(f)


class _LineLocator:
    """Finds the line of an object's source document: same kind, name equal to or inside the output name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, list[tuple[dict[str, Any], int]]] = {}

    def locate(self, origin: Origin, data: dict[str, Any]) -> Origin:
        if origin.line is not None or "//" in origin.file:
            return origin
        docs = self._docs(origin.file)
        kind = data.get("kind")
        name = str((data.get("metadata") or {}).get("name", ""))
        candidates = [(d, ln) for d, ln in docs if d.get("kind") == kind]
        exact = [ln for d, ln in candidates if (d.get("metadata") or {}).get("name") == name]
        fuzzy = [ln for d, ln in candidates if str((d.get("metadata") or {}).get("name", "")) in name]
        lines = exact or fuzzy or ([docs[0][1]] if len(docs) == 1 else [])
        line = lines[0] if lines else None
        return Origin(origin.file, line, origin.detail)

    def _docs(self, rel: str) -> list[tuple[dict[str, Any], int]]:
        if rel not in self.cache:
            f = self.root / rel
            docs: list[tuple[dict[str, Any], int]] = []
            if f.is_file() and f.name not in KUSTOMIZATION_FILES:
                try:
                    docs = [(d.data, d.line) for d in load_stream(f.read_text(encoding="utf-8"), rel)]
                    docs = [(d, ln) for d, ln in docs if isinstance(d, dict)]
                except Exception:
                    docs = []
            self.cache[rel] = docs
        return self.cache[rel]
