"""The Kyverno CLI values file (`cli.kyverno.io/v1alpha1 Values`), as pure data.

    globalValues: {request.operation: UPDATE, ...}
    policies:
      - name: POLICY
        rules:     [{name: RULE, values: {...}, foreachValues: {...}}]
        resources: [{name: RESOURCE, values: {...}}]
    namespaceSelector: [{name: NS, labels: {...}}]

Keys are dotted variable names (`request.operation`) or context entry names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Values:
    global_values: dict[str, Any] = field(default_factory=dict)
    rule_values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    resource_values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    namespace_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # the `namespaces:` Namespace objects (the CEL kinds' namespaceObject)
    namespaces: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Values:
        v = cls()
        if not data:
            return v
        v.global_values = dict(data.get("globalValues") or {})
        for p in data.get("policies") or []:
            pname = str(p.get("name") or "")
            for r in p.get("rules") or []:
                v.rule_values[(pname, str(r.get("name") or ""))] = dict(r.get("values") or {})
            for r in p.get("resources") or []:
                v.resource_values[(pname, str(r.get("name") or ""))] = dict(r.get("values") or {})
        for ns in data.get("namespaces") or []:
            if isinstance(ns, dict) and (ns.get("metadata") or {}).get("name"):
                v.namespaces[str(ns["metadata"]["name"])] = ns
        for ns in data.get("namespaceSelector") or []:
            v.namespace_labels[str(ns.get("name"))] = {str(k): str(val) for k, val in (ns.get("labels") or {}).items()}
        return v

    def for_resource(self, policy: str, resource_name: str) -> Mapping[str, Any]:
        """Global values overlaid with the resource's own (read-only: often the shared globals)."""
        specific = self.resource_values.get((policy, resource_name))
        return {**self.global_values, **specific} if specific else self.global_values

    def for_rule(self, policy: str, rule: str) -> dict[str, Any]:
        return self.rule_values.get((policy, rule), {})
