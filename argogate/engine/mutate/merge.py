"""kyaml `merge2` (what kustomize calls a strategic merge patch), over plain JSON data.

Kyverno applies patchStrategicMerge with kustomize's `patchstrategicmerge.Filter`,
i.e. `merge2.Merge(patch, resource, ListIncreaseDirection=Prepend)`. This differs
from apimachinery's SMP in ways users see in the output, so it is reproduced here
rather than approximated with a JSON merge patch:

* an associative list comes out as *patch elements first* (in patch order), then
  the resource's remaining elements: kyaml prepends (kustomize
  `api/filters/patchstrategicmerge`; it is why kyverno reverses foreach elements
  for patchStrategicMerge);
* a null value, or `$patch: delete`, removes the field / list element; an element
  that merges to `{}` is dropped (kyaml `walk/associative_sequence.go`);
* `$patch: replace` replaces a map; `$patch` is removed from the output; any other
  `$patch` value is an error (kyaml `merge2/smpdirective.go`);
* lists without a merge strategy in the schema are replaced (see `mergekeys`).
"""

from __future__ import annotations

import copy
from typing import Any, Final

from argogate.engine.mutate.mergekeys import ListSpec, field_type, list_spec, root_type


class MergeError(Exception):
    """The patch does not fit the resource (kyaml returns an error; kyverno reports `error`)."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
_DIRECTIVE = "$patch"


def merge(resource: dict[str, Any], patch: Any) -> Any:
    """Merge `patch` into `resource`; returns the new document (inputs are not modified)."""
    out = _walk(resource, patch, root_type(resource), None)
    return None if out is MISSING else out


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "MappingNode"
    if isinstance(value, list):
        return "SequenceNode"
    return "ScalarNode"


def _walk(dest: Any, patch: Any, type_name: str | None, spec: ListSpec | None) -> Any:
    present = [v for v in (dest, patch) if v is not MISSING and v is not None]
    if not present:
        # kyaml: nothing but nulls -> an explicit null patch clears, a null in the resource stays
        if patch is None:
            return MISSING
        return dest
    kind = _kind(present[0])
    for v in present[1:]:
        if _kind(v) != kind:
            # kyaml yaml.ErrorIfAnyInvalidAndNonNull
            raise MergeError(f"wrong node kind: expected {kind} but got {_kind(v)}")
    if kind == "MappingNode":
        return _walk_map(dest, patch, type_name)
    if kind == "SequenceNode":
        if spec is None:
            if patch is MISSING:
                return dest
            return MISSING if patch is None else copy.deepcopy(patch)
        return _walk_assoc(dest, patch, spec)
    if patch is MISSING:
        return dest
    return MISSING if patch is None else copy.deepcopy(patch)


def _directive(patch: dict[str, Any]) -> str:
    value = patch.get(_DIRECTIVE, "merge")
    if value not in ("merge", "replace", "delete"):
        raise MergeError(f"unknown patch strategy '{value}'")
    return str(value)


def _without_directive(patch: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in patch.items() if k != _DIRECTIVE}


def _walk_map(dest: Any, patch: Any, type_name: str | None) -> Any:
    if patch is MISSING:
        return dest
    if dest is MISSING or dest is None:
        if _directive(patch) == "delete":
            return MISSING
        return _merge_fields({}, _without_directive(patch), type_name, fresh=True)
    if patch is None:
        return MISSING
    directive = _directive(patch)
    if directive == "delete":
        return MISSING
    if directive == "replace":
        return _merge_fields({}, _without_directive(patch), type_name, fresh=True)
    return _merge_fields(dest, _without_directive(patch), type_name, fresh=False)


def _merge_fields(dest: dict[str, Any], patch: dict[str, Any], type_name: str | None, *, fresh: bool) -> Any:
    """Merge map fields; with `fresh`, `patch` is new content walked against itself (kyaml
    walks an added subtree as dest=origin=patch, which drops nulls and applies directives)."""
    out = dict(dest)
    for key, pvalue in patch.items():
        child_type = field_type(type_name, key)
        child_spec = list_spec(type_name, key)
        base = pvalue if fresh else dest.get(key, MISSING)
        merged = _walk(base, pvalue, child_type, child_spec)
        if merged is MISSING:
            out.pop(key, None)
        else:
            out[key] = merged
    return out


def _scalar_str(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ident(element: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
    if not keys:
        return (_scalar_str(element),)
    if not isinstance(element, dict):
        return tuple("" for _ in keys)
    return tuple(_scalar_str(element.get(k)) for k in keys)


def _compatible(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...] | None:
    # kyaml associative_sequence.go match(): one common value, others equal or one empty
    common = False
    out: list[str] = []
    for x, y in zip(a, b, strict=True):
        if x == y:
            common = True
            out.append(x)
        elif x and y:
            return None
        else:
            out.append(x or y)
    return tuple(out) if common else None


def _matches(ident: tuple[str, ...], want: tuple[str, ...], valid: tuple[bool, ...]) -> bool:
    pairs = [(i, w) for i, w, ok in zip(ident, want, valid, strict=True) if ok]
    if len(pairs) > 1:
        # multi-key lists (ports): a missing secondary key matches (kyaml mergeValues)
        return any(i == w and i for i, w in pairs) and all(i == w or not i for i, w in pairs)
    return all(i == w for i, w in pairs)


def _walk_assoc(dest: Any, patch: Any, spec: ListSpec) -> Any:
    if patch is None:
        return MISSING
    if patch is MISSING:
        return dest
    fresh = dest is MISSING or dest is None
    dest_list: list[Any] = list(patch if fresh else dest)
    keys = spec.keys
    # Prepend: values from the patch first, then the ones only the resource has
    values: list[tuple[str, ...]] = []
    for element in [*patch, *dest_list]:
        ident = _ident(element, keys)
        if ident not in values:
            values.append(ident)
    if len(keys) > 1:
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                unified = _compatible(a, b)
                if unified is not None:
                    values[i] = values[j] = unified
        values = list(dict.fromkeys(values))
    width = len(keys) or 1
    valid = tuple(any(v[i] for v in values) for i in range(width))
    if not any(valid):
        valid = tuple(True for _ in range(width))
    items: list[tuple[tuple[str, ...], Any]] = []
    removed: list[tuple[str, ...]] = []
    for want in values:
        d_el = next((e for e in dest_list if _matches(_ident(e, keys), want, valid)), MISSING)
        p_el = next((e for e in patch if _matches(_ident(e, keys), want, valid)), MISSING)
        val = _walk(d_el, p_el, spec.element, None)
        if val is MISSING or val is None or val == {}:
            removed.append(want)
            continue
        if keys and isinstance(val, dict):
            for key, value, ok in zip(keys, want, valid, strict=True):
                if ok and value and key not in val:
                    val = {**val, key: value}
        items.append((want, val))
    result = [val for _, val in items]
    for element in dest_list:
        ident = _ident(element, keys)
        if any(_matches(ident, want, valid) for want, _ in items) or any(
            _matches(ident, want, valid) for want in removed
        ):
            continue
        result.append(element)
    return result
