"""wgpolicyk8s.io/v1alpha2 PolicyReport, as JSON or YAML: one report per app.

One app (always the case for `apply`) gives a bare PolicyReport, the shape
`--report-json` promises; several give a `List` of them.

JSON is compact: only compact output has the standard library's C encoder, and at
10,000 resources (96,000 entries) `indent=2` alone cost a quarter of `apply -o json`.
`write_json` streams the same bytes entry by entry, so the whole document (about
80 MB of dicts at that size) never exists next to the results it is built from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from argogate.model.result import Report, RuleResult
from argogate.model.run import CheckResult


def result_entry(r: RuleResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "policy": r.policy,
        "rule": r.rule,
        "result": r.status.value,
        "message": r.message,
        "resources": [r.resource.to_dict()],
        "scored": r.status.value != "warn",
        "source": "kyverno",
    }
    if r.category:
        entry["category"] = r.category
    if r.severity:
        entry["severity"] = r.severity
    props: dict[str, str] = {}
    if r.rule_type:
        props["ruleType"] = r.rule_type
    if r.origin is not None:
        props["source"] = r.origin.display()
    if r.status.value == "fail":
        props["action"] = "Enforce" if r.enforce else "Audit"
    if props:
        entry["properties"] = props
    return entry


def to_policy_report(report: Report, *, name: str = "argogate") -> dict[str, Any]:
    return {
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "PolicyReport",
        "metadata": {"name": name},
        "results": [result_entry(r) for r in report.results],
        "summary": report.summary(),
    }


def to_document(run: CheckResult) -> dict[str, Any]:
    reports = [to_policy_report(a.report, name=f"argogate-{a.name}") for a in run.apps]
    if len(reports) == 1:
        return reports[0]
    return {"apiVersion": "v1", "kind": "List", "items": reports}


_COMPACT = json.JSONEncoder(separators=(",", ":"))
# what _COMPACT does with a str (ensure_ascii), without the dispatch
_encode_str = json.encoder.encode_basestring_ascii


def render_json(run: CheckResult) -> str:
    return _COMPACT.encode(to_document(run)) + "\n"


def write_json(run: CheckResult, out: TextIO) -> None:
    """`render_json(run)`, written to `out` piece by piece (the same bytes)."""
    for chunk in _document_chunks(run):
        out.write(chunk)
    out.write("\n")


def write_policy_report(report: Report, out: TextIO, *, name: str = "argogate") -> None:
    """`to_policy_report(report)` as compact JSON, written to `out` piece by piece."""
    for chunk in _report_chunks(report, name):
        out.write(chunk)


def _document_chunks(run: CheckResult) -> Iterator[str]:
    if len(run.apps) == 1:
        yield from _report_chunks(run.apps[0].report, f"argogate-{run.apps[0].name}")
        return
    yield '{"apiVersion":"v1","kind":"List","items":['
    for i, app in enumerate(run.apps):
        if i:
            yield ","
        yield from _report_chunks(app.report, f"argogate-{app.name}")
    yield "]}"


def encode_results(results: Iterable[RuleResult]) -> str:
    """The `results` entries of a report, compact and comma-separated (no brackets): the bytes of
    `_COMPACT.encode(result_entry(r))` joined with ",".

    Parts encoded separately (by `argogate.shard` workers) join with "," into the same bytes.
    Written out piece by piece rather than through `result_entry`, because a resource meets
    about ten rules and a rule about every resource: its reference, the policy/rule head and
    the origin are encoded once each (a third of `apply -o json` at 10,000 resources went to
    building and encoding the same dicts again).
    """
    text = _encode_str
    refs: dict[int, str] = {}
    heads: dict[tuple[str, str], str] = {}
    tails: dict[tuple[str, str, str], str] = {}
    origins: dict[int, str] = {}
    out: list[str] = []
    for r in results:
        head = heads.get((r.policy, r.rule))
        if head is None:
            head = heads[(r.policy, r.rule)] = '{"policy":' + text(r.policy) + ',"rule":' + text(r.rule) + ',"result":'
        ref = refs.get(id(r.resource))
        if ref is None:
            ref = refs[id(r.resource)] = _COMPACT.encode(r.resource.to_dict())
        status = r.status.value
        tail = tails.get((r.category, r.severity, r.rule_type))
        if tail is None:
            tail = ',"source":"kyverno"'
            if r.category:
                tail += ',"category":' + text(r.category)
            if r.severity:
                tail += ',"severity":' + text(r.severity)
            tails[(r.category, r.severity, r.rule_type)] = tail
        props = []
        if r.rule_type:
            props.append('"ruleType":' + text(r.rule_type))
        if r.origin is not None:
            origin = origins.get(id(r.origin))
            if origin is None:
                origin = origins[id(r.origin)] = '"source":' + text(r.origin.display())
            props.append(origin)
        if status == "fail":
            props.append('"action":"Enforce"' if r.enforce else '"action":"Audit"')
        out.append(
            head
            + text(status)
            + ',"message":'
            + (text(r.message) if type(r.message) is str else _COMPACT.encode(r.message))
            + ',"resources":['
            + ref
            + '],"scored":'
            + ("false" if status == "warn" else "true")
            + tail
            + (',"properties":{' + ",".join(props) + "}}" if props else "}")
        )
    return ",".join(out)


def report_chunks(name: str, encoded_parts: Iterable[str], summary: Callable[[], dict[str, int]]) -> Iterator[str]:
    """A compact PolicyReport from `encode_results` parts, in the key order of `to_policy_report`
    (so both paths give identical bytes). `summary` is called once the parts are consumed."""
    encode = _COMPACT.encode
    yield '{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":' + encode({"name": name})
    yield ',"results":['
    first = True
    for part in encoded_parts:
        if part:
            yield part if first else "," + part
            first = False
    yield '],"summary":' + encode(summary()) + "}"


def _report_chunks(report: Report, name: str) -> Iterator[str]:
    # in batches: one joined string per report would double the peak at 10,000 resources, and one
    # entry at a time would lose `encode_results`' per-resource and per-rule reuse
    results = report.results
    batches = (encode_results(results[i : i + _BATCH]) for i in range(0, len(results), _BATCH))
    return report_chunks(name, batches, report.summary)


_BATCH = 1000


def render_yaml(run: CheckResult) -> str:
    from argogate.yamlio import dump

    return dump(to_document(run))
