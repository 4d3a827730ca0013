"""Which apps `argogate check` renders: Application manifests, `.argogate.yaml` apps, `--app` dirs.

Argo CD Applications (single- and multi-source; app-of-apps children are just more Application
files) are found by scanning the repository's YAML/JSON. A source is ours when its `repoURL` names
this repository: URLs are compared normalised (scheme, userinfo, case and `.git` ignored, scp-style
`git@host:org/repo` understood, as Argo CD's `git.NormalizeGitURL` / `SameURL` do). With no remote
and no `repoURL` in `.argogate.yaml`, every Application is taken to point here, and a note says so.
Sources we cannot render from this checkout are listed as skipped, each with its reason.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argogate.config import RepoConfig, checker, directory_options, helm_options, kustomize_options
from argogate.errors import ArgogateError, UsageError
from argogate.render.model import AppSpec, Origin, SkippedApp
from argogate.yamlio import load_stream

SKIP_MARKER = "+argocd:skip-file-rendering"
_SKIP_DIRS = {".git", "node_modules", ".tools", ".venv", "__pycache__"}
_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?!//)(?P<path>.+)$")


@dataclass
class Discovery:
    apps: list[AppSpec] = field(default_factory=list)
    skipped: list[SkippedApp] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def normalize_repo_url(url: str) -> str:
    """`https://user@GitHub.com/Org/Repo.git/` and `git@github.com:org/repo` -> `github.com/org/repo`."""
    u = url.strip().lower()
    m = re.match(r"^[a-z][a-z0-9+.-]*://(?:[^/@]*@)?(?P<rest>.*)$", u)
    if m:
        u = m.group("rest")
    else:
        scp = _SCP.match(u)
        if scp:
            u = f"{scp.group('host')}/{scp.group('path')}"
    host, _, path = u.partition("/")
    host = host.split(":")[0]
    path = path.rstrip("/")
    path = path.removesuffix(".git")
    return f"{host}/{path}".rstrip("/")


def discover_apps(
    root: str | Path,
    config: RepoConfig | None = None,
    *,
    explicit_apps: Sequence[str] = (),
    remote_urls: Sequence[str] = (),
) -> Discovery:
    root = Path(root).resolve()
    config = config or RepoConfig()
    out = Discovery()
    ours = {normalize_repo_url(u) for u in (*config.repo_urls, *remote_urls)}
    if not ours:
        out.notes.append(
            "this repository has no remote and .argogate.yaml sets no repoURL: every Application's "
            "repoURL is taken to mean this repository"
        )

    def is_ours(url: str) -> bool:
        return not ours or normalize_repo_url(url) in ours

    found = Discovery()
    if config.discover or explicit_apps:
        for rel, doc, line in scan_applications(root):
            apps, skipped = specs_from_application(doc, Origin(rel, line), is_ours=is_ours, root=root)
            found.apps += apps
            found.skipped += skipped

    if explicit_apps:
        for raw in explicit_apps:
            rel = _relative(root, raw)
            matching = [a for a in found.apps if a.path == rel]
            out.apps += matching or [AppSpec(name=Path(rel).name or root.name, path=rel, defined_by="cli")]
        return out

    out.apps += found.apps
    out.skipped += found.skipped
    seen = {(a.name, a.path) for a in out.apps}
    for app in config.apps:
        if (app.name, app.path) not in seen:
            out.apps.append(app)
            seen.add((app.name, app.path))
    return out


def _relative(root: Path, raw: str) -> str:
    p = Path(raw)
    target = (p if p.is_absolute() else root / p).resolve()
    if target != root and root not in target.parents:
        raise UsageError(f"--app {raw}: not inside the repository {root}")
    if not target.is_dir():
        raise UsageError(
            f"--app {raw}: no such directory", hint="pass an app directory relative to the repo root"
        )
    return target.relative_to(root).as_posix() if target != root else "."


def scan_applications(root: Path) -> Iterable[tuple[str, dict[str, Any], int]]:
    """(repo-relative file, Application document, line) for every Application manifest in the tree."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if not name.endswith((".yaml", ".yml", ".json")):
                continue
            f = Path(dirpath) / name
            try:
                text = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "Application" not in text or SKIP_MARKER in text:
                continue
            rel = f.relative_to(root).as_posix()
            try:
                docs = load_stream(text, rel)
            except ArgogateError:
                continue  # templated YAML (a chart's templates/) or not YAML at all
            for d in docs:
                data = d.data
                if (
                    isinstance(data, dict)
                    and data.get("kind") == "Application"
                    and str(data.get("apiVersion", "")).startswith("argoproj.io/")
                ):
                    yield rel, data, d.line


