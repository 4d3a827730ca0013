"""image_normalize (kyverno functions.go + pkg/utils/image): the image as Kyverno knows it internally.

Kyverno prefixes the default registry (`docker.io`) when the first path component is not a
registry host, adds `:latest` when there is neither tag nor digest, and prints only the
digest when both are present. Unlike Docker it does not insert `library/`.
"""

from __future__ import annotations

import re

from argogate.engine.jmes.functions._common import FunctionEntry, fail, signature

DEFAULT_REGISTRY = "docker.io"

ENTRIES = (
    FunctionEntry(
        "image_normalize",
        ("string",),
        "string",
        "normalizes an image reference",
        "image_normalize('nginx') == 'docker.io/nginx:latest'",
    ),
)

# distribution/reference grammar (reference.go), enough to accept and split references
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)


def _add_default_registry(name: str) -> str:
    i = name.find("/")
    first = name[:i]
    if i == -1 or (not any(c in first for c in ".:") and first != "localhost" and first.lower() == first):
        return f"{DEFAULT_REGISTRY}/{name}"
    return name


def normalize(image: str) -> str:
    """GetImageInfo(image).String() with the default configuration; ValueError if unparsable."""
    full = _add_default_registry(image)
    m = _REFERENCE.match(full)
    if not m or len(m.group("path")) + len(m.group("domain") or "") + 1 > 255:
        raise ValueError("invalid reference format")
    registry, path = m.group("domain") or "", m.group("path")
    tag, digest = m.group("tag") or "", m.group("digest") or ""
    if not digest and not tag:
        tag = "latest"
    base = f"{registry}/{path}" if registry else path
    return f"{base}@{digest}" if digest else f"{base}:{tag}"


class ImageFunctions:
    @signature({"types": ["string"]})
    def _func_image_normalize(self, image: str) -> str:
        try:
            return normalize(image)
        except ValueError as e:
            raise fail("image_normalize", str(e)) from None
