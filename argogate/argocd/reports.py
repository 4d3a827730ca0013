"""PolicyReport / ClusterPolicyReport objects for one app, as Policy Reporter reads them.

wgpolicyk8s.io/v1alpha2: one `PolicyReport` per namespace that has results (namespaced resources),
one `ClusterPolicyReport` for cluster-scoped resources. Names are deterministic (`argogate-<app>`) and
every report carries `app.kubernetes.io/managed-by: argogate` and `argogate.io/app: <app>`, so a
re-run updates the same objects and can find (and empty) reports whose namespace no longer has
findings. `source: argogate` keeps them apart from the reports in-cluster Kyverno writes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from argogate.model.result import Report, RuleResult
from argogate.reporters.policyreport import result_entry

API_VERSION = "wgpolicyk8s.io/v1alpha2"
MANAGED_BY = "app.kubernetes.io/managed-by"
APP_LABEL = "argogate.io/app"
REVISION_ANNOTATION = "argogate.io/revision"
SOURCE = "argogate"


@dataclass
class ReportSet:
    namespaced: dict[str, dict[str, Any]] = field(default_factory=dict)
    cluster: dict[str, Any] | None = None


def report_name(app: str) -> str:
    return f"argogate-{app}"[:253]


def label_value(text: str) -> str:
    """A valid label value: at most 63 chars of [A-Za-z0-9-_.], alphanumeric at both ends."""
    v = re.sub(r"[^A-Za-z0-9_.-]", "-", text)[:63]
    return re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", v)


def labels(app: str) -> dict[str, str]:
    return {MANAGED_BY: "argogate", APP_LABEL: label_value(app)}


def _entry(r: RuleResult, now: int) -> dict[str, Any]:
    entry = result_entry(r)
    entry["source"] = SOURCE
    entry["timestamp"] = {"seconds": now, "nanos": 0}
    entry["resources"] = [{k: v for k, v in ref.items() if v} for ref in entry["resources"]]
    return entry


def _body(
    kind: str, app: str, namespace: str | None, results: list[RuleResult], revision: str, now: int
) -> dict[str, Any]:
    md: dict[str, Any] = {"name": report_name(app), "labels": labels(app)}
    if namespace:
        md["namespace"] = namespace
    if revision:
        md["annotations"] = {REVISION_ANNOTATION: revision}
    return {
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": md,
        "summary": Report(results).summary(),
        "results": [_entry(r, now) for r in results],
    }


def build_reports(
    app: str,
    results: Iterable[RuleResult],
    *,
    revision: str = "",
    always: Iterable[str] = (),
    now: int | None = None,
) -> ReportSet:
    """Reports for `results`; namespaces in `always` get one even when they have no results."""
    ts = int(time.time()) if now is None else now
    by_ns: dict[str, list[RuleResult]] = {ns: [] for ns in always if ns}
    cluster: list[RuleResult] = []
    for r in results:
        if r.resource.namespace:
            by_ns.setdefault(r.resource.namespace, []).append(r)
        else:
            cluster.append(r)
    out = ReportSet()
    for ns, rs in sorted(by_ns.items()):
        out.namespaced[ns] = _body("PolicyReport", app, ns, rs, revision, ts)
    if cluster:
        out.cluster = _body("ClusterPolicyReport", app, None, cluster, revision, ts)
    return out


def emptied(report: dict[str, Any], revision: str = "") -> dict[str, Any]:
    """A stale report of this app, with its results cleared (no delete permission needed)."""
    md = {
        k: v
        for k, v in (report.get("metadata") or {}).items()
        if k in ("name", "namespace", "labels", "resourceVersion")
    }
    if revision:
        md["annotations"] = {REVISION_ANNOTATION: revision}
    return {
        "apiVersion": API_VERSION,
        "kind": report.get("kind", "PolicyReport"),
        "metadata": md,
        "summary": Report([]).summary(),
        "results": [],
    }
