"""The `argogate check` cache: an unchanged app is neither rendered nor evaluated again.

A monorepo check runs on every pull request, and a pull request touches few apps. Two
layers, both content-addressed so a stale entry can never be served:

- render: keyed by the app's inputs - the bytes of every file under its directory plus
  the local files and directories its kustomization or Helm value files reach outside it,
  its AppSpec, the render options, the tool binaries and argogate's own code. An app whose
  inputs name something we cannot see statically (a remote base, a glob) is always rendered.
- evaluation: keyed by (rendered objects digest, policy set digest, argogate version), so a
  policy edit re-evaluates every app without rendering any of them again.

Entries are JSON files (never pickle: a cache directory restored from CI storage must not
be able to run code) written atomically; an unreadable entry is a miss. The cache lives
under $XDG_CACHE_HOME/argogate unless `--cache-dir` says otherwise.

Content addressing means nothing is ever invalidated, so the directory only grows (on a CI
runner, in a long-lived container). After each run `prune` deletes the least recently used
entries until the directory is under a cap (ARGOGATE_CACHE_MAX_MB, 256 by default): a hit
bumps the entry's mtime, so mtime order is use order. Runs may share the directory: writes
are write-temp-then-rename, a reader whose entry vanishes sees a miss, and the pruner skips
files that vanish under it and never touches another run's temporary files unless they are
old enough to have been abandoned.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any

import argogate
from argogate.model.result import Origin, Report, ResourceRef, RuleResult, RuleStatus
from argogate.model.run import AppResult
from argogate.render.model import AppSpec, RenderedApp, RenderedObject

SCHEMA = 1
_KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_KUSTOMIZE_LISTS = (
    "resources",
    "bases",
    "components",
    "crds",
    "patchesStrategicMerge",
    "transformers",
    "generators",
    "validators",
)


MAX_MB_ENV = "ARGOGATE_CACHE_MAX_MB"
DEFAULT_MAX_MB = 256.0
_STALE_TMP_SECONDS = 3600.0  # a temporary file this old belongs to a run that died mid-write
_ENTRY = re.compile(r"^[0-9a-f]{64}\.json$")
_SCHEMA_DIR = re.compile(r"^v\d+$")


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "argogate"


def _h(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        try:
            text = json.dumps(p, sort_keys=True, default=repr)
        except (TypeError, ValueError):  # keys of mixed types cannot be sorted: insertion order is stable too
            text = repr(p)
        h.update(text.encode())
        h.update(b"\0")
    return h.hexdigest()


def code_version() -> str:
    """argogate's version plus a fingerprint of its sources: an editable install changes without a release."""
    pkg = Path(argogate.__file__).parent
    stats = sorted(
        (str(p.relative_to(pkg)), st.st_size, st.st_mtime_ns) for p in pkg.rglob("*.py") if (st := p.stat())
    )
    return _h(argogate.__version__, stats)[:16]


# --- what an app reads ---------------------------------------------------------------------


class _Uncacheable(Exception):
    pass


