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

import re
from typing import Any

from argogate.engine import jmes
from argogate.engine.context import Context
from argogate.engine.gofmt import go_json
from argogate.engine.jmes.compiled import Eval
from argogate.engine.variables.references import is_reference, substitute_references
from argogate.engine.variables.tree import REFS, Path, VariableError, copy_tree, markers, traversal_path, walk

__all__ = [
    "VariableError",
    "is_reference",
    "is_variable",
    "substitute_all",
    "substitute_in_conditions",
    "substitute_in_preconditions",
    "substitute_shared",
    "traversal_path",
]

# vars.go
REGEX_VARIABLES = re.compile(r"(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})")
REGEX_ESCP_VARIABLES = re.compile(r"\\\{\{(\{[^{}]*\}|[^{}])*\}\}")
_REGEX_VARIABLE_INIT = re.compile(r"^\{\{(\{[^{}]*\}|[^{}])*\}\}")
_MAX_PASSES = 1000


def is_variable(value: str) -> bool:
    return REGEX_VARIABLES.search(value) is not None


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


# per variable text, its compiled query, or why it does not compile
_QUERIES: dict[str, Eval | str] = {}


def _query(variable: str) -> Eval | str:
    found = _QUERIES.get(variable)
    if found is None:
        query = variable.strip()
        if query == "":
            found = "invalid query (nil)"
        else:
            try:
                found = jmes.evaluator(query)
            except jmes.JMESError as e:
                found = f"incorrect query {query}: {e}"
        if len(_QUERIES) >= 16384:
            _QUERIES.clear()
        _QUERIES[variable] = found
    return found


def _resolve(ctx: Context, variable: str) -> Any:
    """DefaultVariableResolver: context.Query."""
    run = _query(variable)
    if isinstance(run, str):
        raise _QueryError(run)
    try:
        return jmes.apply(run, ctx.data)
    except jmes.JMESError as e:
        raise _QueryError(f"JMESPath query failed: {e}") from None


class _QueryError(Exception):
    pass


def _is_delete(ctx: Context) -> bool:
    request = ctx.data.get("request")
    return isinstance(request, dict) and request.get("operation") == "DELETE"


# per template string, its variables: (the match, starts the string, the variable text, the query)
_Occurrence = tuple[str, bool, str, str]
_TEMPLATES: dict[str, tuple[_Occurrence, ...]] = {}


def _occurrences(value: str) -> tuple[_Occurrence, ...]:
    found = _TEMPLATES.get(value)
    if found is None:
        out = []
        for m in REGEX_VARIABLES.finditer(value):
            old = m.group(0)
            initial = _REGEX_VARIABLE_INIT.match(old) is not None
            v = old if initial else old[1:]
            out.append((old, initial, v, v.replace("{{", "").replace("}}", "").strip()))
        found = tuple(out)
        if len(_TEMPLATES) >= 16384:
            _TEMPLATES.clear()
        _TEMPLATES[value] = found
    return found


def _substitute_string(value: str, ctx: Context, path: Path) -> Any:
    matches = _occurrences(value) if "{{" in value else ()
    if not matches:
        return _unescape(value)
    delete = _is_delete(ctx)
    passes = 0
    while matches:
        passes += 1
        if passes > _MAX_PASSES:
            raise VariableError(
                f"variable substitution did not terminate at path {traversal_path(path)}", path=path
            )
        original = value
        for old, initial, v, variable in matches:
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
        matches = _occurrences(value) if "{{" in value else ()
    return _unescape(value)


def _unescape(value: str) -> str:
    if "\\{{" not in value:
        return value
    for m in REGEX_ESCP_VARIABLES.finditer(value):
        value = value.replace(m.group(0), m.group(0)[1:])
    return value


# --- public API ---------------------------------------------------------------------------


def _variables_action(ctx: Context) -> Any:
    def action(value: Any, at: Path, is_key: bool) -> Any:
        return _substitute_string(value, ctx, at) if isinstance(value, str) else value

    return action


def _leaf(value: str, ctx: Context, path: Path) -> Any:
    out = _substitute_string(value, ctx, path)
    if isinstance(out, (dict, list)):  # a substituted map or list is walked again
        return _substitute_variables(out, ctx, path, False, False)
    return out


def _substitute_variables(doc: Any, ctx: Context, path: Path, share: bool, policy: bool = True) -> Any:
    """`walk` with the variables action, on a container without references. In a `policy`
    document only what holds `{{` is visited and the rest is copied (or, with `share`,
    reused as is); anything else (a substituted value) is walked whole into a copy."""
    if isinstance(doc, dict):
        out: dict[Any, Any] = {}
        for key, child in doc.items():
            new_key = key
            if isinstance(key, str) and "{{" in key:
                new_key = _substitute_string(key, ctx, path)
                if new_key is None:
                    new_key = key
                elif not isinstance(new_key, str):
                    raise VariableError(
                        f'expected string after substituting variables in key "{key}"', path=path
                    )
            if isinstance(child, str):
                if "{{" in child:
                    child = _leaf(child, ctx, (*path, key))
            elif isinstance(child, (dict, list)):
                if not policy or markers(child):
                    child = _substitute_variables(child, ctx, (*path, key), share, policy)
                elif not share:
                    child = copy_tree(child)
            out[new_key] = child
        return out
    items: list[Any] = []
    for i, child in enumerate(doc):
        if isinstance(child, str):
            if "{{" in child:
                child = _leaf(child, ctx, (*path, i))
        elif isinstance(child, (dict, list)):
            if not policy or markers(child):
                child = _substitute_variables(child, ctx, (*path, i), share, policy)
            elif not share:
                child = copy_tree(child)
        items.append(child)
    return items


def _substitute(document: Any, ctx: Context, path: Path, share: bool) -> Any:
    if isinstance(document, str):
        if "$(" in document:
            return walk(substitute_references(document, path), path, _variables_action(ctx))
        return _leaf(document, ctx, path) if "{{" in document else document
    if not isinstance(document, (dict, list)):
        return document
    found = markers(document)
    if not found:
        return document
    if found & REFS:
        return walk(substitute_references(document, path), path, _variables_action(ctx))
    return _substitute_variables(document, ctx, path, share)


def substitute_all(document: Any, ctx: Context, *, path: Path = ()) -> Any:
    """SubstituteAll: references first, then variables. `path` locates `document` in the rule
    (it decides what `{{@}}` means and appears in error messages).

    A document with neither `{{` nor `$(` anywhere comes back as is (not a copy): there is
    nothing to substitute and no escape to remove, and no caller edits what it gets back.
    Otherwise the result is a new tree (a caller may edit it)."""
    return _substitute(document, ctx, path, False)


def substitute_shared(document: Any, ctx: Context, *, path: Path = ()) -> Any:
    """`substitute_all` for callers that only read the result (patterns, conditions, messages):
    the parts without variables are the document's own objects, not copies."""
    return _substitute(document, ctx, path, True)


def substitute_in_preconditions(document: Any, ctx: Context, *, path: Path = ()) -> Any:
    """SubstituteAllInPreconditions: the same resolution and errors as `substitute_all`
    (the result is only read: see `substitute_shared`)."""
    return _substitute(document, ctx, path, True)


def substitute_in_conditions(conditions: Any, ctx: Context, *, path: Path = ()) -> Any:
    """SubstituteAllInConditions: the whole conditions block substituted at once."""
    return substitute_all(conditions, ctx, path=path)
