"""`{{ }}` variable and `$( )` reference substitution (kyverno pkg/engine/variables/vars.go).

Kyverno walks a JSON document (jsonutils/traverse.go), substituting in every string leaf
and every map key. A string that is exactly one variable takes the value's JSON type; a
variable inside a longer string is replaced by the value's text (strings as is, anything
else as Go `json.Marshal`). Substituted text is scanned again, so nested `{{ }}` resolve
inside out, and a substituted map or list is itself walked. `\\{{ }}` is an escape.

A variable whose query fails - including a field missing from an object, which Kyverno's
go-jmespath reports as `Unknown key "x" in path` - raises `VariableError`; a query that
yields null substitutes null. Preconditions use the same resolver (vars.go
newPreconditionsVariableResolver now returns the error too).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from argogate.engine import jmes
from argogate.engine.context import Context
from argogate.engine.gofmt import go_json
from argogate.engine.identity import identity_memo

Path = tuple[str | int, ...]

# vars.go
REGEX_VARIABLES = re.compile(r"(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})")
REGEX_ESCP_VARIABLES = re.compile(r"\\\{\{(\{[^{}]*\}|[^{}])*\}\}")
REGEX_REFERENCES = re.compile(r"^\$\(.[^\ ]*\)|[^\\]\$\(.[^\ ]*\)")
REGEX_ESCP_REFERENCES = re.compile(r"\\\$\(.[^\ ]*\)")
_REGEX_VARIABLE_INIT = re.compile(r"^\{\{(\{[^{}]*\}|[^{}])*\}\}")
_MAX_PASSES = 1000


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


def is_variable(value: str) -> bool:
    return REGEX_VARIABLES.search(value) is not None


def is_reference(value: str) -> bool:
    return REGEX_REFERENCES.search(value) is not None


def _walk(doc: Any, path: Path, action: Any) -> Any:
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
            out[new_key] = _walk(child, (*path, key), action)
        return out
    if isinstance(element, list):
        return [_walk(child, (*path, i), action) for i, child in enumerate(element)]
    return element


# --- variables ---------------------------------------------------------------------------


_CONTROL_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _jmespath_component(component: str) -> str:
    """jsonpointer.Pointer.JMESPath for one non-index component."""
    if re.fullmatch(r"[A-Za-z_][)0-9A-Za-z_]*", component):
        return component
    out = []
    for ch in component:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ord(ch) >= 0x20:
            out.append(ch)
        else:
            out.append(_CONTROL_ESCAPES.get(ch, f"\\u{ord(ch):04x}"))
    return '"' + "".join(out) + '"'


def _at_path(ctx: Context, path: Path) -> str:
    """The JMESPath for `{{@}}`: the path minus the rule prefix, under request.object (or target)."""
    prefix = ["target"] if "target" in ctx.data else ["request", "object"]
    parts = [str(p) for p in path]
    if "foreach" in parts:  # Pointer.SkipPast: after the first "foreach"
        parts = parts[parts.index("foreach") + 1 :]
    parts = [] if 2 > len(parts) - 1 else parts[2:]  # Pointer.SkipN(2)
    out = ""
    for comp in [*prefix, *parts]:
        if comp.isdigit():
            out += f"[{comp}]"
            continue
        out += ("." if out else "") + _jmespath_component(comp)
    return out


def _resolve(ctx: Context, variable: str) -> Any:
    """DefaultVariableResolver: context.Query."""
    query = variable.strip()
    if query == "":
        raise _QueryError("invalid query (nil)")
    try:
        jmes.compile(query)
    except jmes.JMESError as e:
        raise _QueryError(f"incorrect query {query}: {e}") from None
    try:
        return jmes.search(query, ctx.data)
    except jmes.JMESError as e:
        raise _QueryError(f"JMESPath query failed: {e}") from None


class _QueryError(Exception):
    pass


def _is_delete(ctx: Context) -> bool:
    request = ctx.data.get("request")
    return isinstance(request, dict) and request.get("operation") == "DELETE"


def _substitute_string(value: str, ctx: Context, path: Path) -> Any:
    delete = _is_delete(ctx)
    matches = [m.group(0) for m in REGEX_VARIABLES.finditer(value)]
    passes = 0
    while matches:
        passes += 1
        if passes > _MAX_PASSES:
            raise VariableError(
                f"variable substitution did not terminate at path {traversal_path(path)}", path=path
            )
        original = value
        for old in matches:
            initial = _REGEX_VARIABLE_INIT.match(old) is not None
            v = old if initial else old[1:]
            variable = v.replace("{{", "").replace("}}", "").strip()
            if variable == "@":
                variable = _at_path(ctx, path)
            if delete:
                variable = variable.replace("request.object", "request.oldObject")
            try:
                substituted = _resolve(ctx, variable)
            except _QueryError as e:
                raise VariableError(
                    f"failed to resolve {variable} at path {traversal_path(path)}: {e}",
                    variable=variable,
                    path=path,
                ) from None
            if original == v:
                return substituted
            prefix = "" if initial else old[0]
            text = substituted if isinstance(substituted, str) else go_json(substituted)
            # vars.go substituteVarInPattern replaces in the pattern as it was before this pass
            value = original.replace(prefix + v, prefix + text, 1)
        matches = [m.group(0) for m in REGEX_VARIABLES.finditer(value)]
    for m in REGEX_ESCP_VARIABLES.finditer(value):
        value = value.replace(m.group(0), m.group(0)[1:])
    return value


# --- references ---------------------------------------------------------------------------

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


def _substitute_references(document: Any, base: Path) -> Any:
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

    return _walk(document, base, action)


# --- public API ---------------------------------------------------------------------------


def _scan(doc: Any) -> bool:
    if isinstance(doc, str):
        return "{{" in doc or "$(" in doc
    if isinstance(doc, dict):
        return any(_scan(k) or _scan(v) for k, v in doc.items())
    if isinstance(doc, list):
        return any(_scan(v) for v in doc)
    return False


# Policy documents are substituted once per resource but rarely hold a variable: remember,
# per document object, whether it has anything to substitute.
_scan_document = identity_memo(8192)(_scan)


def _has_markers(doc: Any) -> bool:
    if not isinstance(doc, (dict, list)):
        return isinstance(doc, str) and ("{{" in doc or "$(" in doc)
    return _scan_document(doc)


def substitute_all(document: Any, ctx: Context, *, path: Path = ()) -> Any:
    """SubstituteAll: references first, then variables. `path` locates `document` in the rule
    (it decides what `{{@}}` means and appears in error messages).

    A document with neither `{{` nor `$(` anywhere comes back as is (not a copy): there is
    nothing to substitute and no escape to remove, and no caller edits what it gets back."""
    if not _has_markers(document):
        return document
    document = _substitute_references(document, path)

    def action(value: Any, at: Path, is_key: bool) -> Any:
        return _substitute_string(value, ctx, at) if isinstance(value, str) else value

    return _walk(document, path, action)


def substitute_in_preconditions(document: Any, ctx: Context, *, path: Path = ()) -> Any:
    """SubstituteAllInPreconditions: the same resolution and errors as `substitute_all`."""
    return substitute_all(document, ctx, path=path)


def substitute_in_conditions(conditions: Any, ctx: Context, *, path: Path = ()) -> Any:
    """SubstituteAllInConditions: the whole conditions block substituted at once."""
    return substitute_all(conditions, ctx, path=path)
