"""`.argogate.yaml`: the optional repository config, validated with file:line errors.

Everything has a default, so a repository without the file works:

    repoURL: https://github.com/example/demo-repo.git   # or a list; the URLs that mean "this repo"
    policies: [policies/]          # policy directories, relative to the repo root
    exceptions: []                 # PolicyException directories
    discover: true                 # scan the repo for Argo CD Application manifests
    apps:                          # extra apps (same source fields as an Application)
      - path: apps/web
        name: web                  # default: last path segment
        namespace: web             # destination namespace
        type: helm                 # helm | kustomize | directory; default: detect
        helm: {valueFiles: [values-prod.yaml]}
    render: {kubeVersion: "1.31.0", apiVersions: [], allowRemote: false, timeout: 60,
             helmDependencyBuild: true, kustomizeEnableHelm: true, kustomizeBuildOptions: []}
    failOn: enforce                # enforce: only Enforce violations fail; audit: Audit ones too

The source blocks (`helm`, `kustomize`, `directory`) use Argo CD's Application field names and are
parsed by the same functions app discovery uses for Application manifests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from argogate.errors import ConfigError
from argogate.render.context import RenderOptions
from argogate.render.model import (
    SOURCE_TYPES,
    AppSpec,
    DirectoryOptions,
    HelmFileParameter,
    HelmOptions,
    HelmParameter,
    KustomizeOptions,
    KustomizeReplica,
    Origin,
)
from argogate.yamlio import K8sLoader

CONFIG_FILE = ".argogate.yaml"
FAIL_ON = ("enforce", "audit")
_TOP_KEYS = ("repoURL", "repoURLs", "policies", "exceptions", "discover", "apps", "render", "failOn")
_APP_KEYS = ("path", "name", "namespace", "type", "helm", "kustomize", "directory")
_RENDER_KEYS = (
    "kubeVersion",
    "apiVersions",
    "allowRemote",
    "timeout",
    "helmDependencyBuild",
    "kustomizeEnableHelm",
    "kustomizeBuildOptions",
)

Path_ = tuple[str | int, ...]
Locate = Callable[[Path_], int | None]


@dataclass(frozen=True)
class RepoConfig:
    file: str | None = None
    repo_urls: tuple[str, ...] = ()
    policies: tuple[str, ...] = ("policies/",)
    exceptions: tuple[str, ...] = ()
    discover: bool = True
    apps: tuple[AppSpec, ...] = ()
    render: RenderOptions = field(default_factory=RenderOptions)
    fail_on: str = "enforce"


def load_config(root: str | Path) -> RepoConfig:
    f = Path(root) / CONFIG_FILE
    if not f.is_file():
        return RepoConfig()
    return parse_config(f.read_text(encoding="utf-8"), CONFIG_FILE)


class _Checker:
    """Typed getters that raise ConfigError at the line of the offending key."""

    def __init__(self, file: str, locate: Locate) -> None:
        self.file = file
        self.locate = locate

    def fail(self, path: Path_, message: str, hint: str | None = None) -> ConfigError:
        line = None
        for n in range(len(path), -1, -1):
            line = self.locate(path[:n])
            if line is not None:
                break
        return ConfigError(message, file=self.file, line=line, hint=hint)

    def keys(self, d: dict[str, Any], allowed: tuple[str, ...], path: Path_) -> None:
        for k in d:
            if k not in allowed:
                import difflib

                close = difflib.get_close_matches(str(k), allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(allowed)}"
                raise self.fail((*path, k), f"unknown key {'.'.join(map(str, (*path, k)))!r}", hint)

    def mapping(self, v: Any, path: Path_) -> dict[str, Any]:
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise self.fail(path, f"{_dotted(path)} must be a mapping")
        return v

    def string(self, v: Any, path: Path_, *, optional: bool = True) -> str | None:
        if v is None and optional:
            return None
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise self.fail(path, f"{_dotted(path)} must be a string")
        return str(v)

    def boolean(self, v: Any, path: Path_, default: bool = False) -> bool:
        if v is None:
            return default
        if not isinstance(v, bool):
            raise self.fail(path, f"{_dotted(path)} must be true or false")
        return v

    def strings(self, v: Any, path: Path_) -> tuple[str, ...]:
        if v is None:
            return ()
        if isinstance(v, str):
            return (v,)
        if not isinstance(v, list):
            raise self.fail(path, f"{_dotted(path)} must be a list of strings")
        return tuple(str(self.string(x, (*path, i), optional=False)) for i, x in enumerate(v))

    def str_map(self, v: Any, path: Path_) -> dict[str, str]:
        return {
            str(k): str(self.string(x, (*path, k), optional=False)) for k, x in self.mapping(v, path).items()
        }

    def items(self, v: Any, path: Path_) -> list[tuple[Path_, dict[str, Any]]]:
        if v is None:
            return []
        if not isinstance(v, list):
            raise self.fail(path, f"{_dotted(path)} must be a list")
        return [((*path, i), self.mapping(x, (*path, i))) for i, x in enumerate(v)]


def _dotted(path: Path_) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[") or "config"


def parse_config(text: str, file: str = CONFIG_FILE) -> RepoConfig:
    try:
        node = yaml.compose(text, Loader=K8sLoader)
        data = yaml.load(text, Loader=K8sLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
            file=file,
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    lines = node_lines(node) if node is not None else {}
    c = _Checker(file, lines.get)
    d = c.mapping(data, ())
    c.keys(d, _TOP_KEYS, ())
    fail_on = c.string(d.get("failOn"), ("failOn",)) or "enforce"
    if fail_on not in FAIL_ON:
        raise c.fail(("failOn",), f"failOn must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    apps = tuple(_app(c, p, a, file) for p, a in c.items(d.get("apps"), ("apps",)))
    return RepoConfig(
        file=file,
        repo_urls=c.strings(d.get("repoURL"), ("repoURL",)) + c.strings(d.get("repoURLs"), ("repoURLs",)),
        policies=c.strings(d.get("policies"), ("policies",)) if "policies" in d else ("policies/",),
        exceptions=c.strings(d.get("exceptions"), ("exceptions",)),
        discover=c.boolean(d.get("discover"), ("discover",), default=True),
        apps=apps,
        render=_render(c, c.mapping(d.get("render"), ("render",))),
        fail_on=fail_on,
    )


def node_lines(node: yaml.Node, path: Path_ = ()) -> dict[Path_, int]:
    """1-based line of every key/item path in a composed YAML tree."""
    out: dict[Path_, int] = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            sub = (*path, str(k.value))
            out.update(node_lines(v, sub))
            out[sub] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(node_lines(v, (*path, i)))
    return out


def _render(c: _Checker, r: dict[str, Any]) -> RenderOptions:
    p: Path_ = ("render",)
    c.keys(r, _RENDER_KEYS, p)
    timeout = r.get("timeout", 60)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise c.fail((*p, "timeout"), "render.timeout must be a positive number of seconds")
    return RenderOptions(
        kube_version=c.string(r.get("kubeVersion"), (*p, "kubeVersion")),
        api_versions=c.strings(r.get("apiVersions"), (*p, "apiVersions")),
        allow_remote=c.boolean(r.get("allowRemote"), (*p, "allowRemote")),
        helm_dependency_build=c.boolean(r.get("helmDependencyBuild"), (*p, "helmDependencyBuild"), True),
        kustomize_enable_helm=c.boolean(r.get("kustomizeEnableHelm"), (*p, "kustomizeEnableHelm"), True),
        kustomize_build_options=_split_opts(
            c.strings(r.get("kustomizeBuildOptions"), (*p, "kustomizeBuildOptions"))
        ),
        timeout=float(timeout),
    )


def _split_opts(opts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part for o in opts for part in o.split())


def _app(c: _Checker, path: Path_, a: dict[str, Any], file: str) -> AppSpec:
    c.keys(a, _APP_KEYS, path)
    app_path = c.string(a.get("path"), (*path, "path"))
    if not app_path:
        raise c.fail(path, f"{_dotted(path)}.path is required")
    kind = c.string(a.get("type"), (*path, "type"))
    if kind is not None and kind not in SOURCE_TYPES:
        raise c.fail((*path, "type"), f"type must be one of {', '.join(SOURCE_TYPES)}, got {kind!r}")
    norm = app_path.strip("/") or "."
    return AppSpec(
        name=c.string(a.get("name"), (*path, "name")) or Path(norm).name or "root",
        path=norm,
        source_type=kind,
        destination_namespace=c.string(a.get("namespace"), (*path, "namespace")),
        helm=helm_options(c, a.get("helm"), (*path, "helm")),
        kustomize=kustomize_options(c, a.get("kustomize"), (*path, "kustomize")),
        directory=directory_options(c, a.get("directory"), (*path, "directory")),
        defined_in=Origin(file, c.locate(path)),
        defined_by="config",
    )


def helm_options(c: _Checker, v: Any, p: Path_) -> HelmOptions:
    h = c.mapping(v, p)
    values_object = h.get("valuesObject")
    if values_object is not None and not isinstance(values_object, dict):
        raise c.fail((*p, "valuesObject"), "helm.valuesObject must be a mapping")
    values = h.get("values")
    if isinstance(values, dict):  # Argo CD accepts values as a YAML string or, since 2.6, an object
        values_object, values = values_object or values, None
    return HelmOptions(
        release_name=c.string(h.get("releaseName"), (*p, "releaseName")),
        value_files=c.strings(h.get("valueFiles"), (*p, "valueFiles")),
        values=c.string(values, (*p, "values")),
        values_object=values_object,
        parameters=tuple(
            HelmParameter(
                name=str(c.string(x.get("name"), (*pp, "name"), optional=False)),
                value=c.string(x.get("value"), (*pp, "value")) or "",
                force_string=c.boolean(x.get("forceString"), (*pp, "forceString")),
            )
            for pp, x in c.items(h.get("parameters"), (*p, "parameters"))
        ),
        file_parameters=tuple(
            HelmFileParameter(
                name=str(c.string(x.get("name"), (*pp, "name"), optional=False)),
                path=str(c.string(x.get("path"), (*pp, "path"), optional=False)),
            )
            for pp, x in c.items(h.get("fileParameters"), (*p, "fileParameters"))
        ),
        skip_crds=c.boolean(h.get("skipCrds"), (*p, "skipCrds")),
        skip_tests=c.boolean(h.get("skipTests"), (*p, "skipTests")),
        skip_schema_validation=c.boolean(h.get("skipSchemaValidation"), (*p, "skipSchemaValidation")),
        namespace=c.string(h.get("namespace"), (*p, "namespace")),
        kube_version=c.string(h.get("kubeVersion"), (*p, "kubeVersion")),
        api_versions=c.strings(h.get("apiVersions"), (*p, "apiVersions")),
        ignore_missing_value_files=c.boolean(
            h.get("ignoreMissingValueFiles"), (*p, "ignoreMissingValueFiles")
        ),
    )


def kustomize_options(c: _Checker, v: Any, p: Path_) -> KustomizeOptions:
    k = c.mapping(v, p)
    replicas = []
    for pp, r in c.items(k.get("replicas"), (*p, "replicas")):
        count = r.get("count")
        try:
            n = int(str(count))
        except ValueError:
            raise c.fail((*pp, "count"), "kustomize.replicas[].count must be an integer") from None
        replicas.append(KustomizeReplica(str(c.string(r.get("name"), (*pp, "name"), optional=False)), n))
    return KustomizeOptions(
        name_prefix=c.string(k.get("namePrefix"), (*p, "namePrefix")),
        name_suffix=c.string(k.get("nameSuffix"), (*p, "nameSuffix")),
        images=c.strings(k.get("images"), (*p, "images")),
        common_labels=c.str_map(k.get("commonLabels"), (*p, "commonLabels")),
        common_annotations=c.str_map(k.get("commonAnnotations"), (*p, "commonAnnotations")),
        force_common_labels=c.boolean(k.get("forceCommonLabels"), (*p, "forceCommonLabels")),
        force_common_annotations=c.boolean(k.get("forceCommonAnnotations"), (*p, "forceCommonAnnotations")),
        label_without_selector=c.boolean(k.get("labelWithoutSelector"), (*p, "labelWithoutSelector")),
        label_include_templates=c.boolean(k.get("labelIncludeTemplates"), (*p, "labelIncludeTemplates")),
        namespace=c.string(k.get("namespace"), (*p, "namespace")),
        replicas=tuple(replicas),
        components=c.strings(k.get("components"), (*p, "components")),
        ignore_missing_components=c.boolean(
            k.get("ignoreMissingComponents"), (*p, "ignoreMissingComponents")
        ),
        patches=tuple(x for _, x in c.items(k.get("patches"), (*p, "patches"))),
    )


def directory_options(c: _Checker, v: Any, p: Path_) -> DirectoryOptions:
    d = c.mapping(v, p)
    return DirectoryOptions(
        recurse=c.boolean(d.get("recurse"), (*p, "recurse")),
        include=c.string(d.get("include"), (*p, "include")) or "",
        exclude=c.string(d.get("exclude"), (*p, "exclude")) or "",
    )


def checker(file: str, line: int | None) -> _Checker:
    """A checker whose errors all point at one line (an Application document's start)."""
    return _Checker(file, lambda _path: line)