def _tree(path: Path, out: dict[str, str], root: Path) -> None:
    if path.is_file():
        out[_rel(path, root)] = hashlib.sha256(path.read_bytes()).hexdigest()
        return
    if not path.is_dir():
        out[_rel(path, root)] = "missing"
        return
    for dirpath, dirnames, filenames in os.walk(path, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            f = Path(dirpath) / name
            out[_rel(f, root)] = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else "special"


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def _local(base: Path, ref: str, root: Path) -> Path:
    if (
        "://" in ref
        or ref.startswith(("git@", "github.com/", "gitlab.com/", "bitbucket.org/"))
        or any(c in ref for c in "*?[")
    ):
        raise _Uncacheable(ref)
    target = (base / ref).resolve()
    if target != root.resolve() and root.resolve() not in target.parents:
        raise _Uncacheable(ref)  # outside the repository: not ours to fingerprint
    return target


def _kustomize_refs(directory: Path, root: Path, seen: set[Path], files: dict[str, str]) -> None:
    """Every local path a kustomization reaches, recursively (bases, components, patches, generators)."""
    import yaml

    if directory in seen:
        return
    seen.add(directory)
    _tree(directory, files, root)
    kfile = next((directory / n for n in _KUSTOMIZATIONS if (directory / n).is_file()), None)
    if kfile is None:
        return
    try:
        doc = yaml.safe_load(kfile.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise _Uncacheable(str(kfile)) from exc
    if not isinstance(doc, dict):
        return
    refs: list[str] = []
    for key in _KUSTOMIZE_LISTS:
        refs += [str(v) for v in doc.get(key) or [] if isinstance(v, str)]
    for key in ("patches", "patchesJson6902", "replacements"):
        refs += [str(p["path"]) for p in doc.get(key) or [] if isinstance(p, dict) and p.get("path")]
    for key in ("configMapGenerator", "secretGenerator"):
        for g in doc.get(key) or []:
            if isinstance(g, dict):
                for f in [
                    *(g.get("files") or []),
                    *(g.get("envs") or []),
                    *([g["env"]] if g.get("env") else []),
                ]:
                    refs.append(str(f).split("=", 1)[-1])
    if doc.get("helmCharts") or doc.get("helmChartInflationGenerator"):
        raise _Uncacheable("helmCharts")  # may pull charts from a repository at render time
    for ref in refs:
        target = _local(directory, ref, root)
        if target.is_dir():
            _kustomize_refs(target, root, seen, files)
        else:
            _tree(target, files, root)


def input_digest(app: AppSpec, root: Path, salt: Any) -> str | None:
    """A digest of everything rendering `app` reads, or None when that cannot be known statically."""
    base = (root / app.path).resolve()
    files: dict[str, str] = {}
    try:
        _local(root, app.path, root)
        _kustomize_refs(base, root, set(), files)
        for comp in app.kustomize.components:
            target = _local(base, comp, root)
            _kustomize_refs(target, root, set(), files) if target.is_dir() else _tree(target, files, root)
        for vf in [*app.helm.value_files, *(p.path for p in app.helm.file_parameters)]:
            if vf.startswith("$"):
                name, _, rest = vf[1:].partition("/")
                if name not in app.ref_roots:
                    return None
                _tree(_local(root / app.ref_roots[name], rest, root), files, root)
            else:
                _tree(_local(base, vf, root), files, root)
        chart = base / "Chart.yaml"
        if chart.is_file():
            _helm_file_deps(chart, base, root, files)
    except (_Uncacheable, OSError):
        return None
    return _h(SCHEMA, salt, _spec(app), files)


def _helm_file_deps(chart: Path, base: Path, root: Path, files: dict[str, str]) -> None:
    import yaml

    try:
        doc = yaml.safe_load(chart.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise _Uncacheable(str(chart)) from exc
    for dep in (doc.get("dependencies") or []) if isinstance(doc, dict) else []:
        repo = str((dep or {}).get("repository") or "")
        if repo.startswith("file://"):
            _tree(_local(base, repo[len("file://") :], root), files, root)


def _spec(app: AppSpec) -> Any:
    d = asdict(app) if is_dataclass(app) else repr(app)
    if isinstance(d, dict):
        d.pop("defined_in", None)
    return d


def tools_salt(rctx: Any) -> Any:
    """Render options and the identity of the tool binaries (path, size, mtime)."""
    tools: list[tuple[Any, ...] | None] = []
    for path in (rctx.tools.helm, rctx.tools.kubectl, rctx.tools.kustomize):
        try:
            st = os.stat(path) if path else None
            tools.append((path, st.st_size, st.st_mtime_ns) if st else None)
        except OSError:
            tools.append((path, None, None))
    return [repr(rctx.options), tools]


def policy_digest(loaded: Any) -> str:
    cel = getattr(loaded, "cel", None)
    cel_raw: list[Any] = []
    if cel:
        cel_raw = [p.raw for p in cel.policies]
        cel_raw += [[b.name, b.policy_name, b.param_ref, b.match_resources, sorted(b.actions)] for b in cel.bindings]
        cel_raw += [[e.key, e.policy_refs, [c.expression for c in e.match_conditions]] for e in cel.exceptions]
        cel_raw += list(cel.objects)
    return _h([p.raw for p in loaded.policies], [repr(e) for e in loaded.exceptions], cel_raw)


def objects_digest(rendered: RenderedApp, root: Path) -> str:
    return _h(
        rendered.name,
        rendered.path,
        rendered.kind,
        rendered.destination_namespace,
        [_obj(o, root) for o in rendered.objects],
    )


# --- (de)serialisation ---------------------------------------------------------------------


def _origin(o: Origin | None, root: Path) -> Any:
    if o is None:
        return None
    file = o.file
    r = str(root.resolve()) + os.sep
    if file.startswith(r):
        file = "//root/" + file[len(r) :]
    return [file, o.line, o.detail]


def _unorigin(v: Any, root: Path) -> Origin | None:
    if v is None:
        return None
    file, line, detail = v
    if file.startswith("//root/"):
        file = str(root.resolve() / file[len("//root/") :])
    return Origin(file, line, detail)


def _obj(o: RenderedObject, root: Path) -> Any:
    return {"data": o.data, "origin": _origin(o.origin, root)}


def _result(r: RuleResult, root: Path) -> list[Any]:
    return [
        r.policy, r.rule, r.status.value, r.message, asdict(r.resource), r.rule_type, r.enforce,
        r.policy_kind, r.category, r.severity, _origin(r.origin, root), _origin(r.policy_origin, root),
    ]  # fmt: skip


def _unresult(v: list[Any], root: Path) -> RuleResult:
    return RuleResult(
        v[0], v[1], RuleStatus(v[2]), v[3], ResourceRef(**v[4]), v[5], v[6], v[7], v[8], v[9],
        _unorigin(v[10], root), _unorigin(v[11], root),
    )  # fmt: skip


class CheckCache:
    """One check's view of the cache directory: rendered apps and evaluated apps by key."""

    def __init__(self, directory: Path, root: Path, policies: Any) -> None:
        self.dir = directory
        self.root = root
        self.version = code_version()
        self.policies = policy_digest(policies)
        self.hits = {"render": 0, "evaluate": 0}

    def _path(self, layer: str, key: str) -> Path:
        return self.dir / f"v{SCHEMA}" / layer / key[:2] / f"{key}.json"

    def _get(self, layer: str, key: str) -> Any:
        path = self._path(layer, key)
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            os.utime(path)  # used now: the last entry `prune` would delete
        except OSError:
            pass
        return value

    def _put(self, layer: str, key: str, value: Any) -> None:
        path = self._path(layer, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(value, separators=(",", ":"))
            if json.loads(text) != value:
                return  # e.g. integer map keys: JSON would hand back something else
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written is a slower run, never a failed one

    def render_all(
        self, apps: Sequence[AppSpec], rctx: Any, render: Callable[[Sequence[AppSpec], Any], list[Any]]
    ) -> list[Any]:
        """`render(apps, rctx)` for the apps whose inputs changed; cached RenderedApps for the rest, in order."""
        salt = [self.version, tools_salt(rctx)]
        keys = [input_digest(app, self.root, salt) for app in apps]
        out: list[Any] = [None] * len(apps)
        for i, key in enumerate(keys):
            if key is not None and (hit := self._get("render", key)) is not None:
                out[i] = RenderedApp(
                    hit["name"], hit["path"], hit["kind"], hit["destination_namespace"],
                    [RenderedObject(o["data"], _unorigin(o["origin"], self.root) or Origin("")) for o in hit["objects"]],
                    list(hit["warnings"]),
                )  # fmt: skip
                self.hits["render"] += 1
        todo = [i for i, o in enumerate(out) if o is None]
        for i, rendered in zip(todo, render([apps[i] for i in todo], rctx), strict=True):
            out[i] = rendered
            key = keys[i]
            if key is not None and isinstance(rendered, RenderedApp):
                self._put("render", key, {
                    "name": rendered.name, "path": rendered.path, "kind": rendered.kind,
                    "destination_namespace": rendered.destination_namespace,
                    "objects": [_obj(o, self.root) for o in rendered.objects], "warnings": rendered.warnings,
                })  # fmt: skip
        return out

    def evaluate(
        self, rendered: RenderedApp, policies: Any, evaluate: Callable[[RenderedApp, Any], AppResult]
    ) -> AppResult:
        key = _h(SCHEMA, self.version, self.policies, objects_digest(rendered, self.root))
        hit = self._get("evaluate", key)
        if hit is not None:
            self.hits["evaluate"] += 1
            return AppResult(
                name=rendered.name, path=rendered.path, kind=rendered.kind,
                report=Report([_unresult(r, self.root) for r in hit["results"]]),
                objects=hit["objects"], generated=hit["generated"], warnings=list(rendered.warnings),
            )  # fmt: skip
        result = evaluate(rendered, policies)
        if result.error is None:
            self._put("evaluate", key, {
                "results": [_result(r, self.root) for r in result.report.results],
                "objects": result.objects, "generated": result.generated,
            })  # fmt: skip
        return result


def open_cache(directory: str | Path | None, root: Path, policies: Any) -> CheckCache | None:
    """The cache for one check; None when there is none (no directory, or ARGOGATE_NO_CACHE=1)."""
    if not directory or not enabled(directory):
        return None
    return CheckCache(Path(directory), root, policies)


def enabled(directory: str | Path | None) -> bool:
    """Whether `directory` is a cache to use: given, and not switched off by ARGOGATE_NO_CACHE."""
    return bool(directory) and not os.environ.get("ARGOGATE_NO_CACHE")


# --- size bound ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pruned:
    kept_bytes: int
    removed: int
    freed_bytes: int


def _files(directory: Path) -> Iterable[os.DirEntry[str]]:
    """Entries and temporary files of every schema version, nothing else: `--cache-dir` may be shared."""
    try:
        tops = [e for e in os.scandir(directory) if _SCHEMA_DIR.match(e.name) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    stack = [e.path for e in tops]
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif _ENTRY.match(e.name) or e.name.startswith(".tmp-"):
                        yield e
        except OSError:
            continue  # removed by a concurrent run, or unreadable: not ours to fix


def prune(directory: str | Path, max_bytes: int, *, now: float | None = None) -> Pruned:
    """Delete least recently used entries until those left take at most `max_bytes`."""
    now = time.time() if now is None else now
    entries: list[tuple[float, int, str]] = []
    total = removed = freed = 0
    for e in _files(Path(directory)):
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if e.name.startswith(".tmp-"):
            if now - st.st_mtime > _STALE_TMP_SECONDS and _unlink(e.path):
                removed, freed = removed + 1, freed + st.st_size
            continue  # a live one is another run's write in progress
        entries.append((st.st_mtime, st.st_size, e.path))
        total += st.st_size
    if total > max_bytes:
        entries.sort()
        for _, size, path in entries:
            if total <= max_bytes:
                break
            if _unlink(path):
                total, removed, freed = total - size, removed + 1, freed + size
    return Pruned(total, removed, freed)


def _unlink(path: str) -> bool:
    """True when the file is gone, including when another run removed it first."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def prune_after_run(directory: str | Path | None, max_mb: float | None = None) -> Pruned | None:
    """`prune` to `max_mb` MiB (default ARGOGATE_CACHE_MAX_MB, else 256); None when caching is off."""
    if not directory or not enabled(directory):
        return None
    limit = max_mb if max_mb is not None else max_mb_from_env()
    return prune(directory, int(limit * 1024 * 1024))


def max_mb_from_env(env: dict[str, str] | None = None) -> float:
    from argogate.errors import UsageError

    raw = (os.environ if env is None else env).get(MAX_MB_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MB
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise UsageError(f"{MAX_MB_ENV}={raw}: not a size in MiB", hint="set a number >= 0, e.g. 256")
    return value
