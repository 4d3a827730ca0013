"""Rule `context:` entries: variable, configMap, apiCall, imageRegistry.

The Kyverno CLI answers these offline: values from the values file win, `variable`
entries are computed, and (as Kyverno CLI 1.19 does) `configMap` and `apiCall`
GET/LIST requests are answered from the resources passed in. Anything that
cannot be answered raises ContextError, which the pipeline turns into an `error`
result naming what was missing (kyverno `pkg/engine/context/loaders`).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from argogate.engine.api import ResourceLookup
from argogate.engine.celpolicies.kinds import resource_for_kind
from argogate.engine.context import Context
from argogate.engine.match import check_selector


class ContextError(Exception):
    pass


def _substitute(value: Any, ctx: Context) -> Any:
    from argogate.engine.variables.substitute import substitute_all

    return substitute_all(value, ctx)


def _query(expr: str, data: Any) -> Any:
    from argogate.engine import jmes

    return jmes.search(expr, data)


_URL = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?/?$")


def _kind_for(plural: str, lookup_kinds: list[str]) -> str | None:
    for kind in lookup_kinds:
        if resource_for_kind(kind) == plural or kind.lower() == plural:
            return kind
    return None


def api_get(url: str, lookup: ResourceLookup, kinds: list[str]) -> Any:
    """Answer a Kubernetes GET/LIST URL path from the lookup (None for an unknown object)."""
    parts = urlsplit(url)
    m = _URL.match(parts.path)
    if not m:
        if parts.path.rstrip("/") == "/api/v1/namespaces" or (parts.path.startswith("/api/v1/namespaces/") and parts.path.count("/") == 4):
            m = re.match(r"^/api/v1/(?P<plural>namespaces)(?:/(?P<name>[^/]+))?/?$", parts.path)
        if not m:
            raise ContextError(f"cannot answer API call {url!r} offline: unsupported URL path")
    groups = m.groupdict()
    plural = groups["plural"]
    kind = _kind_for(plural, kinds) or ("Namespace" if plural == "namespaces" else None)
    api_version = groups.get("core") or (f"{groups['group']}/{groups['version']}" if groups.get("group") else "v1")
    ns = groups.get("ns") or ""
    if kind is None:
        if groups.get("name"):
            raise ContextError(f"{plural} {groups['name']!r} not found among the resources (API call {url})")
        return {"apiVersion": api_version, "kind": "List", "items": [], "metadata": {}}
    if groups.get("name"):
        obj = lookup.get(api_version, kind, ns, groups["name"])
        if obj is None:
            raise ContextError(f"{kind} {(ns + '/') if ns else ''}{groups['name']} not found among the resources (API call {url})")
        return obj
    items = lookup.list(api_version, kind, ns)
    query = parse_qs(parts.query)
    if "labelSelector" in query:
        wanted: dict[str, str] = {}
        for term in query["labelSelector"][0].split(","):
            if "=" in term:
                k, v = term.split("=", 1)
                wanted[k.strip().rstrip("=")] = v.strip().lstrip("=")
        items = [i for i in items if check_selector({"matchLabels": wanted}, (i.get("metadata") or {}).get("labels") or {})]
    return {"apiVersion": api_version, "kind": f"{kind}List", "items": items, "metadata": {}}


def load_entries(entries: list[dict[str, Any]], ctx: Context, lookup: ResourceLookup, kinds: list[str], provided: set[str]) -> None:
    """Load entries into ctx in order; names already `provided` (values file) are left as they are."""
    for entry in entries or []:
        name = str(entry.get("name") or "")
        if not name:
            raise ContextError("context entry has no name")
        if name in provided:
            continue
        if "variable" in entry:
            ctx.add(name, _variable(entry["variable"] or {}, ctx, name))
        elif "configMap" in entry:
            cm = _substitute(entry["configMap"] or {}, ctx)
            obj = lookup.get("v1", "ConfigMap", str(cm.get("namespace") or ""), str(cm.get("name") or ""))
            if obj is None:
                raise ContextError(
                    f"failed to get configmap {cm.get('namespace', '')}/{cm.get('name', '')}: not found among the "
                    f"resources; pass it with the resources or set `{name}` in the values file"
                )
            ctx.add(name, obj)
        elif "apiCall" in entry:
            ctx.add(name, _api_call(entry["apiCall"] or {}, ctx, lookup, kinds, name))
        elif "imageRegistry" in entry:
            raise ContextError(
                f"context entry {name!r} needs an image registry; set `{name}` in the values file (registry access is off)"
            )
        elif "globalReference" in entry:
            raise ContextError(f"context entry {name!r} uses a global context entry; set `{name}` in the values file")
        else:
            raise ContextError(f"context entry {name!r} has no supported source")


def _variable(spec: dict[str, Any], ctx: Context, name: str) -> Any:
    value = spec.get("value")
    if value is not None:
        value = _substitute(value, ctx)
    path = spec.get("jmesPath")
    default = spec.get("default")
    if path:
        expr = _substitute(path, ctx)
        try:
            value = _query(str(expr), value if value is not None else ctx.data)
        except Exception as exc:
            if default is None:
                raise ContextError(f"failed to resolve variable {name}: {exc}") from exc
            value = None
    if value is None and default is not None:
        value = _substitute(default, ctx)
    if value is None and path:
        raise ContextError(f"failed to resolve variable {name}: JMESPath query {path!r} returned nothing")
    return value


def _api_call(spec: dict[str, Any], ctx: Context, lookup: ResourceLookup, kinds: list[str], name: str) -> Any:
    spec = _substitute(spec, ctx)
    if spec.get("service") or spec.get("urlPath") is None:
        raise ContextError(f"context entry {name!r} calls an external service; set `{name}` in the values file")
    method = str(spec.get("method") or "GET").upper()
    if method != "GET":
        raise ContextError(f"context entry {name!r}: only GET API calls can be answered offline")
    data = api_get(str(spec["urlPath"]), lookup, kinds)
    path = spec.get("jmesPath")
    if path:
        data = _query(str(path), data)
    if data is None and spec.get("default") is not None:
        data = spec["default"]
    return json.loads(json.dumps(data)) if data is not None else None
