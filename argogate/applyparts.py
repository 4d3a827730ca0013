"""`argogate apply`'s two streaming outputs, rendered per share of the input and joined.

A worker of `argogate.shard` renders its own evaluation into a `Part`: plain text and
counts, cheap to send back, where the rule results themselves would cost more to pickle
than to encode. Joining the parts in order gives the bytes a serial run writes: the
PolicyReport JSON of `-o json`, or the manifests (mutated, then generated) and the
per-rule lines on stderr of the default output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from argogate.engine.pipeline import Evaluation
from argogate.model.result import RuleResult, RuleStatus, status_summary, verdict


@dataclass
class Part:
    results: str = ""  # `encode_results` of the share's results (JSON output)
    manifests: str = ""  # the share's resources as a YAML stream (manifest output)
    generated: str = ""  # the share's generated objects as a YAML stream
    notes: list[str] = field(default_factory=list)  # stderr lines (manifest output)
    counts: Counter[str] = field(default_factory=Counter)
    blocking: int = 0


def _tally(part: Part, results: list[RuleResult]) -> Part:
    part.counts.update(r.status.value for r in results)
    part.blocking = sum(1 for r in results if r.blocks)
    return part


def json_part(ev: Evaluation) -> Part:
    from argogate.reporters.policyreport import encode_results

    return _tally(Part(results=encode_results(ev.results)), ev.results)


def manifests_part(ev: Evaluation) -> Part:
    from argogate.yamlio import dump_stream

    notes = [
        f"{r.status.value.upper()}: [{r.policy}/{r.rule}] {r.resource.display()}: {r.message}"
        for r in ev.results
        if r.status.value in ("fail", "error", "warn")
    ]
    part = Part(manifests=dump_stream(ev.resources), generated=dump_stream(ev.generated), notes=notes)
    return _tally(part, ev.results)


def summary_line(counts: Counter[str], blocking: int) -> str:
    s = status_summary(counts)
    return (
        f"pass: {s['pass']}, fail: {s['fail']} ({blocking} blocking), warn: {s['warn']}, "
        f"error: {s['error']}, skip: {s['skip']}"
    )


def write_json(parts: Iterable[Part], out: TextIO, *, name: str, fail_on_audit: bool) -> int:
    """Write the joined parts' PolicyReport, the bytes of `policyreport.write_json`; the exit code."""
    from argogate.reporters.policyreport import report_chunks

    total = Part()

    def encoded() -> Iterable[str]:
        for part in parts:
            _add(total, part)
            yield part.results

    for chunk in report_chunks(name, encoded(), lambda: status_summary(total.counts)):
        out.write(chunk)
    out.write("\n")
    return verdict(total.blocking, total.counts[RuleStatus.FAIL.value], fail_on_audit=fail_on_audit)


def write_manifests(parts: Iterable[Part], out: TextIO, err: TextIO, *, fail_on_audit: bool) -> int:
    """Write the joined parts' manifests (all resources, then all generated objects) and the
    per-rule lines, as a serial `argogate apply` does; the exit code."""
    total = Part()
    generated: list[str] = []
    first = True
    for part in parts:
        _add(total, part)
        if part.manifests:
            # `yaml.dump_all` puts `---` between documents, never before the first
            out.write(part.manifests if first else "---\n" + part.manifests)
            first = False
        if part.generated:
            generated.append(part.generated)
        for line in part.notes:
            err.write(line + "\n")
    for text in generated:
        out.write(text if first else "---\n" + text)
        first = False
    err.write(summary_line(total.counts, total.blocking) + "\n")
    return verdict(total.blocking, total.counts[RuleStatus.FAIL.value], fail_on_audit=fail_on_audit)


def _add(total: Part, part: Part) -> None:
    total.counts.update(part.counts)
    total.blocking += part.blocking
