"""Human text: grouped by resource, one `[policy/rule] message` line per finding, then a summary.

Passes are counted, not listed; failures say whether they block (Enforce) or not (Audit).
"""

from __future__ import annotations

from argogate.model.result import Report, RuleResult, RuleStatus

_MARK = {RuleStatus.FAIL: "FAIL", RuleStatus.WARN: "WARN", RuleStatus.ERROR: "ERROR", RuleStatus.SKIP: "SKIP"}


def _line(r: RuleResult) -> str:
    tag = _MARK.get(r.status, r.status.value.upper())
    if r.status is RuleStatus.FAIL:
        tag += " (enforce)" if r.enforce else " (audit)"
    return f"    {tag} [{r.policy}/{r.rule}] {r.message}"


def render(report: Report, *, title: str = "", show_skips: bool = False) -> str:
    lines: list[str] = []
    if title:
        lines.append(title)
    groups: dict[str, list[RuleResult]] = {}
    for r in report.results:
        if r.status is RuleStatus.PASS or (r.status is RuleStatus.SKIP and not show_skips):
            continue
        key = r.resource.display()
        if r.origin is not None:
            key += f" ({r.origin.display()})"
        groups.setdefault(key, []).append(r)
    for key, results in groups.items():
        lines.append(f"  {key}")
        lines.extend(_line(r) for r in results)
    s = report.summary()
    blocking = len(report.blocking)
    lines.append(
        f"{s['pass']} passed, {s['fail']} failed ({blocking} blocking), {s['warn']} warnings, "
        f"{s['error']} errors, {s['skip']} skipped"
    )
    return "\n".join(lines) + "\n"
