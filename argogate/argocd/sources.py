"""Which sources a sync applies, at which revisions, and the checkouts the hook gates them in.

A multi-source Application (`spec.sources`) syncs the i-th source at the i-th revision: Argo CD
resolves them before hooks run and keeps them in `status.operationState.syncResult.revisions`,
next to `syncResult.sources` (argo-cd `controller/sync.go` `SyncAppState`; a rollback syncs the
historical `operation.sync.sources`/`revisions` instead of the spec). A single source keeps the
singular `revision`/`source` fields. Sources with a `ref:` lend their tree to the Helm value files
of the others (`$values/envs/prod.yaml`), at their own revision (argo-cd `util/argo/argo.go`
`GetRefSources`; the repo-server checks the ref out separately). The renderer only reads files
inside the tree it renders, so a ref from another checkout has the files it is asked for copied in.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any

from argogate.errors import ConfigError
from argogate.render.model import AppSpec

# where value files of a ref from another checkout are copied, inside the tree being rendered
REF_DIR = ".argogate-refs"


@dataclass(frozen=True)
class Synced:
    """The sources being synced and their revisions: `revisions[i]` is the revision of `sources[i]`."""

    sources: list[dict[str, Any]]
    revisions: list[str]
    multi: bool


def _mapping(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _operation(app: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(syncResult, operation.sync) of a running operation; both empty once it has finished."""
    op = _mapping(_mapping(app.get("status")).get("operationState"))
    if not op or op.get("phase") not in ("Running", "Terminating", None):
        return {}, {}
    return _mapping(op.get("syncResult")), _mapping(_mapping(op.get("operation")).get("sync"))


def revision_of(app: dict[str, Any]) -> str:
    """The revision being synced, from the Application's status, or '' when not written yet."""
    result, sync_op = _operation(app)
    rev = result.get("revision") or sync_op.get("revision")
    if rev:
        return str(rev)
    return str(_mapping(_mapping(app.get("status")).get("sync")).get("revision") or "")


def synced_sources(app: dict[str, Any]) -> Synced:
    spec = _mapping(app.get("spec"))
    result, sync_op = _operation(app)
    sources = next(
        (
            [_mapping(s) for s in v]
            for v in (result.get("sources"), sync_op.get("sources"), spec.get("sources"))
            if isinstance(v, list) and v
        ),
        None,
    )
    if sources is None:
        # syncResult.source is always serialised (a struct, so omitempty does not drop it): only a
        # source with a repoURL counts
        single = next(
            (
                s
                for s in (result.get("source"), sync_op.get("source"), spec.get("source"))
                if _mapping(s).get("repoURL")
            ),
            spec.get("source"),
        )
        return Synced([_mapping(single)] if single else [], [revision_of(app)], multi=False)
    n = len(sources)
    requested = sync_op.get("revisions")
    if isinstance(requested, list) and len(requested) == n:
        # an empty entry means the source's own targetRevision (argo-cd controller/state.go)
        requested = [r or s.get("targetRevision") or "" for r, s in zip(requested, sources, strict=True)]
    compared = _mapping(_mapping(app.get("status")).get("sync")).get("revisions")
    for candidate in (result.get("revisions"), requested, compared):
        if isinstance(candidate, list) and len(candidate) == n and all(candidate):
            return Synced(sources, [str(r) for r in candidate], multi=True)
    return Synced(sources, [""] * n, multi=True)


def is_gated(source: dict[str, Any]) -> bool:
    """A Git source with a path: what the hook renders. Helm-repository charts and pure refs are not."""
    return not source.get("chart") and source.get("path") is not None


def checkout_key(repo_url: str, revision: str) -> tuple[str, str]:
    from argogate.apps import normalize_repo_url

    return normalize_repo_url(repo_url), revision


class Checkouts:
    """One clone per (repository, revision), shared by the sources that need it; removed on exit."""

    def __init__(self, creds: dict[str, str]) -> None:
        self._creds = creds
        self._stack = ExitStack()
        self._open: dict[tuple[str, str], Any] = {}

    def __enter__(self) -> Checkouts:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()

    def get(self, repo_url: str, revision: str) -> Any:
        """The `argogate.git.Source` of `repo_url` at `revision`, cloned on first use."""
        from argogate.git import open_source

        key = checkout_key(repo_url, revision)
        if key not in self._open:
            self._open[key] = self._stack.enter_context(
                open_source(
                    repo_url,
                    revision,
                    token=self._creds.get("password"),
                    username=self._creds.get("username"),
                    ssh_key=self._creds.get("sshPrivateKey"),
                )
            )
        return self._open[key]


def ref_names(spec: AppSpec) -> list[str]:
    """The `ref:` names the app's Helm value files read from (`$values/...`), in order."""
    names: list[str] = []
    for vf in spec.helm.value_files:
        if vf.startswith("$"):
            name = vf[1:].partition("/")[0]
            if name not in names:
                names.append(name)
    return names


def place_ref_files(spec: AppSpec, root: Path, trees: dict[str, Path]) -> AppSpec:
    """Copy the value files read through each ref in `trees` (ref -> its own checkout) under `root`.

    Refs not in `trees` live in `root` itself and keep their mapping. A value file missing from the
    ref's tree is not copied, so the renderer reports it (or skips it: `ignoreMissingValueFiles`).
    """
    roots = dict(spec.ref_roots)
    for vf in spec.helm.value_files:
        if not vf.startswith("$"):
            continue
        name, _, rest = vf[1:].partition("/")
        tree = trees.get(name)
        if tree is None:
            continue
        roots[name] = f"{REF_DIR}/{name}"
        rel = os.path.normpath(rest or ".")
        source = (tree / rel).resolve()
        top = tree.resolve()
        if rel.startswith("..") or os.path.isabs(rel) or (source != top and top not in source.parents):
            # Argo CD refuses value files outside the referenced repository (util/security path checks)
            raise ConfigError(f"value file {vf!r} is outside the repository of ref {name!r}")
        if source.is_file():
            dest = root / REF_DIR / name / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
    return replace(spec, ref_roots=roots)


