"""patchesJson6902 with the options Kyverno passes to evanphx/json-patch.

Kyverno (`pkg/engine/mutate/patch/patchJSON6902.go`) applies RFC 6902 patches with
`SupportNegativeIndices`, `AllowMissingPathOnRemove` and `EnsurePathExistsOnAdd`:
`add` creates missing parent objects/arrays (an array when the next segment is a
number or `-`, padding arrays with nulls), `remove` of a missing path is a no-op,
and `-1` addresses the last array element. The `jsonpatch` library has none of
these switches, so the operations are applied here, one at a time, following
evanphx's `patch.go`; `jsonpointer` (a `jsonpatch` dependency) decodes pointer segments.
A patch given as a string is YAML unless it starts with `[` (kyverno
`ConvertPatchesToJSON`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from jsonpointer import unescape

from argogate.engine.mutate.merge import copy_tree
from argogate.engine.mutate.outcome import MutateOutcome, success_message
from argogate.yamlio import K8sLoader

_INT = re.compile(r"[+-]?\d+")


class PatchError(Exception):
    pass


class _Absent:
    __slots__ = ()


_ABSENT = _Absent()


def decode_patch(patch: str | list[Any]) -> list[dict[str, Any]]:
    if isinstance(patch, str):
        try:
            ops = json.loads(patch) if patch.startswith("[") else yaml.load(patch, Loader=K8sLoader)
        except (ValueError, yaml.YAMLError) as exc:
            raise PatchError(f"failed to decode patches: {exc}") from None
    else:
        ops = patch
    if not isinstance(ops, list) or not all(isinstance(op, dict) for op in ops):
        raise PatchError(
            "failed to decode patches: json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        )
    return ops


def apply_json6902(resource: dict[str, Any], patch: str | list[Any]) -> MutateOutcome:
    try:
        patched = apply_operations(resource, decode_patch(patch))
    except PatchError as exc:
        return MutateOutcome("error", resource, f"failed to patch resource: {exc}")
    if patched == resource:
        return MutateOutcome("skip", resource, "no patches applied")
    if not isinstance(patched, dict):
        return MutateOutcome("error", resource, "failed to unmarshal patched resource")
    return MutateOutcome("pass", patched, success_message(patched))


def apply_operations(document: Any, ops: list[dict[str, Any]]) -> Any:
    doc = copy_tree(document)
    for op in ops:
        kind = op.get("op")
        path = _path(op, "path")
        if kind == "add":
            doc = _add(doc, path, copy_tree(op.get("value")))
        elif kind == "remove":
            _remove(doc, path, allow_missing=True)
        elif kind == "replace":
            doc = _replace(doc, path, copy_tree(op.get("value")))
        elif kind == "move":
            source = _path(op, "from")
            value = _get(doc, source)
            if value is _ABSENT:
                raise PatchError(
                    f"move operation does not apply: doc is missing from path: {source}: missing value"
                )
            _remove(doc, source, allow_missing=False)
            doc = _add(doc, path, value)
        elif kind == "copy":
            source = _path(op, "from")
            value = _get(doc, source)
            if value is _ABSENT:
                raise PatchError(
                    f"copy operation does not apply: doc is missing from path: {source}: missing value"
                )
            doc = _add(doc, path, copy_tree(value))
        elif kind == "test":
            value = _get(doc, path)
            expected = op.get("value")
            if (value is _ABSENT and expected is not None) or (value is not _ABSENT and value != expected):
                raise PatchError(f"testing value {path} failed: test failed")
        else:
            raise PatchError(f"Unexpected kind: {kind}")
    return doc


def _path(op: dict[str, Any], field: str) -> str:
    value = op.get(field)
    if not isinstance(value, str):
        raise PatchError(f"operation missing {field} field: missing value")
    return value


def _parts(path: str) -> list[str]:
    return [unescape(p) for p in path.split("/")[1:]] if path else []


def _index(key: str, length: int, *, for_add: bool = False) -> int | None:
    if not _INT.fullmatch(key):
        return None
    idx = int(key)
    size = length + 1 if for_add else length
    if idx < 0:
        if idx < -size:
            return None
        idx += size
    return idx


def _child(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key, _ABSENT)
    if isinstance(container, list):
        idx = _index(key, len(container))
        if idx is None or idx >= len(container):
            return _ABSENT
        return container[idx]
    return _ABSENT


def _get(doc: Any, path: str) -> Any:
    node = doc
    for part in _parts(path):
        node = _child(node, part)
        if node is _ABSENT:
            return _ABSENT
    return node


def _parent(doc: Any, path: str) -> tuple[Any, str] | None:
    parts = _parts(path)
    node = doc
    for part in parts[:-1]:
        node = _child(node, part)
        if node is _ABSENT or not isinstance(node, dict | list):
            return None
    return node, parts[-1]


def _insert(container: Any, key: str, value: Any, path: str) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    idx = _index(key, len(container), for_add=True)
    if idx is None or idx > len(container):
        raise PatchError(
            f"error in add for path: '{path}': Unable to access invalid index: {key}: invalid index referenced"
        )
    container.insert(idx, value)


def _ensure_path(doc: Any, path: str) -> None:
    parts = _parts(path)
    node = doc
    for pos, part in enumerate(parts[:-1]):
        target = _child(node, part)
        if target is _ABSENT or target is None:
            if isinstance(node, list) and _INT.fullmatch(part):
                while len(node) < int(part):
                    node.append(None)
            following = parts[pos + 1]
            created: Any = [] if following == "-" or _INT.fullmatch(following) else {}
            if isinstance(node, dict):
                node[part] = created
            elif isinstance(node, list):
                _insert(node, part, created, path)
            else:
                return
            node = created
        elif isinstance(target, dict | list):
            node = target
        else:
            return


def _add(doc: Any, path: str, value: Any) -> Any:
    if path == "":
        return value
    _ensure_path(doc, path)
    found = _parent(doc, path)
    if found is None:
        raise PatchError(f'add operation does not apply: doc is missing path: "{path}": missing value')
    _insert(found[0], found[1], value, path)
    return doc


def _remove(doc: Any, path: str, *, allow_missing: bool) -> None:
    found = _parent(doc, path)
    missing = f'remove operation does not apply: doc is missing path: "{path}": missing value'
    if found is None:
        if allow_missing:
            return
        raise PatchError(missing)
    container, key = found
    if isinstance(container, dict):
        if key in container:
            del container[key]
        elif not allow_missing:
            raise PatchError(missing)
        return
    idx = _index(key, len(container))
    if idx is None or idx >= len(container):
        if allow_missing:
            return
        raise PatchError(f"Unable to access invalid index: {key}: invalid index referenced")
    del container[idx]


def _replace(doc: Any, path: str, value: Any) -> Any:
    if path == "":
        return value
    found = _parent(doc, path)
    if found is None:
        raise PatchError(f"replace operation does not apply: doc is missing path: {path}: missing value")
    container, key = found
    if isinstance(container, dict):
        if key not in container:
            raise PatchError(f"replace operation does not apply: doc is missing key: {path}: missing value")
        container[key] = value
        return doc
    idx = _index(key, len(container))
    if idx is None or idx >= len(container):
        raise PatchError(f"replace operation does not apply: doc is missing key: {path}: missing value")
    container[idx] = value
    return doc
