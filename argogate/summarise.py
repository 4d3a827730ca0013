"""`argogate report summarise` without the CLI: PolicyReports in, violations grouped out.

The question before flipping a policy from Audit to Enforce is "what would break, and whose is
it?". The answer is in the PolicyReports Kyverno writes in the cluster (`kubectl get policyreport
-A -o json`, `kubectl get clusterpolicyreport -o json`) or in argogate's own `--report-json` /
`-o json` output, but spread over one report per namespace (or app) and one row per resource.
This module reads any of those shapes and groups the violations by policy and rule, then by
namespace, counting them and naming the resources.

Report shapes accepted (wgpolicyk8s.io v1alpha2/v1beta1 and the same kinds under other groups):
a `PolicyReport` or `ClusterPolicyReport`, or a `List` (or `*List`) of them. Older reports name
the resources per result (`results[].resources`); newer ones, one resource per report
(`scope`). A violation is a `fail`, `error` or `warn` result; `failures_only` keeps `fail` and
`error`, the results that Enforce would turn into denials or that need a look.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from argogate.errors import ResourceLoadError

REPORT_KINDS = ("PolicyReport", "ClusterPolicyReport")
VIOLATIONS = ("fail", "error", "warn")
FAILURES = ("fail", "error")
CLUSTER = "(cluster)"
_HINT = (
    "give PolicyReport JSON: `kubectl get policyreport -A -o json`, "
    "`kubectl get clusterpolicyreport -o json`, or argogate's `--report-json` / `-o json` output"
)


@dataclass(frozen=True)
class Violation:
    policy: str
    rule: str
    result: str
    namespace: str  # CLUSTER for cluster-scoped resources
    resource: str  # Kind/name
    message: str


@dataclass
class Summary:
    violations: list[Violation] = field(default_factory=list)
    reports: int = 0
    results: Counter[str] = field(default_factory=Counter)  # every result read, by status

    def by_rule(self) -> list[tuple[tuple[str, str], list[Violation]]]:
        """(policy, rule) groups, the most violated first, then by name."""
        groups: dict[tuple[str, str], list[Violation]] = {}
        for v in self.violations:
            groups.setdefault((v.policy, v.rule), []).append(v)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def parse_reports(text: str, where: str) -> list[dict[str, Any]]:
    """The reports in one input (JSON; YAML also works, as argogate's `-o yaml` writes it)."""
    try:
        doc = json.loads(text)
    except ValueError:
        import yaml

        try:
            docs = [d for d in yaml.safe_load_all(text) if d is not None]
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise ResourceLoadError("not valid JSON or YAML", file=where, line=line, hint=_HINT) from None
        doc = docs[0] if len(docs) == 1 else {"kind": "List", "items": docs}
    return list(_reports(doc, where))


def _reports(doc: Any, where: str) -> Iterable[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise ResourceLoadError("not a PolicyReport or a List of them", file=where, hint=_HINT)
    kind = str(doc.get("kind", ""))
    if kind in REPORT_KINDS:
        yield doc
    elif kind == "List" or kind.endswith("List"):
        items = doc.get("items")
        items = [] if items is None else items
        if not isinstance(items, list):
            raise ResourceLoadError("`items` is not a list", file=where, hint=_HINT)
        for item in items:
            yield from _reports(item, where)
    else:
        raise ResourceLoadError(
            f"kind {kind or '(none)'!r} is not a PolicyReport or a List of them", file=where, hint=_HINT
        )


def _resources(report: dict[str, Any], result: dict[str, Any]) -> list[dict[str, Any]]:
    listed = result.get("resources")
    if isinstance(listed, list) and listed:
        return [r for r in listed if isinstance(r, dict)]
    scope = report.get("scope")
    return [scope] if isinstance(scope, dict) else [{}]


def summarise(
    reports: Iterable[dict[str, Any]], *, failures_only: bool = False, policies: Sequence[str] = ()
) -> Summary:
    wanted = FAILURES if failures_only else VIOLATIONS
    out = Summary()
    for report in reports:
        out.reports += 1
        md = report.get("metadata")
        md = md if isinstance(md, dict) else {}
        report_ns = str(md.get("namespace") or "")
        for result in report.get("results") or []:
            if not isinstance(result, dict):
                continue
            status = str(result.get("result", ""))
            out.results[status] += 1
            policy = str(result.get("policy", ""))
            if status not in wanted or (policies and policy not in policies):
                continue
            for res in _resources(report, result):
                ns = str(res.get("namespace") or report_ns) or CLUSTER
                name = f"{res.get('kind', '?')}/{res.get('name', '?')}" if res else "?"
                msg = str(result.get("message", ""))
                out.violations.append(Violation(policy, str(result.get("rule", "")), status, ns, name, msg))
    return out


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _counts(vs: Sequence[Violation]) -> str:
    c = Counter(v.result for v in vs)
    return ", ".join(f"{s} {c[s]}" for s in VIOLATIONS if c[s])


def render_text(summary: Summary, *, max_resources: int = 5) -> str:
    vs = summary.violations
    if not vs:
        return f"no violations ({_n(summary.reports, 'report')}, {_n(sum(summary.results.values()), 'result')})\n"
    rules = summary.by_rule()
    namespaces = {v.namespace for v in vs}
    lines = [
        f"{_n(len(vs), 'violation')} of {_n(len(rules), 'rule')} in {_n(len(namespaces), 'namespace')} "
        f"({_n(summary.reports, 'report')}, {_n(sum(summary.results.values()), 'result')})"
    ]
    for (policy, rule), group in rules:
        lines.append("")
        lines.append(f"{policy}/{rule}: {len(group)} ({_counts(group)})")
        message, _ = Counter(v.message for v in group).most_common(1)[0]
        if message:
            lines.append(f"  message: {' '.join(message.split())}")
        by_ns: dict[str, list[Violation]] = {}
        for v in group:
            by_ns.setdefault(v.namespace, []).append(v)
        for ns, nvs in sorted(by_ns.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            names = sorted({v.resource for v in nvs})
            shown = ", ".join(names[:max_resources]) + (
                f", +{len(names) - max_resources} more" if len(names) > max_resources else ""
            )
            lines.append(f"  {ns}: {len(nvs)}  {shown}")
    return "\n".join(lines) + "\n"


def to_json(summary: Summary) -> dict[str, Any]:
    return {
        "reports": summary.reports,
        "results": dict(sorted(summary.results.items())),
        "violations": len(summary.violations),
        "rules": [
            {
                "policy": policy,
                "rule": rule,
                "count": len(group),
                "byResult": dict(Counter(v.result for v in group)),
                "namespaces": {
                    ns: sorted({v.resource for v in group if v.namespace == ns})
                    for ns in sorted({v.namespace for v in group})
                },
            }
            for (policy, rule), group in summary.by_rule()
        ],
    }
