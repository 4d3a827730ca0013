"""Argo CD directory apps: which files count, and how each is read.

Reproduces the repo-server's `findManifests` (reposerver/repository/repository.go):
- only `*.yaml|yml|json|jsonnet`, not recursive unless `directory.recurse`, visited in
  `filepath.Walk` order (siblings sorted by name, depth first);
- `directory.include` / `directory.exclude` are globs over the path relative to the app directory,
  matched without separators (`*` crosses `/`) and with `{a,b}` alternatives (util/glob, gobwas);
- a file containing `+argocd:skip-file-rendering` is skipped before it is parsed;
- a `.json` file must hold exactly one object;
- YAML that does not parse as Kubernetes objects is ignored, unless the file contains `apiVersion:`,
  `kind:` and `metadata:`, in which case it is an error (it is very likely a broken manifest).
Jsonnet is out of scope: such files are skipped with a warning.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from pathlib import Path
from typing import Any

from argogate.errors import ArgogateError, ResourceLoadError
from argogate.render.context import RenderContext, app_dir
from argogate.render.model import AppSpec, DirectoryOptions, Origin, RenderedObject
from argogate.yamlio import load_stream

SKIP_MARKER = "+argocd:skip-file-rendering"
_MANIFEST_FILE = re.compile(r"^.*\.(yaml|yml|json|jsonnet)$")
_BRACES = re.compile(r"\{([^{}]*)\}")


def render(app: AppSpec, ctx: RenderContext) -> list[RenderedObject]:
    base = app_dir(app, ctx.root)
    objects: list[RenderedObject] = []
    for rel in find_manifest_files(base, app.directory):
        repo_rel = _join(app.path, rel)
        text = (base / rel).read_text(encoding="utf-8", errors="replace")
        if SKIP_MARKER in text:
            continue
        if rel.endswith(".jsonnet"):
            ctx.warn(f"{repo_rel}: jsonnet is not supported by argogate; file not checked")
            continue
        for data, line in read_manifests(text, repo_rel, ctx):
            objects.append(RenderedObject(data, Origin(repo_rel, line)))
    return objects


def find_manifest_files(base: Path, opts: DirectoryOptions) -> list[str]:
    """Paths relative to `base`, POSIX style, in Argo CD's walk order."""
    out: list[str] = []

    def walk(d: Path, prefix: str) -> None:
        for entry in sorted(os.scandir(d), key=lambda e: e.name):
            rel = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if opts.recurse and entry.name != ".git":
                    walk(Path(entry.path), rel + "/")
                continue
            if not _MANIFEST_FILE.match(entry.name):
                continue
            if opts.exclude and glob_match(opts.exclude, rel):
                continue
            if opts.include and not glob_match(opts.include, rel):
                continue
            out.append(rel)

    walk(base, "")
    return out


def glob_match(pattern: str, text: str) -> bool:
    """gobwas/glob without separators: `*` and `?` cross `/`, `[..]` classes, `{a,b}` alternatives."""
    return any(fnmatch.fnmatchcase(text, p) for p in _expand_braces(pattern))


def _expand_braces(pattern: str) -> list[str]:
    m = _BRACES.search(pattern)
    if not m:
        return [pattern]
    head, tail = pattern[: m.start()], pattern[m.end() :]
    out: list[str] = []
    for alt in m.group(1).split(","):
        out.extend(_expand_braces(head + alt + tail))
    return out


def read_manifests(
    text: str, file: str, ctx: RenderContext | None = None
) -> list[tuple[dict[str, Any], int]]:
    """The objects in one file with their start lines (List kinds flattened); [] for non-manifest YAML."""
    if file.endswith(".json"):
        data = _read_json(text, file)
        if data.get("kind") == "List" and isinstance(data.get("items"), list):
            return [(item, 1) for item in data["items"] if isinstance(item, dict)]
        return [(data, 1)]
    try:
        docs = load_stream(text, file)
        bad = next((d for d in docs if not isinstance(d.data, dict) or not d.data.get("kind")), None)
        if bad is not None:
            raise ResourceLoadError("document is not a Kubernetes object (no kind)", file=file, line=bad.line)
    except ArgogateError as exc:
        if all(marker in text for marker in ("apiVersion:", "kind:", "metadata:")):
            raise ResourceLoadError(
                f"failed to unmarshal: {exc.message}",
                file=file,
                line=exc.line,
                hint="fix the YAML, or mark the file with `# +argocd:skip-file-rendering`",
            ) from exc
        if ctx is not None:
            ctx.warn(f"{file}: ignored, not a Kubernetes manifest ({exc.message})")
        return []
    return [(d.data, d.line) for d in docs]


def _read_json(text: str, file: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResourceLoadError(f"failed to unmarshal: {exc.msg}", file=file, line=exc.lineno) from exc
    if not isinstance(data, dict):
        raise ResourceLoadError(
            "a .json file in a directory app must hold exactly one object",
            file=file,
            hint="split the array into one file per object, or use YAML with `---` separators",
        )
    if not data.get("kind"):
        raise ResourceLoadError("Object 'Kind' is missing", file=file, line=1)
    return data


def _join(app_path: str, rel: str) -> str:
    return rel if app_path in ("", ".") else f"{app_path.rstrip('/')}/{rel}"
