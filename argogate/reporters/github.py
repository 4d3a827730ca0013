"""GitHub Actions workflow commands: each finding becomes an annotation on the Git file and line.

`::error file=F,line=L,title=T::message` for a failure that gates the sync, `::warning` for an
audit-only failure or a rule that could not be evaluated, `::notice` for `warn` (unscored)
results; an app that cannot be rendered is an `::error` at the file its error names. Values are
escaped as the Actions runner expects (`%`, CR and LF everywhere; `:` and `,` also in
properties), so a message can never end the command early or inject another. A last plain line
is the summary, for the log.
"""

from __future__ import annotations

from argogate.model.result import RuleResult, RuleStatus
from argogate.model.run import CheckResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str, message: str, *, file: str | None = None, line: int | None = None, title: str = ""
) -> str:
    props = []
    if file:
        props.append(f"file={_prop(file)}")
        if line:
            props.append(f"line={line}")
    if title:
        props.append(f"title={_prop(title)}")
    return f"::{level} {','.join(props)}::{_data(message)}" if props else f"::{level}::{_data(message)}"


def _level(run: CheckResult, r: RuleResult) -> str | None:
    if r.status is RuleStatus.FAIL:
        return "error" if run.gates(r) else "warning"
    return {RuleStatus.ERROR: "warning", RuleStatus.WARN: "notice"}.get(r.status)


def render(run: CheckResult) -> str:
    lines: list[str] = []
    counts = {"error": 0, "warning": 0, "notice": 0}
    for app in run.apps:
        if app.error is not None:
            counts["error"] += 1
            msg = app.error.message + (f" (hint: {app.error.hint})" if app.error.hint else "")
            lines.append(
                command(
                    "error",
                    msg,
                    file=app.error.file,
                    line=app.error.line,
                    title=f"argogate: app {app.name} cannot be rendered",
                )
            )
        for r in app.report.results:
            level = _level(run, r)
            if level is None:
                continue
            counts[level] += 1
            action = (
                ""
                if r.status is not RuleStatus.FAIL
                else (" (blocks the sync)" if run.gates(r) else " (audit)")
            )
            title = f"[{r.policy}/{r.rule}] {r.resource.display()}{action}"
            file, line = (r.origin.file, r.origin.line) if r.origin is not None else (None, None)
            lines.append(command(level, r.message, file=file, line=line, title=title))
    lines.append(
        f"argogate: {len(run.apps)} apps, {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['notice']} notices ({run.source or 'input'})"
    )
    return "\n".join(lines) + "\n"
