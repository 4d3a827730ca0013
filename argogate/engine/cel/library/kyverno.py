"""Kyverno's CEL libraries for the policies.kyverno.io kinds (kyverno `pkg/cel/libs/`).

Two kinds of functions:

* pure ones, implemented here: the image library (`image(ref)` / `ParseImageRef(ref)`,
  `isImage(ref)`, and the `registry()`, `repository()`, `identifier()`, `tag()`,
  `digest()`, `containsDigest()` accessors), parsed the way go-containerregistry's
  `name.ParseReference` parses (kyverno `pkg/cel/libs/image/lib.go`);
* context ones (`resource.Get/List/Post`, `image.GetMetadata`, `http.Get/Post`,
  `globalContext.Get`, `generator.Apply`): the receiver is a variable of the
  activation, so the member call is forwarded to the receiver's `cel_<Name>` method.
  The engine binds objects that answer offline (argogate/engine/celpolicies/context.py).
"""

from __future__ import annotations

import re
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import no_such_overload

DEFAULT_REGISTRY = "index.docker.io"
_REPO_PART = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


class Image:
    """kyverno.image: a parsed image reference."""

    __slots__ = ("digest", "identifier", "image", "registry", "repository", "tag")
    cel_type = "kyverno.image"

    def __init__(self, image: str, registry: str, repository: str, tag: str, digest: str) -> None:
        self.image, self.registry, self.repository = image, registry, repository
        self.tag, self.digest = tag, digest
        self.identifier = digest or tag

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and (other.image, other.digest) == (self.image, self.digest)

    def __hash__(self) -> int:
        return hash(self.image)

    def cel_string(self) -> str:
        return self.image


def parse_reference(text: str) -> Image:
    """go-containerregistry `name.ParseReference` (strict mode off): digest wins over tag,
    the default registry is index.docker.io and single-segment Docker Hub repositories get
    `library/`. Raises ValueError with ggcr's wording on an invalid reference."""
    if "@" in text:
        base, _, digest = text.partition("@")
        if not _DIGEST.match(digest):
            raise ValueError(f"could not parse reference: {text}")
        colon = base.rfind(":")
        if colon > base.rfind("/"):
            base = base[:colon]  # ggcr NewDigest: a tag beside the digest is dropped
        registry, repository = _split_repository(base, text)
        return Image(text, registry, repository, "", digest)
    base, tag = text, "latest"
    colon = text.rfind(":")
    if colon > text.rfind("/"):
        base, tag = text[:colon], text[colon + 1 :]
        if not _TAG.match(tag):
            raise ValueError(f"could not parse reference: {text}")
    registry, repository = _split_repository(base, text)
    return Image(text, registry, repository, tag, "")


def _split_repository(name: str, original: str) -> tuple[str, str]:
    registry = ""
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, name = first, rest
    if registry in ("", "docker.io"):
        registry = DEFAULT_REGISTRY
    if registry == DEFAULT_REGISTRY and "/" not in name:
        name = "library/" + name
    if not name or not all(_REPO_PART.match(part) for part in name.split("/")):
        raise ValueError(f"could not parse reference: {original}")
    return registry, name


@cel_function("image", glob=True, note="image(ref): parse an image reference")
@cel_function("ParseImageRef", glob=True, note="ParseImageRef(ref): parse an image reference")
def _image(text: Any) -> Image:
    if not isinstance(text, str):
        raise no_such_overload()
    try:
        return parse_reference(text)
    except ValueError as e:
        raise CelEvalError(str(e)) from None


@cel_function("isImage", glob=True, note="isImage(ref): whether ref parses as an image reference")
def _is_image(text: Any) -> bool:
    if not isinstance(text, str):
        raise no_such_overload()
    try:
        parse_reference(text)
    except ValueError:
        return False
    return True


def _accessor(field: str) -> Any:
    def get(img: Any) -> Any:
        if not isinstance(img, Image):
            raise no_such_overload()
        return getattr(img, field)

    return get


for _field in ("registry", "repository", "identifier", "tag", "digest"):
    cel_function(_field, member=True, note=f"image.{_field}()")(_accessor(_field))


@cel_function("containsDigest", member=True, note="image.containsDigest()")
def _contains_digest(img: Any) -> bool:
    if not isinstance(img, Image):
        raise no_such_overload()
    return bool(img.digest)


def _forward(name: str) -> Any:
    def call(receiver: Any, *args: Any) -> Any:
        method = getattr(receiver, "cel_" + name, None)
        if method is None:
            raise no_such_overload()
        return method(*args)

    return call


for _name in ("Get", "List", "Post", "GetMetadata", "Apply", "ApplyAll", "ToGVR"):
    cel_function(_name, member=True, note=f"context.{_name}(...)")(_forward(_name))


@cel_function("jsonpatch.escapeKey", glob=True, note="jsonpatch.escapeKey(key): a JSON pointer segment")
def _escape_key(key: Any) -> str:
    # apiserver cel/library/jsonpatch.go: `~` -> `~0`, then `/` -> `~1`
    if not isinstance(key, str):
        raise no_such_overload()
    return key.replace("~", "~0").replace("/", "~1")
