"""What a patchStrategicMerge's keys and values say about anchors, and the final clean-up.

The shared half of kyverno `pkg/engine/mutate/patch/strategicPreprocessing.go`
(`hasAnchors`, `deleteConditionElements`, `deleteAnchors*`) for `strategic`:
which keys are `+()`, `()` or `<()` anchors (cached per key tuple, since the same
few patch shapes meet every resource), which subtrees hold anchors, and how the
anchored keys and emptied maps leave the patch at the end.
"""

from __future__ import annotations

from typing import Any

from argogate.engine import anchors


class PreprocessError(Exception):
    """A patch that cannot be preprocessed (kyverno: `failed to preProcess rule: ...`)."""


_PARSED: dict[str, tuple[str, str] | None] = {}


def parse_anchor(key: Any) -> tuple[str, str] | None:
    """(modifier, bare key) for `(k)`, `+(k)`, `<(k)`, `=(k)`, `X(k)`, `^(k)`; None otherwise."""
    if not isinstance(key, str):
        return None
    try:
        return _PARSED[key]
    except KeyError:
        pass
    found = anchors.parse(key)
    parsed = None if found is None else (found.kind.value, found.key)
    if len(_PARSED) < 65536:
        _PARSED[key] = parsed
    return parsed


def bare_key(key: str) -> str:
    """The key inside an anchor."""
    parsed = parse_anchor(key)
    assert parsed is not None
    return parsed[1]


def _looks_like_condition(text: str) -> bool:
    """Whether a scalar's text parses as a `(x)` or `<(x)` anchor (only text with `)` can)."""
    if ")" not in text:
        return False
    parsed = parse_anchor(text)
    return parsed is not None and parsed[0] in ("", "<")


# What preprocessing needs to know about a map's keys, cached per key tuple: the same few
# patch shapes are preprocessed against every resource.
ADD, LOCAL, GLOBAL_KEY = 4, 8, 16
CONDITION = LOCAL | GLOBAL_KEY
MUTATE = ADD | CONDITION
"""The anchors preprocessing acts on: add-if-not-present, conditions, global conditions."""
ANY, GLOBAL = 1, 2
"""`anchor_flags` bits: kyverno `hasAnchors(p, hasAnchor)` and `hasAnchors(p, IsGlobal)`."""
BOTH = ANY | GLOBAL
_KIND_BITS = {"+": ADD | ANY, "": LOCAL | ANY, "<": GLOBAL_KEY | BOTH}

_KeyInfo = tuple[tuple[int, ...], int]
"""(per key: its `_KIND_BITS`, 0 for an ordinary key; all keys' bits or-ed)."""
_KEY_INFO: dict[tuple[Any, ...], _KeyInfo] = {}


def key_info(pattern: dict[Any, Any]) -> _KeyInfo:
    """What the keys of `pattern` say: per key its anchor bits, and all of them or-ed."""
    keys = tuple(pattern)
    info = _KEY_INFO.get(keys)
    if info is None:
        bits = []
        for key in keys:
            parsed = parse_anchor(key)
            bits.append(0 if parsed is None else _KIND_BITS.get(parsed[0], 0))
        mask = 0
        for b in bits:
            mask |= b
        info = (tuple(bits), mask)
        if len(_KEY_INFO) >= 16384:
            _KEY_INFO.clear()
        _KEY_INFO[keys] = info
    return info


_CONTAINERS = (dict, list)


def rename_key(pattern: dict[str, Any], old: str, new: str) -> None:
    items = [(new if k == old else k, v) for k, v in pattern.items()]
    pattern.clear()
    pattern.update(items)


def anchor_flags(pattern: Any, wanted: int = BOTH) -> int:
    """Which anchors `pattern` holds (`ANY`, `GLOBAL`); stops once all of `wanted` are found."""
    if isinstance(pattern, dict):
        found = key_info(pattern)[1] & BOTH
        if found & wanted == wanted:
            return found
        for value in pattern.values():
            if isinstance(value, str):
                # kyverno quirk: a scalar *value* that looks like `(x)` or `<(x)` counts as an anchor
                if _looks_like_condition(value):
                    return BOTH
            elif isinstance(value, _CONTAINERS) and value:
                found |= anchor_flags(value, wanted & ~found)
                if found & wanted == wanted:
                    return found
        return found
    if isinstance(pattern, list):
        found = 0
        for element in pattern:
            found |= anchor_flags(element, wanted & ~found)
            if found & wanted == wanted:
                return found
        return found
    if isinstance(pattern, str) and _looks_like_condition(pattern):
        return BOTH
    return 0


def has_anchors(pattern: Any) -> bool:
    """kyverno `hasAnchors(pattern, hasAnchor)`."""
    return bool(anchor_flags(pattern, ANY))


def delete_condition_elements(pattern: dict[str, Any]) -> None:
    bits, _ = key_info(pattern)
    for key, b in list(zip(pattern, bits, strict=True)):
        if delete_anchors(pattern[key], bool(b & CONDITION), False):
            del pattern[key]


def delete_anchors(node: Any, delete_scalar: bool, traverse: bool) -> bool:
    """kyverno `deleteAnchors`: strip anchored keys from `node`; True when `node` should go too."""
    if isinstance(node, dict):
        return _delete_anchors_in_map(node, traverse)
    if isinstance(node, list):
        return _delete_anchors_in_list(node, traverse)
    return delete_scalar


def _delete_anchors_in_map(node: dict[str, Any], traverse: bool) -> bool:
    bits, mask = key_info(node)
    if mask & CONDITION:
        anchors_exist = False
        for raw in [k for k, b in zip(node, bits, strict=True) if b & CONDITION]:
            if delete_anchors(node[raw], True, traverse):
                del node[raw]
            else:
                anchors_exist = True
        if anchors_exist:
            bits, _ = key_info(node)
            for raw in [k for k, b in zip(node, bits, strict=True) if b & CONDITION]:
                rename_key(node, raw, bare_key(raw))
    need_to_delete = True
    for key, value in list(node.items()):
        if isinstance(value, dict):
            gone = _delete_anchors_in_map(value, traverse)
        elif isinstance(value, list):
            gone = _delete_anchors_in_list(value, traverse)
        else:
            gone = False  # a scalar under an ordinary key stays
        if gone:
            del node[key]
        else:
            need_to_delete = False
    return need_to_delete


def _delete_anchors_in_list(node: list[Any], traverse: bool) -> bool:
    was_empty = not node
    for index, element in enumerate(list(node)):
        if has_anchors(element):
            delete = True
            if traverse and isinstance(element, dict):
                delete = delete_anchors(element, True, traverse)
        else:
            delete = delete_anchors(element, False, traverse)
        if delete:
            # kyverno quirk (issue #16862): deletes by the index of a stale snapshot
            if index >= len(node):
                raise PreprocessError(f"slice bounds out of range [{index + 1}:{len(node)}]")
            del node[index]
    return not node and not was_empty
