"""Human text: app -> `file:line: resource` -> `[policy/rule] message`, then one summary line.

Passes are counted, not listed. A failure says whether it blocks (Enforce) or
only reports (Audit), so the reader knows at once what stops the sync.
"""

from __future__ import annotations

from argogate.model.result import RuleResult, RuleStatus
from argogate.model.run import CheckResult

_MARK = {RuleStatus.FAIL: "FAIL", RuleStatus.WARN: "WARN", RuleStatus.ERROR: "ERROR", RuleStatus.SKIP: "SKIP"}


def _line(run: CheckResult, r: RuleResult) -> str:
    tag = _MARK.get(r.status, r.status.value.upper())
    if r.status is RuleStatus.FAIL:
        tag = "BLOCK" if run.gates(r) else "AUDIT"
    message = r.message.replace("\n", "\n" + " " * 12)
    return f"      {tag:<5} [{r.policy}/{r.rule}] {message}"


def _where(r: RuleResult) -> str:
    """`file:line: Kind/ns/name (how it was rendered)`: the place to edit comes first, as compilers print it."""
    if r.origin is None:
        return r.resource.display()
    return f"{r.origin}: {r.resource.display()}" + (f" ({r.origin.detail})" if r.origin.detail else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render(run: CheckResult) -> str:
    lines: list[str] = []
    if run.source:
        lines.append(f"{run.source}" + (f" @ {run.commit[:12]}" if run.commit else ""))
    lines.extend(f"note: {n}" for n in run.notes)
    for app in run.apps:
        results = [r for r in app.report.results if r.status not in (RuleStatus.PASS, RuleStatus.SKIP)]
        header = f"{app.name} ({app.kind}, {app.path})" if app.path else app.name
        if app.error is not None:
            lines.append(f"  {header}: cannot render")
            lines.append(f"      {app.error.render()}".replace("\n", "\n      "))
            continue
        s = app.report.summary()
        lines.append(
            f"  {header}: {_plural(len(app.objects), 'object')}, {s['pass']} passed, {_plural(len(results), 'finding')}"
        )
        lines.extend(f"    warning: {w}" for w in app.warnings)
        groups: dict[str, list[RuleResult]] = {}
        for r in results:
            groups.setdefault(_where(r), []).append(r)
        for key, rs in groups.items():
            lines.append(f"    {key}")
            lines.extend(_line(run, r) for r in rs)
    for sk in run.skipped:
        lines.append(f"  skipped {sk.name}: {sk.reason}" + (f" ({sk.where})" if sk.where else ""))
    all_results = run.results
    blocking = sum(1 for r in all_results if run.gates(r))
    audit = sum(1 for r in all_results if r.status is RuleStatus.FAIL and not run.gates(r))
    counts = {s: sum(1 for r in all_results if r.status is s) for s in RuleStatus}
    verdict = "BLOCKED" if run.exit_code() == 1 else ("ERROR" if run.exit_code() == 2 else "OK")
    lines.append(
        f"{verdict}: {_plural(len(run.apps), 'app')}, {blocking} blocking, {audit} audit-only, "
        f"{_plural(counts[RuleStatus.WARN], 'warning')}, {_plural(counts[RuleStatus.ERROR], 'error')}, "
        f"{counts[RuleStatus.PASS]} passed" + (f", {len(run.errors)} not rendered" if run.errors else "")
    )
    return "\n".join(lines) + "\n"
