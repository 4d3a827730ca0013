"""Image references: parse, normalise, and the `images` context variable.

Kyverno (`pkg/utils/image/infos.go: GetImageInfo`) adds `docker.io` when the first
path segment is not a registry host, assumes tag `latest` when there is neither
tag nor digest, and does not add docker's `library/` prefix. `images` holds, per
container list of a Pod (or a Pod template in a controller), a map from container
name to that info (`pkg/engine/context/imageutils.go`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

DEFAULT_REGISTRY = "docker.io"
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True, slots=True)
class ImageInfo:
    registry: str
    path: str
    name: str
    tag: str
    digest: str

    @property
    def reference(self) -> str:
        base = f"{self.registry}/{self.path}" if self.registry else self.path
        if self.digest:
            return f"{base}@{self.digest}"
        return f"{base}:{self.tag}"

    @property
    def reference_with_tag(self) -> str:
        base = f"{self.registry}/{self.path}" if self.registry else self.path
        return f"{base}:{self.tag}" if self.tag else base

    def to_dict(self) -> dict[str, str]:
        return {
            "registry": self.registry,
            "name": self.name,
            "path": self.path,
            "tag": self.tag,
            "digest": self.digest,
            "reference": self.reference,
            "referenceWithTag": self.reference_with_tag,
        }


class ImageParseError(ValueError):
    pass


def _is_registry(segment: str) -> bool:
    return "." in segment or ":" in segment or segment == "localhost"


@functools.lru_cache(maxsize=4096)  # the same few images recur in every resource and policy
def parse_image(image: str, default_registry: str = DEFAULT_REGISTRY) -> ImageInfo:
    if not image or image != image.strip() or " " in image:
        raise ImageParseError(f"invalid image reference {image!r}")
    rest = image
    digest = ""
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.match(digest):
            raise ImageParseError(f"invalid digest in image reference {image!r}")
    tag = ""
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not re.match(r"^[\w][\w.-]{0,127}$", tag):
            raise ImageParseError(f"invalid tag in image reference {image!r}")
    parts = rest.split("/")
    if len(parts) > 1 and _is_registry(parts[0]):
        registry, path = parts[0], "/".join(parts[1:])
    else:
        registry, path = default_registry, rest
    if not path or not re.match(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", path):
        raise ImageParseError(f"invalid repository name in image reference {image!r}")
    if not tag and not digest:
        tag = "latest"
    return ImageInfo(registry, path, path.rsplit("/", 1)[-1], tag, digest)


_POD_LISTS = ("initContainers", "containers", "ephemeralContainers")


def pod_spec_of(resource: dict[str, Any]) -> dict[str, Any] | None:
    kind = resource.get("kind")
    spec = resource.get("spec")
    if not isinstance(spec, dict):
        return None
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        tpl = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        inner = tpl.get("spec") if isinstance(tpl, dict) else None
        return inner if isinstance(inner, dict) else None
    tpl = spec.get("template")
    if isinstance(tpl, dict):
        inner = tpl.get("spec")
        if isinstance(inner, dict):
            return inner
    return None


def extract_images(resource: dict[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    """The `images` variable: {containers: {name: info}, initContainers: ..., ephemeralContainers: ...}."""
    spec = pod_spec_of(resource)
    out: dict[str, dict[str, dict[str, str]]] = {}
    if spec is None:
        return out
    for key in _POD_LISTS:
        items = spec.get(key)
        if not isinstance(items, list):
            continue
        infos: dict[str, dict[str, str]] = {}
        for c in items:
            if not isinstance(c, dict) or not isinstance(c.get("image"), str):
                continue
            try:
                infos[str(c.get("name"))] = parse_image(c["image"]).to_dict()
            except ImageParseError:
                continue
        if infos:
            out[key] = infos
    return out
