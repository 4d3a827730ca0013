"""Argo CD's `kustomize edit` calls, done on the kustomization mapping in Python.

Argo CD (util/kustomize/kustomize.go `Build`) runs, for an Application's `kustomize:` block:
  edit set nameprefix / namesuffix / namespace   -> namePrefix / nameSuffix / namespace
  edit set image <img>...                        -> images[] (merged by name)
  edit set replicas name=count...                -> replicas[] (replaced by name)
  edit add label [--force] [--without-selector] [--include-templates] k:v...
                                                 -> commonLabels, or labels[] without selectors
  edit add annotation [--force] k:v...           -> commonAnnotations
  edit add component <path>...                   -> components[] (missing ones dropped with
                                                    ignoreMissingComponents)
and appends `patches` to the file itself. kubectl ships kustomize 5 without `edit`, so the same
field edits are made here, following kustomize's `edit` commands (kustomize/commands/edit/...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from argogate.errors import RenderError
from argogate.render.model import KustomizeOptions

_DIGEST = re.compile(r"^(?P<name>.+?)@(?P<digest>sha256:[0-9a-fA-F]+)$")


def apply_overrides(doc: dict[str, Any], opts: KustomizeOptions, kdir: Path) -> None:
    if opts.is_empty():
        return
    if opts.name_prefix:
        doc["namePrefix"] = opts.name_prefix
    if opts.name_suffix:
        doc["nameSuffix"] = opts.name_suffix
    for image in opts.images:
        set_image(doc, image)
    for replica in opts.replicas:
        entries = [r for r in doc.get("replicas") or [] if r.get("name") != replica.name]
        doc["replicas"] = [*entries, {"name": replica.name, "count": replica.count}]
    if opts.common_labels:
        _add_labels(doc, opts)
    if opts.common_annotations:
        _add_pairs(doc, "commonAnnotations", opts.common_annotations, force=opts.force_common_annotations)
    if opts.namespace:
        doc["namespace"] = opts.namespace
    for component in opts.components:
        if not (kdir / component).exists() and not re.match(r"^[a-z][a-z0-9+.-]*://", component):
            if opts.ignore_missing_components:
                continue
            raise RenderError(
                f"kustomize component {component!r} does not exist",
                hint="fix kustomize.components, or set kustomize.ignoreMissingComponents: true",
            )
        existing = doc.setdefault("components", [])
        if component not in existing:
            existing.append(component)
    if opts.patches:
        doc["patches"] = [*(doc.get("patches") or []), *opts.patches]


def parse_image(spec: str) -> dict[str, str]:
    """`name[=newName][:tag|@digest]` as `kustomize edit set image` reads it."""
    name, eq, new = spec.partition("=")
    target = new if eq else name
    entry: dict[str, str] = {}
    m = _DIGEST.match(target)
    if m:
        base, entry["digest"] = m.group("name"), m.group("digest")
    else:
        slash = target.rfind("/")
        colon = target.rfind(":")
        if colon > slash:
            base, entry["newTag"] = target[:colon], target[colon + 1 :]
        else:
            base = target
    if eq:
        entry["newName"] = base
        entry["name"] = _strip_ref(name)
    else:
        entry["name"] = base
    return entry


def _strip_ref(name: str) -> str:
    m = _DIGEST.match(name)
    if m:
        return m.group("name")
    slash, colon = name.rfind("/"), name.rfind(":")
    return name[:colon] if colon > slash else name


def set_image(doc: dict[str, Any], spec: str) -> None:
    new = parse_image(spec)
    images: list[dict[str, Any]] = doc.setdefault("images", [])
    for img in images:
        if img.get("name") == new["name"]:
            if "newName" in new:
                img["newName"] = new["newName"]
            if "newTag" in new:
                img["newTag"] = new["newTag"]
                img.pop("digest", None)
            if "digest" in new:
                img["digest"] = new["digest"]
                img.pop("newTag", None)
            return
    images.append(new)


def _add_labels(doc: dict[str, Any], opts: KustomizeOptions) -> None:
    if not opts.label_without_selector:
        _add_pairs(doc, "commonLabels", opts.common_labels, force=opts.force_common_labels)
        return
    labels: list[dict[str, Any]] = doc.setdefault("labels", [])
    entry = next(
        (
            e
            for e in labels
            if e.get("includeSelectors") in (None, False)
            and bool(e.get("includeTemplates")) == opts.label_include_templates
        ),
        None,
    )
    if entry is None:
        entry = {"pairs": {}}
        if opts.label_include_templates:
            entry["includeTemplates"] = True
        labels.append(entry)
    _add_pairs(entry, "pairs", opts.common_labels, force=opts.force_common_labels)


def _add_pairs(doc: dict[str, Any], key: str, pairs: dict[str, str], *, force: bool) -> None:
    current: dict[str, Any] = doc.setdefault(key, {}) or {}
    doc[key] = current
    for k, v in pairs.items():
        if k in current and not force:
            # kustomize edit add label/annotation without --force (kustomize/commands/edit/add/addmetadata.go)
            what = "label" if key in ("commonLabels", "pairs") else "annotation"
            raise RenderError(
                f"{what} {k} already in kustomization file",
                hint=f"set kustomize.forceCommon{what.capitalize()}s: true in the Application",
            )
        current[k] = v
