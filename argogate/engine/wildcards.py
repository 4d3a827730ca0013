"""Kyverno's `*` / `?` wildcards, and wildcard label/annotation keys in patterns.

`match` is `pkg/utils/wildcard.Match`, i.e. github.com/IGLOU-EU/go-wildcard v1:
`*` matches any run of characters (also none), `?` exactly one character,
nothing else is special (no classes, no escapes), and `/` is an ordinary
character. It runs tens of thousands of times per evaluation, so a compiled
regex is cached per pattern and the common shapes (`*`, no wildcard) are
answered without one.

`expand_in_metadata` is `pkg/engine/wildcards/wildcards.go: ExpandInMetadata`:
in a pattern map with a `metadata` key, wildcard keys under `labels` /
`annotations` are replaced by the first resource key they match, so that the
walker can then look the value up (anchors on those keys are kept).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from argogate.engine import anchors


def contains_wildcard(s: str) -> bool:
    return "*" in s or "?" in s


@lru_cache(maxsize=8192)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.DOTALL)


def match(pattern: str, value: str) -> bool:
    """True if `value` matches the wildcard `pattern` (whole string)."""
    if pattern == "*" or pattern == value:
        return True
    if "*" not in pattern and "?" not in pattern:
        return False
    return _compile(pattern).fullmatch(value) is not None


def match_any(patterns: list[str], *names: str) -> bool:
    """`CheckPatterns`: does any name match any pattern."""
    return any(match(p, n) for n in names for p in patterns)


def _first_matching_key(key_pattern: str, resource: dict[str, Any]) -> str:
    # wildcards.go: expandWildcards ranges over a Go map, so with several matching
    # resource keys Kyverno picks one at random; we take the first in document order.
    for k in resource:
        if match(key_pattern, k):
            return k
    return key_pattern


def replace_in_selector(match_labels: dict[str, str], resource_labels: dict[str, str]) -> dict[str, str]:
    """`ReplaceInSelector`: wildcard keys/values in matchLabels become the matching resource label
    (key and value must both match), or have `*`/`?` replaced by `0` when nothing matches."""
    out: dict[str, str] = {}
    for k, v in match_labels.items():
        if contains_wildcard(k) or contains_wildcard(v):
            for rk, rv in resource_labels.items():
                if match(k, rk) and match(v, rv):
                    k, v = rk, rv
                    break
            else:
                k = k.replace("*", "0").replace("?", "0")
                v = v.replace("*", "0").replace("?", "0")
        out[k] = v
    return out


def _tag_key(tag: str, data: dict[str, Any]) -> str | None:
    """`getPatternValue`: the key holding `tag`, bare or anchored (`=(labels)`)."""
    for k in data:
        if k == tag:
            return k
        a = anchors.parse(k)
        if a is not None and a.key == tag:
            return k
    return None


def _expand_keys(pattern_data: dict[str, Any], resource_data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pattern_data.items():
        if contains_wildcard(k):
            a = anchors.parse(k)
            if a is not None:
                out[anchors.anchor_string(a.kind, _first_matching_key(a.key, resource_data))] = v
            else:
                out[_first_matching_key(k, resource_data)] = v
        else:
            out[k] = v
    return out


def needs_metadata_expansion(pattern_map: dict[str, Any]) -> bool:
    """Cheap pre-check: does this pattern map carry wildcard label/annotation keys at all."""
    mkey = _tag_key("metadata", pattern_map)
    meta = pattern_map.get(mkey) if mkey is not None else None
    if not isinstance(meta, dict):
        return False
    for tag in ("labels", "annotations"):
        tkey = _tag_key(tag, meta)
        data = meta.get(tkey) if tkey is not None else None
        if isinstance(data, dict) and any(contains_wildcard(k) for k in data):
            return True
    return False


def expand_in_metadata(pattern_map: dict[str, Any], resource_map: dict[str, Any]) -> dict[str, Any]:
    """The pattern map with wildcard label/annotation keys resolved against the resource.

    Returns `pattern_map` itself when nothing changes, otherwise a shallow copy
    (Kyverno rewrites the pattern in place; we never mutate the caller's data).
    """
    mkey = _tag_key("metadata", pattern_map)
    if mkey is None:
        return pattern_map
    meta = pattern_map[mkey]
    resource_meta = resource_map.get("metadata")
    if not isinstance(meta, dict) or not isinstance(resource_meta, dict):
        return pattern_map
    new_meta: dict[str, Any] | None = None
    for tag in ("labels", "annotations"):
        tkey = _tag_key(tag, meta)
        if tkey is None:
            continue
        pattern_data = meta[tkey]
        rkey = _tag_key(tag, resource_meta)
        resource_data = resource_meta.get(rkey) if rkey is not None else None
        # getValueAsStringMap: only string-valued maps take part
        if not isinstance(pattern_data, dict) or not isinstance(resource_data, dict):
            continue
        if not any(contains_wildcard(k) for k in pattern_data):
            continue
        if new_meta is None:
            new_meta = dict(meta)
        new_meta[tkey] = _expand_keys(pattern_data, resource_data)
    if new_meta is None:
        return pattern_map
    out = dict(pattern_map)
    out[mkey] = new_meta
    return out
