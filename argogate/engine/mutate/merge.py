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

from argogate.engine.mutate.mergekeys import ListSpec, root_type, type_tables


class MergeError(Exception):
    """The patch does not fit the resource (kyaml returns an error; kyverno reports `error`)."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
_DIRECTIVE = "$patch"


def merge(resource: dict[str, Any], patch: Any) -> Any:
    """Merge `patch` into `resource`; returns the new document (inputs are not modified).

    Copy-on-write: subtrees of `resource` the patch does not touch are shared with the
    result, everything taken from the patch is copied."""
    out = _walk(resource, patch, root_type(resource), None)
    return None if out is MISSING else out


_IMMUTABLE: Final = (str, int, float, bool, type(None))


def copy_tree(node: Any, memo: dict[int, Any] | None = None) -> Any:
    """`copy.deepcopy` for parsed YAML/JSON trees, several times faster: immutable
    scalars are returned as they are, shared containers stay shared in the copy."""
    if isinstance(node, _IMMUTABLE):
        return node
    if isinstance(node, dict | list):
        if memo is None:
            memo = {}
        done = memo.get(id(node))
        if done is not None:
            return done
        if isinstance(node, dict):
            copied: dict[Any, Any] = {}
            memo[id(node)] = copied
            for k, v in node.items():
                copied[k] = v if isinstance(v, _IMMUTABLE) else copy_tree(v, memo)
            return copied
        items: list[Any] = []
        memo[id(node)] = items
        items.extend(v if isinstance(v, _IMMUTABLE) else copy_tree(v, memo) for v in node)
        return items
    return copy.deepcopy(node)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "MappingNode"
    if isinstance(value, list):
        return "SequenceNode"
    return "ScalarNode"


def _walk(dest: Any, patch: Any, type_name: str | None, spec: ListSpec | None) -> Any:
    has_dest = dest is not MISSING and dest is not None
    if patch is MISSING or patch is None:
        if not has_dest:
            # kyaml: nothing but nulls -> an explicit null patch clears, a null in the resource stays
            return MISSING if patch is None else dest
        kind = _kind(dest)
    else:
        kind = _kind(patch)
        if has_dest and _kind(dest) != kind:
            # kyaml yaml.ErrorIfAnyInvalidAndNonNull
            raise MergeError(f"wrong node kind: expected {_kind(dest)} but got {kind}")
    if kind == "MappingNode":
        return _walk_map(dest, patch, type_name)
    if kind == "SequenceNode" and spec is not None:
        return _walk_assoc(dest, patch, spec)
    if patch is MISSING:
        return dest
    return MISSING if patch is None else copy_tree(patch)


def _directive(patch: dict[str, Any]) -> str:
    if _DIRECTIVE not in patch:
        return "merge"
    value = patch[_DIRECTIVE]
    if value not in ("merge", "replace", "delete"):
        raise MergeError(f"unknown patch strategy '{value}'")
    return str(value)


def _without_directive(patch: dict[str, Any]) -> dict[str, Any]:
    if _DIRECTIVE not in patch:
        return patch
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
    fields, lists = type_tables(type_name)
    for key, pvalue in patch.items():
        base = pvalue if fresh else dest.get(key, MISSING)
        # shortcuts for what `_walk` does with the common pairs
        if isinstance(pvalue, dict):
            if isinstance(base, dict) and _DIRECTIVE not in pvalue:
                out[key] = _merge_fields(base, pvalue, fields.get(key), fresh=False)
                continue
        elif isinstance(pvalue, _IMMUTABLE) and pvalue is not None:
            if base is MISSING or base is None or isinstance(base, _IMMUTABLE):
                out[key] = pvalue  # a scalar replaces a scalar or fills a gap
                continue
        merged = _walk(base, pvalue, fields.get(key), lists.get(key))
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
    patch_ids = [_ident(e, keys) for e in patch]
    dest_ids = patch_ids if fresh else [_ident(e, keys) for e in dest_list]
    if len(keys) <= 1:
        return _walk_single_key(dest_list, dest_ids, patch, patch_ids, keys, spec.element)
    # Prepend: values from the patch first, then the ones only the resource has
    values: list[tuple[str, ...]] = list(dict.fromkeys([*patch_ids, *dest_ids]))
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            unified = _compatible(a, b)
            if unified is not None:
                values[i] = values[j] = unified
    values = list(dict.fromkeys(values))
    width = len(keys)
    valid = tuple(any(v[i] for v in values) for i in range(width))
    if not any(valid):
        valid = tuple(True for _ in range(width))
    items: list[tuple[tuple[str, ...], Any]] = []
    removed: list[tuple[str, ...]] = []
    for want in values:
        d_el = next(
            (e for e, i in zip(dest_list, dest_ids, strict=True) if _matches(i, want, valid)), MISSING
        )
        p_el = next((e for e, i in zip(patch, patch_ids, strict=True) if _matches(i, want, valid)), MISSING)
        val = _walk(d_el, p_el, spec.element, None)
        if val is MISSING or val is None or val == {}:
            removed.append(want)
            continue
        if isinstance(val, dict):
            for key, value, ok in zip(keys, want, valid, strict=True):
                if ok and value and key not in val:
                    val = {**val, key: value}
        items.append((want, val))
    result = [val for _, val in items]
    for element, ident in zip(dest_list, dest_ids, strict=True):
        if any(_matches(ident, want, valid) for want, _ in items) or any(
            _matches(ident, want, valid) for want in removed
        ):
            continue
        result.append(element)
    return result


def _walk_single_key(
    dest_list: list[Any],
    dest_ids: list[tuple[str, ...]],
    patch: list[Any],
    patch_ids: list[tuple[str, ...]],
    keys: tuple[str, ...],
    element_type: str | None,
) -> list[Any]:
    """`_walk_assoc` for one merge key (or a set of scalars): an element matches a value
    exactly when its key is that value, so every resource element is merged or removed."""
    first_dest: dict[tuple[str, ...], Any] = {}
    for element, ident in zip(dest_list, dest_ids, strict=True):
        first_dest.setdefault(ident, element)
    first_patch: dict[tuple[str, ...], Any] = {}
    for element, ident in zip(patch, patch_ids, strict=True):
        first_patch.setdefault(ident, element)
    result: list[Any] = []
    for want in dict.fromkeys([*patch_ids, *dest_ids]):
        p_el = first_patch.get(want, MISSING)
        d_el = first_dest.get(want, MISSING)
        # `_walk` keeps a resource element the patch does not mention as it is
        val = d_el if p_el is MISSING else _walk(d_el, p_el, element_type, None)
        if val is MISSING or val is None or val == {}:
            continue
        if keys and want[0] and isinstance(val, dict) and keys[0] not in val:
            val = {**val, keys[0]: want[0]}
        result.append(val)
    return result
