"""`$( )` references: a pattern value that names another place in the same pattern
(kyverno pkg/engine/variables/vars.go: substituteReferencesIfAny, resolveReference).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from argogate.engine.variables.tree import Path, VariableError, traversal_path, walk

# vars.go
REGEX_REFERENCES = re.compile(r"^\$\(.[^\ ]*\)|[^\\]\$\(.[^\ ]*\)")
REGEX_ESCP_REFERENCES = re.compile(r"\\\$\(.[^\ ]*\)")


def is_reference(value: str) -> bool:
    return REGEX_REFERENCES.search(value) is not None


_ANCHOR = re.compile(r"^(?:\(|\^\(|=\(|\+\(|X\(|<\()(.+)\)$")
_REF_OPERATORS = (">=", "<=", ">", "<", "!")


def _remove_anchors(path: str) -> str:
    components = path.split("/")
    if components and components[0] == "":
        components = components[1:]
    cleaned = [m.group(1) if (m := _ANCHOR.match(c)) else c for c in components]
    joined = posixpath.normpath("/".join(cleaned)) if any(cleaned) else ""
    joined = "" if joined == "." else joined
    return "/" + joined.lstrip("/") if path.startswith("/") else joined


def _leaf_paths(doc: Any, path: Path, out: list[tuple[str, Any]]) -> None:
    out.append((traversal_path(path), doc))
    if isinstance(doc, dict):
        for k, v in doc.items():
            _leaf_paths(v, (*path, k), out)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            _leaf_paths(v, (*path, i), out)


def _resolve_reference(full: Any, base: Path, reference: str, path: Path) -> Any:
    ref = reference.strip("$()")
    op = next((o for o in _REF_OPERATORS if len(ref) >= 2 and ref.startswith(o)), "")
    ref = ref[len(op) :]
    if not ref:
        raise VariableError(
            f"failed to resolve {reference} at path {traversal_path(path)}: expected path, found empty reference"
        )
    here = traversal_path(path)
    target = ref if ref.startswith("/") else posixpath.normpath(posixpath.join(here or "/", ref))
    found: Any = None
    entries: list[tuple[str, Any]] = []
    _leaf_paths(full, base, entries)
    for p, element in entries:
        if _remove_anchors(p) == target:
            found = element
    if op == "" or found is None:
        return found
    if isinstance(found, str):
        return op + found
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        raise VariableError(f"incorrect expression: operator {op} does not match with value {found}")
    return op + (str(found) if isinstance(found, int) else f"{found:f}")


def substitute_references(document: Any, base: Path) -> Any:
    def action(value: Any, path: Path, is_key: bool) -> Any:
        if not isinstance(value, str):
            return value
        for old in REGEX_REFERENCES.findall(value):
            initial = old[:2] == "$("
            v = old if initial else old[1:]
            resolved = _resolve_reference(document, base, v, path)
            if resolved is None:
                raise VariableError(f"got nil resolved variable {v} at path {traversal_path(path)}: <nil>")
            if not isinstance(resolved, str):
                raise VariableError(
                    f"NotResolvedReferenceErr,reference {v} not resolved at path {traversal_path(path)}"
                )
            value = value.replace(old, ("" if initial else old[0]) + resolved, 1)
        for m in REGEX_ESCP_REFERENCES.finditer(value):
            value = value.replace(m.group(0), m.group(0)[1:])
        return value

    return walk(document, base, action)
