"""The text Argo CD users read: one self-delimiting line per violation, a header that counts them.

A failing plugin's stderr reaches the user whole, but inside the Application condition, which the UI
renders with `white-space: normal` (argo-cd `ui/.../application-conditions.tsx`): newlines become
spaces. A hook pod's termination message is shown the same way, and is capped at 4096 bytes by the
kubelet. So every violation is one line that starts with `[policy/rule]` and ends with `;`, messages
have their own newlines folded, and the header says how many rules blocked before any detail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argogate.errors import ArgogateError
from argogate.model.result import RuleResult

_SPACE = re.compile(r"\s+")
TERMINATION_LOG_LIMIT = 4096


def one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def rule_word(n: int) -> str:
    return "rule" if n == 1 else "rules"


def violation_line(r: RuleResult) -> str:
    """`[policy/rule] Kind/namespace/name (file:line): message;`"""
    where = f" ({r.origin})" if r.origin is not None else ""
    message = one_line(r.message).rstrip(";") or r.status.value
    return f"[{r.policy}/{r.rule}] {r.resource.display()}{where}: {message};"


def blocked_header(blocking: int, app: str, *, revision: str = "", audit_as_block: bool = False) -> str:
    # a multi-source app is synced at one revision per source: `sha1,sha2`
    at = f" at {','.join(r[:7] for r in revision.split(','))}" if revision else ""
    what = "Enforce or Audit" if audit_as_block else "Enforce"
    return f"argogate: {blocking} {what} {rule_word(blocking)} blocked the sync of app {app}{at}:"


def blocked_text(
    blocking: Sequence[RuleResult], app: str, *, revision: str = "", audit_as_block: bool = False
) -> list[str]:
    lines = [blocked_header(len(blocking), app, revision=revision, audit_as_block=audit_as_block)]
    lines.extend(violation_line(r) for r in blocking)
    return lines


def audit_lines(findings: Sequence[RuleResult]) -> list[str]:
    return [f"audit (not blocking): {violation_line(r)}" for r in findings]


def error_text(exc: ArgogateError, app: str, *, strip: Sequence[str] = ()) -> list[str]:
    """An error that stopped the gate: it still blocks, and says that no rule could be evaluated."""
    detail = one_line(str(exc))
    hint = one_line(exc.hint or "")
    for prefix in strip:
        detail = detail.replace(prefix.rstrip("/") + "/", "")
        hint = hint.replace(prefix.rstrip("/") + "/", "")
    lines = [f"argogate: 0 rules evaluated, the sync of app {app} is blocked by an error:", f"{detail};"]
    if hint:
        lines.append(f"hint: {hint};")
    return lines


def fit(lines: Sequence[str], limit: int = TERMINATION_LOG_LIMIT, *, more: str = "") -> str:
    """Join lines, dropping trailing ones (and saying how many) so the text stays within `limit` bytes."""
    text = "\n".join(lines)
    if len(text.encode()) <= limit:
        return text
    kept: list[str] = []
    for i, line in enumerate(lines):
        tail = f"... and {len(lines) - i} more{more};"
        candidate = "\n".join([*kept, line])
        if len((candidate + "\n" + tail).encode()) > limit:
            return "\n".join([*kept, tail])
        kept.append(line)
    return "\n".join(kept)
