"""Offline answers for Kyverno's context libraries (`resource`, `image`, `http`,
`globalContext`, `generator`).

The Kyverno CLI answers them from a fake context provider fed by the test's `context`
file (kyverno `pkg/cel/libs/fake_context.go`): resources indexed by group/version/
resource, namespace and name, and image metadata by image reference. We do the same
with the `--context-file` objects first, then the resources of the run (a rendered app
is the best offline stand-in for the cluster). What needs a network or a live API
server (`http.*`, `globalContext.Get`, `resource.Post`) fails the expression with an
error saying so, so the result is an `error`, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from argogate.engine.cel import CelEvalError
from argogate.engine.celpolicies.kinds import gvr_of
from argogate.engine.match import split_api_version


@dataclass
class CelContext:
    """What a `--context-file` provides: objects for lookups and image metadata by reference."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    images: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | None) -> CelContext:
        """`spec` of a `cli.kyverno.io/v1alpha1 Context` document."""
        spec = spec or {}
        images: dict[str, dict[str, Any]] = {}
        raw_images = spec.get("images") or []
        if isinstance(raw_images, Mapping):
            raw_images = [{"image": k, **(v or {})} for k, v in raw_images.items()]
        for entry in raw_images:
            if isinstance(entry, Mapping) and entry.get("image"):
                images[str(entry["image"])] = dict(entry)
        resources = [r for r in spec.get("resources") or [] if isinstance(r, dict)]
        return cls(resources, images)


def _namespace(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "")


def _name(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


class ResourceLib:
    """`resource.Get(apiVersion, resource, namespace, name)` / `resource.List(...)`."""

    cel_type = "resource.Context"

    def __init__(self, *sources: Iterable[dict[str, Any]]) -> None:
        self._objects = [obj for source in sources for obj in source]

    def _candidates(self, api_version: Any, resource: Any, namespace: Any) -> list[dict[str, Any]]:
        if not all(isinstance(a, str) for a in (api_version, resource, namespace)):
            raise CelEvalError("no such overload")
        group, version = split_api_version(api_version)
        return [
            obj
            for obj in self._objects
            if gvr_of(obj)[:3] == (group, version, resource)
            and (_namespace(obj) == namespace or (namespace == "default" and not _namespace(obj)))
        ]

    def cel_Get(self, api_version: Any, resource: Any, namespace: Any, name: Any) -> dict[str, Any]:
        for obj in self._candidates(api_version, resource, namespace):
            if _name(obj) == name:
                return obj
        group = split_api_version(str(api_version))[0]
        what = f"{resource}.{group}" if group else str(resource)
        raise CelEvalError(f'failed to get resource: {what} "{name}" not found')

    def cel_List(self, api_version: Any, resource: Any, namespace: Any) -> dict[str, Any]:
        items = self._candidates(api_version, resource, namespace)
        return {"apiVersion": api_version, "kind": "List", "items": items}

    def cel_Post(self, *args: Any) -> Any:
        raise CelEvalError(
            "failed to create resource: resource.Post needs a live cluster; argogate evaluates offline"
        )


class ImageDataLib:
    """`image.GetMetadata(ref)`: image metadata from the context file only."""

    cel_type = "imagedata.Context"

    def __init__(self, images: Mapping[str, dict[str, Any]]) -> None:
        self._images = images

    def cel_GetMetadata(self, image: Any) -> dict[str, Any]:
        if not isinstance(image, str):
            raise CelEvalError("no such overload")
        data = self._images.get(image)
        if data is None:
            raise CelEvalError(
                f"failed to get image data: image data for {image} not found in the context "
                "(a registry lookup needs the network; argogate evaluates offline)"
            )
        return data


class NetworkLib:
    """`http.Get/Post` and `globalContext.Get`: they need a network or a running Kyverno."""

    def __init__(self, what: str) -> None:
        self.cel_type = what
        self._what = what

    def _fail(self, *args: Any) -> Any:
        raise CelEvalError(f"{self._what} needs network or cluster access; argogate evaluates offline")

    cel_Get = _fail
    cel_Post = _fail
    cel_List = _fail


class GeneratorLib:
    """`generator.Apply(namespace, [objects])`: collects the objects to generate."""

    cel_type = "generator.Context"

    def __init__(self) -> None:
        self.generated: list[dict[str, Any]] = []

    def cel_Apply(self, namespace: Any, objects: Any) -> bool:
        if not isinstance(namespace, str) or not isinstance(objects, list):
            raise CelEvalError("no such overload")
        for obj in objects:
            if not isinstance(obj, dict):
                raise CelEvalError("generator.Apply: every element must be an object")
            out = dict(obj)
            out["metadata"] = {**(obj.get("metadata") or {}), "namespace": namespace}
            if not namespace:
                out["metadata"].pop("namespace")
            self.generated.append(out)
        return True


def library_bindings(context: CelContext, resources: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The activation entries for the context libraries."""
    return {
        "resource": ResourceLib(context.resources, resources),
        "image": ImageDataLib(context.images),
        "http": NetworkLib("http"),
        "globalContext": NetworkLib("globalContext"),
    }
