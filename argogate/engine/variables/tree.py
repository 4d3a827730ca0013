"""The document walk and the error shared by `{{ }}` and `$( )` substitution.

`walk` is kyverno `pkg/engine/jsonutils/traverse.go`: an action on every leaf and
every map key, descending into whatever the action returned. `markers` tells, per
container, whether there is anything to substitute in it at all.
"""

from __future__ import annotations

from typing import Any

from argogate.engine.identity import identity_memo

Path = tuple[str | int, ...]


class VariableError(Exception):
    """A variable or reference that Kyverno could not resolve; `message` is Kyverno's text."""

    def __init__(self, message: str, *, variable: str = "", path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.variable = variable
        self.path = path

    def __str__(self) -> str:
        return self.message


def traversal_path(path: Path) -> str:
    """jsonutils traverse.go path text: "" for the root, "/a/0/b", with "/" in keys escaped."""
    return "".join("/" + (str(p).replace("/", "\\/") if isinstance(p, str) else str(p)) for p in path)


def walk(doc: Any, path: Path, action: Any) -> Any:
    """traverse.go: act on leaves and keys; descend into whatever the action returned."""
    element = action(doc, path, False) if not isinstance(doc, (dict, list)) else doc
    if isinstance(element, dict):
        out: dict[Any, Any] = {}
        for key, child in element.items():
            new_key = action(key, path, True) if isinstance(key, str) else key
            if new_key is None:
                new_key = key
            elif not isinstance(new_key, str):
                raise VariableError(f'expected string after substituting variables in key "{key}"', path=path)
            out[new_key] = walk(child, (*path, key), action)
        return out
    if isinstance(element, list):
        return [walk(child, (*path, i), action) for i, child in enumerate(element)]
    return element


VARS, REFS = 1, 2  # a document holds `{{` / `$(` somewhere (in a string or a key)


def _text_markers(text: str) -> int:
    return (VARS if "{{" in text else 0) | (REFS if "$(" in text else 0)


def _scan(doc: Any) -> int:
    found = 0
    if isinstance(doc, dict):
        for k, v in doc.items():
            if isinstance(k, str):
                found |= _text_markers(k)
            if isinstance(v, str):
                found |= _text_markers(v)
            elif isinstance(v, (dict, list)):
                found |= markers(v)
    else:
        for v in doc:
            if isinstance(v, str):
                found |= _text_markers(v)
            elif isinstance(v, (dict, list)):
                found |= markers(v)
    return found


# Policy documents are substituted once per resource but rarely hold a variable, and then
# only in a few leaves: remember, per container object, which markers it holds.
markers = identity_memo(32768)(_scan)


def copy_tree(doc: Any) -> Any:
    """What `walk` makes of a container without markers: the same tree, new containers."""
    if isinstance(doc, dict):
        return {k: copy_tree(v) if isinstance(v, (dict, list)) else v for k, v in doc.items()}
    return [copy_tree(v) if isinstance(v, (dict, list)) else v for v in doc]