@dataclass(frozen=True)
class Target:
    """One source the hook gates: `index` in the synced sources; `source` None for explicit inputs."""

    index: int
    source: dict[str, Any] | None
    repo_url: str
    revision: str


def plan_targets(
    synced: Synced | None, *, repo_url: str, revision: str, path: str | None, where: str
) -> tuple[list[Target], list[str]]:
    """The sources to gate, each at its revision (`revision` overrides them), and notes on the others.

    `synced` is None without an Application: then the explicit inputs are the one target. `repo_url`
    keeps the sources of that repository; `path` overrides the path of a single gated source, or
    picks the sources with that path among several.
    """
    if synced is None:
        return [Target(0, None, repo_url, revision)], []
    from argogate.apps import normalize_repo_url

    notes: list[str] = []
    candidates: list[int] = []
    for i, s in enumerate(synced.sources):
        if is_gated(s):
            candidates.append(i)
        elif s.get("chart"):
            repo = s.get("repoURL")
            notes.append(f"not gated: source {i}: chart {s['chart']!r} comes from the Helm repository {repo}")
    if repo_url:
        want = normalize_repo_url(repo_url)
        candidates = [
            i for i in candidates if normalize_repo_url(str(synced.sources[i].get("repoURL", ""))) == want
        ]
    if path is not None and len(candidates) > 1:
        candidates = [i for i in candidates if _norm(synced.sources[i].get("path")) == _norm(path)]
    if not candidates:
        raise ConfigError(f"{where} has no Git source with a path to gate")
    targets = []
    for i in candidates:
        url = repo_url or str(synced.sources[i].get("repoURL") or "")
        rev = revision or synced.revisions[i]
        if not url or not rev:
            raise ConfigError(
                f"no {'repository URL' if not url else 'revision'} to gate"
                + (f": {where} has no sync revision yet" if url else ""),
                hint="pass --repo-url and --revision, or let the hook read them from the Application",
            )
        targets.append(Target(i, synced.sources[i], url, rev))
    return targets, notes


def _norm(path: Any) -> str:
    return str(path or ".").strip("/").removeprefix("./") or "."


def ref_source(synced: Synced, name: str) -> tuple[int, str, str]:
    """(index, repoURL, revision) of the source declaring `ref: name`; its synced revision, else its
    targetRevision (what argo-cd `GetRefSources` reads outside a rollback)."""
    for i, (s, rev) in enumerate(zip(synced.sources, synced.revisions, strict=True)):
        if s.get("ref") == name:
            if s.get("chart"):
                raise ConfigError(f"ref {name!r} is a Helm chart source: its value files cannot be gated")
            revision = rev or str(s.get("targetRevision") or "")
            if not revision:
                raise ConfigError(f"ref {name!r} has no revision to read value files from")
            return i, str(s.get("repoURL") or ""), revision
    raise ConfigError(
        f"no source declares ref {name!r}", hint="add a source with `ref: <name>` to spec.sources"
    )


def has_revisions(app: dict[str, Any]) -> bool:
    """Every gated source has its revision (the hook polls until then)."""
    synced = synced_sources(app)
    return all(rev for s, rev in zip(synced.sources, synced.revisions, strict=False) if is_gated(s))


def source_spec(
    source: dict[str, Any] | None,
    synced: Synced | None,
    *,
    application: dict[str, Any] | None,
    where: str,
    name: str,
    path: str | None,
    destination: str,
    root: Path,
) -> AppSpec:
    """What to render for one source, read as `argogate check` reads an Application (`apps.py`)."""
    path = (path if path is not None else str((source or {}).get("path") or ".")).strip("/") or "."
    if source is None:
        return AppSpec(name=name, path=path, destination_namespace=destination or None, defined_by="hook")
    if source.get("plugin"):
        import json

        from argogate.argocd.env import AppContext, parse_parameters
        from argogate.argocd.plugin import app_spec

        params = parse_parameters(json.dumps((source.get("plugin") or {}).get("parameters")))
        return replace(
            app_spec(AppContext(app_name=name, app_namespace=destination, parameters=params), path),
            defined_by="hook",
        )
    from argogate.apps import specs_from_application
    from argogate.model.result import Origin

    # the refs come without their paths: they lend value files, only `source` is rendered
    refs = [
        {"repoURL": s.get("repoURL", ""), "ref": s["ref"]}
        for s in (synced.sources if synced else [])
        if s.get("ref")
    ]
    one = {**source, "path": path}
    sources: dict[str, Any] = (
        {"source": None, "sources": [one, *refs]} if refs else {"source": one, "sources": None}
    )
    doc = {**(application or {}), "spec": {**_mapping((application or {}).get("spec")), **sources}}
    specs, skipped = specs_from_application(doc, Origin(where), is_ours=lambda _u: True, root=root)
    if not specs:
        raise ConfigError(skipped[0].reason if skipped else f"{where}: nothing to render")
    return replace(specs[0], name=name, destination_namespace=destination or specs[0].destination_namespace)