def specs_from_application(
    doc: dict[str, Any], origin: Origin, *, is_ours: Any, root: Path | None = None
) -> tuple[list[AppSpec], list[SkippedApp]]:
    """The renderable sources of one Application, and the ones skipped with a reason."""
    meta = _mapping(doc.get("metadata"))
    spec = _mapping(doc.get("spec"))
    name = str(meta.get("name") or "unnamed")
    dest = _mapping(spec.get("destination"))
    dest_ns = str(dest["namespace"]) if dest.get("namespace") else None
    multi = isinstance(spec.get("sources"), list) and bool(spec.get("sources"))
    sources = [s for s in (spec["sources"] if multi else [spec.get("source")]) if isinstance(s, dict)]
    if not sources:
        return [], [SkippedApp(name, "the Application has no source", origin)]

    ref_roots = {str(s["ref"]): "." for s in sources if s.get("ref") and is_ours(str(s.get("repoURL", "")))}
    renderable = [s for s in sources if s.get("path") is not None or not s.get("ref")]
    apps: list[AppSpec] = []
    skipped: list[SkippedApp] = []
    c = checker(origin.file, origin.line)
    for i, src in enumerate(sources):
        if src not in renderable:
            continue
        label = f"{name}[{i}]" if multi and len(renderable) > 1 else name
        repo_url = str(src.get("repoURL", ""))
        reason = _skip_reason(src, repo_url, is_ours)
        if reason:
            skipped.append(SkippedApp(label, reason, origin))
            continue
        path = str(src.get("path") or ".").strip("/").removeprefix("./") or "."
        if root is not None and not (root / path).is_dir():
            skipped.append(SkippedApp(label, f"path {path!r} does not exist in this repository", origin))
            continue
        helm = helm_options(c, src.get("helm"), ("helm",))
        missing_ref = next(
            (v for v in helm.value_files if v.startswith("$") and v[1:].split("/")[0] not in ref_roots), None
        )
        if missing_ref:
            skipped.append(
                SkippedApp(label, f"value file {missing_ref} comes from another repository", origin)
            )
            continue
        apps.append(
            AppSpec(
                name=label,
                path=path,
                source_type=_explicit_type(src),
                destination_namespace=dest_ns,
                helm=helm,
                kustomize=kustomize_options(c, src.get("kustomize"), ("kustomize",)),
                directory=directory_options(c, src.get("directory"), ("directory",)),
                ref_roots=ref_roots,
                defined_in=origin,
                defined_by="application",
            )
        )
    return apps, skipped


def _mapping(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _skip_reason(src: dict[str, Any], repo_url: str, is_ours: Any) -> str | None:
    if src.get("chart"):
        return f"chart {src['chart']!r} comes from the Helm repository {repo_url}"
    if not is_ours(repo_url):
        return f"source repoURL {repo_url} is not this repository"
    if src.get("plugin"):
        return "config management plugin sources are not rendered by argogate"
    directory = src.get("directory")
    if isinstance(directory, dict) and directory.get("jsonnet"):
        return "jsonnet directory sources are out of scope"
    return None


def _explicit_type(src: dict[str, Any]) -> str | None:
    """Argo CD's ApplicationSource.ExplicitType: the one non-empty helm/kustomize/directory block."""
    for kind in ("helm", "kustomize", "directory"):
        if src.get(kind):
            return kind
    return None
