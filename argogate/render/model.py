"""Data that flows between app discovery, the renderers and the reporters.

An `AppSpec` says what Argo CD would render (the source settings of one Application source, or an
app named in `.argogate.yaml` / on the command line); a `RenderedApp` is what came out, each object
keeping the Git file (and line, when known) it came from so every finding can point back to it.
The option records mirror Argo CD's `ApplicationSource{Helm,Kustomize,Directory}` field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argogate.model.result import Origin as Origin  # re-exported: renderers and apps use it

SOURCE_TYPES = ("helm", "kustomize", "directory")


@dataclass
class RenderedObject:
    data: dict[str, Any]
    origin: Origin

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def name(self) -> str:
        meta = self.data.get("metadata")
        return str(meta.get("name", "")) if isinstance(meta, dict) else ""

    @property
    def namespace(self) -> str | None:
        meta = self.data.get("metadata")
        ns = meta.get("namespace") if isinstance(meta, dict) else None
        return str(ns) if ns else None


@dataclass
class RenderedApp:
    name: str
    path: str
    kind: str
    destination_namespace: str | None
    objects: list[RenderedObject]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HelmParameter:
    name: str
    value: str
    force_string: bool = False


@dataclass(frozen=True)
class HelmFileParameter:
    name: str
    path: str


@dataclass(frozen=True)
class HelmOptions:
    release_name: str | None = None
    value_files: tuple[str, ...] = ()
    values: str | None = None
    values_object: dict[str, Any] | None = None
    parameters: tuple[HelmParameter, ...] = ()
    file_parameters: tuple[HelmFileParameter, ...] = ()
    skip_crds: bool = False
    skip_tests: bool = False
    skip_schema_validation: bool = False
    namespace: str | None = None
    kube_version: str | None = None
    api_versions: tuple[str, ...] = ()
    ignore_missing_value_files: bool = False


@dataclass(frozen=True)
class KustomizeReplica:
    name: str
    count: int


@dataclass(frozen=True)
class KustomizeOptions:
    name_prefix: str | None = None
    name_suffix: str | None = None
    images: tuple[str, ...] = ()
    common_labels: dict[str, str] = field(default_factory=dict)
    common_annotations: dict[str, str] = field(default_factory=dict)
    force_common_labels: bool = False
    force_common_annotations: bool = False
    label_without_selector: bool = False
    label_include_templates: bool = False
    namespace: str | None = None
    replicas: tuple[KustomizeReplica, ...] = ()
    components: tuple[str, ...] = ()
    ignore_missing_components: bool = False
    patches: tuple[dict[str, Any], ...] = ()

    def is_empty(self) -> bool:
        return self == KustomizeOptions()


@dataclass(frozen=True)
class DirectoryOptions:
    recurse: bool = False
    include: str = ""
    exclude: str = ""


@dataclass(frozen=True)
class AppSpec:
    """One thing to render. `path` is repo-relative POSIX ('.' is the root); `source_type` None = detect.

    `ref_roots` maps a multi-source `ref:` name to the repo-relative directory it stands for, so
    Helm value files written `$values/envs/prod.yaml` resolve inside this repository.
    """

    name: str
    path: str
    source_type: str | None = None
    destination_namespace: str | None = None
    helm: HelmOptions = field(default_factory=HelmOptions)
    kustomize: KustomizeOptions = field(default_factory=KustomizeOptions)
    directory: DirectoryOptions = field(default_factory=DirectoryOptions)
    ref_roots: dict[str, str] = field(default_factory=dict)
    defined_in: Origin | None = None
    defined_by: str = "cli"


@dataclass(frozen=True)
class SkippedApp:
    name: str
    reason: str
    defined_in: Origin | None = None
