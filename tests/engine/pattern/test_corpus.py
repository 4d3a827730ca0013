"""Verdicts of corpus policies' pattern/anyPattern rules on the corpus resources.

Only rules without variables, context or preconditions, and only resources whose kind the
rule matches directly (no autogen), so the verdict depends on the pattern walk alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from argogate.engine.pattern import match_pattern

CORPUS = Path("/work/shared/conformance/kyverno-policies")
CASES = [
    "best-practices/disallow-cri-sock-mount",
    "best-practices/disallow-default-namespace",
    "best-practices/require-ro-rootfs",
    "best-practices/restrict-image-registries",
    "best-practices/restrict-node-port",
    "pod-security/baseline/disallow-host-path",
    "pod-security/baseline/disallow-privileged-containers",
    "pod-security/baseline/disallow-proc-mount",
    "pod-security/baseline/restrict-seccomp",
    "pod-security/restricted/require-run-as-non-root-user",
    "pod-security/restricted/restrict-seccomp-strict",
]


def _docs(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]


def _status(validate: dict[str, Any], resource: dict[str, Any]) -> str:
    if validate.get("pattern") is not None:
        pe = match_pattern(resource, validate["pattern"])
        return "pass" if pe is None else "skip" if pe.skip else "error" if pe.path is None else "fail"
    skipped = failed = 0
    for p in validate["anyPattern"]:
        pe = match_pattern(resource, p)
        if pe is None:
            return "pass"
        skipped += pe.skip
        failed += not pe.skip
    return "skip" if skipped and not failed else "fail"


def _expectations(case: str) -> list[tuple[str, dict[str, Any], dict[str, Any], str]]:
    test_dir = CORPUS / case / ".kyverno-test"
    test = _docs(test_dir / "kyverno-test.yaml")[0]
    policies = {
        d["metadata"]["name"]: d for p in test.get("policies", []) for d in _docs((test_dir / p).resolve())
    }
    resources = [d for r in test.get("resources", []) for d in _docs((test_dir / r).resolve())]
    out = []
    for exp in test.get("results", []):
        policy = policies.get(exp.get("policy"))
        rule = next(
            (r for r in (policy or {}).get("spec", {}).get("rules", []) if r["name"] == exp["rule"]), None
        )
        if rule is None or "validate" not in rule or "{{" in json.dumps(rule) or rule.get("preconditions"):
            continue
        v = rule["validate"]
        if v.get("pattern") is None and v.get("anyPattern") is None:
            continue
        match = rule.get("match", {})
        kinds = {
            k
            for blk in match.get("any", []) + match.get("all", [])
            for k in blk["resources"].get("kinds", [])
        }
        if exp.get("kind") not in kinds:
            continue
        for name in exp.get("resources") or [exp.get("resource")]:
            name = str(name).rsplit("/", 1)[-1]
            found = [
                r for r in resources if r.get("kind") == exp["kind"] and r["metadata"].get("name") == name
            ]
            if len(found) == 1:
                out.append((f"{case}:{rule['name']}:{name}", v, found[0], exp["result"]))
    return out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus not present")
@pytest.mark.parametrize("case", CASES)
def test_corpus_verdicts(case: str) -> None:
    cases = _expectations(case)
    assert cases, f"no directly checkable results in {case}"
    wrong = [(cid, want, got) for cid, v, res, want in cases if (got := _status(v, res)) != want]
    assert not wrong, wrong
