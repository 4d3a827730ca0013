"""Reading the CLI's inputs: resources, the values file, the userinfo file.

Formats are the Kyverno CLI's (`cli.kyverno.io/v1alpha1` Values and UserInfo, and
their legacy forms without apiVersion). Every problem is a ResourceLoadError or
ConfigError naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argogate.engine.match import AdmissionInfo
from argogate.engine.values import Values
from argogate.errors import ArgogateError, ConfigError, ResourceLoadError
from argogate.model.result import Origin
from argogate.yamlio import expand_paths, load_file

if TYPE_CHECKING:
    from argogate.engine.celpolicies.context import CelContext


def load_resources(paths: list[str]) -> tuple[list[dict[str, Any]], list[Origin]]:
    return load_resource_files(resource_files(paths))


def resource_files(paths: list[str]) -> list[Path]:
    """The files `load_resources(paths)` reads, in its order."""
    for p in paths:
        if not Path(p).exists():
            raise ResourceLoadError(f"resource path does not exist: {p}")
    return list(expand_paths(paths))


def load_resource_files(files: Iterable[Path]) -> tuple[list[dict[str, Any]], list[Origin]]:
    """Every Kubernetes object in `files`, with where each starts."""
    resources: list[dict[str, Any]] = []
    origins: list[Origin] = []
    for f in files:
        try:
            docs = load_file(f)
        except ArgogateError as exc:
            raise ResourceLoadError(exc.message, file=exc.file, line=exc.line) from exc
        for doc in docs:
            data = doc.data
            if not isinstance(data, dict) or not data.get("kind") or not data.get("apiVersion"):
                raise ResourceLoadError("document is not a Kubernetes object (apiVersion and kind are required)", file=doc.file, line=doc.line)
            md = data.get("metadata")
            if not isinstance(md, dict) or not (md.get("name") or md.get("generateName")):
                raise ResourceLoadError(f"{data['kind']} has no metadata.name", file=doc.file, line=doc.line)
            resources.append(data)
            origins.append(Origin(doc.file, doc.line))
    return resources, origins


def _single(path: str, what: str) -> dict[str, Any]:
    if not Path(path).is_file():
        raise ConfigError(f"{what} file does not exist: {path}")
    try:
        docs = load_file(path)
    except ArgogateError as exc:
        raise ConfigError(exc.message, file=exc.file, line=exc.line) from exc
    if not docs:
        return {}
    data = docs[0].data
    if not isinstance(data, dict):
        raise ConfigError(f"{what} file must hold a mapping", file=path, line=docs[0].line)
    return data


def load_values(path: str | None) -> Values:
    if not path:
        return Values()
    return Values.from_dict(_single(path, "values"))


def load_userinfo(path: str | None) -> AdmissionInfo:
    if not path:
        return AdmissionInfo()
    data = _single(path, "userinfo")
    user = data.get("userInfo") or {}
    return AdmissionInfo(
        username=str(user.get("username") or ""),
        groups=tuple(str(g) for g in user.get("groups") or []),
        roles=tuple(str(r) for r in data.get("roles") or []),
        cluster_roles=tuple(str(r) for r in data.get("clusterRoles") or []),
        extra=dict(user.get("extra") or {}),
    )


def load_context(path: str) -> CelContext:
    """A Kyverno CLI `Context` file (`cli.kyverno.io/v1alpha1`, `spec.resources`, `spec.images`),
    or, for compatibility, a plain stream of resources."""
    from argogate.engine.celpolicies.context import CelContext

    if not Path(path).is_file():
        raise ConfigError(f"context file does not exist: {path}")
    try:
        docs = load_file(path)
    except ArgogateError as exc:
        raise ConfigError(exc.message, file=exc.file, line=exc.line) from exc
    context = CelContext()
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict):
            raise ConfigError("context file documents must be mappings", file=doc.file, line=doc.line)
        if data.get("kind") == "Context" and str(data.get("apiVersion", "")).startswith("cli.kyverno.io/"):
            spec = data.get("spec") or {}
            if not isinstance(spec, dict):
                raise ConfigError("Context spec must be a mapping", file=doc.file, line=doc.line)
            found = CelContext.from_spec(spec)
            context.resources.extend(found.resources)
            context.images.update(found.images)
        elif data.get("kind") and data.get("apiVersion"):
            context.resources.append(data)
        else:
            raise ConfigError("not a Kyverno Context nor a Kubernetes object", file=doc.file, line=doc.line)
    return context
