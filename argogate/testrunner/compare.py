"""Is the mutated (or generated) resource the one the suite expects? Kyverno's answer, reproduced.

kyverno `cmd/cli/kubectl-kyverno/commands/test/compare.go` does three things to both
sides before comparing them: `FixupGenerateLabels` (drop `generate.kyverno.io/*`
labels, default `app.kubernetes.io/managed-by: kyverno`), `Tidy` (drop nulls and
empty maps and lists, recursively; empty strings, `false` and `0` stay), then a JSON
merge patch from actual to expected, equal when it is `{}`. That is deep equality in
JSON terms, so numbers compare by value (1 == 1.0) but a bool is never a number.
An expected file may hold several resources: the one with the actual's kind,
namespace and name is used (kyverno `resource.GetResourceFromPath`); files without a
namespace get `default`, as Kyverno's loader gives them.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

from argogate.engine.pipeline import default_namespace
from argogate.errors import ConfigError
from argogate.model.result import ResourceRef
from argogate.yamlio import dump, load_file

_MANAGED_BY = "app.kubernetes.io/managed-by"


def tidy(obj: Any) -> Any:
    """kyverno `resource/tidy.go`: None for what is null or empty, recursively."""
    if isinstance(obj, dict):
        out = {k: t for k, v in obj.items() if (t := tidy(v)) is not None}
        return out or None
    if isinstance(obj, list):
        items = [t for v in obj if (t := tidy(v)) is not None]
        return items or None
    return obj


def fixup_generate_labels(obj: dict[str, Any]) -> dict[str, Any]:
    """kyverno `resource/labels.go: FixupGenerateLabels`, on a copy."""
    obj = copy.deepcopy(obj)
    md = obj.setdefault("metadata", {})
    if not isinstance(md, dict):
        return obj
    labels: dict[str, Any] = {_MANAGED_BY: "kyverno"}
    for k, v in (md.get("labels") or {}).items():
        if not str(k).startswith("generate.kyverno.io/"):
            labels[k] = v
    md["labels"] = labels
    return obj


def normalize(obj: dict[str, Any]) -> Any:
    return tidy(fixup_generate_labels(obj))


def json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def same_resource(actual: dict[str, Any], expected: dict[str, Any]) -> bool:
    return json_equal(normalize(actual), normalize(expected))


def diff(actual: dict[str, Any], expected: dict[str, Any]) -> str:
    a = dump(_sorted(normalize(actual))).splitlines()
    e = dump(_sorted(normalize(expected))).splitlines()
    return "\n".join(difflib.unified_diff(e, a, "expected", "actual", lineterm="", n=2))


def _sorted(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _sorted(obj[k]) for k in sorted(obj, key=str)}
    if isinstance(obj, list):
        return [_sorted(v) for v in obj]
    return obj


def load_expected(path: str) -> list[dict[str, Any]]:
    docs = [d.data for d in load_file(path)]
    out = [default_namespace(d) for d in docs if isinstance(d, dict)]
    if not out:
        raise ConfigError("no resource in file", file=path)
    return out


def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
    ref = ResourceRef.of(obj)
    return ref.kind, ref.namespace, ref.name


def _ident(obj: dict[str, Any]) -> str:
    kind, ns, name = _key(obj)
    return f"{kind}/{ns}/{name}" if ns else f"{kind}/{name}"


def compare_patched(expected: list[dict[str, Any]], actual: dict[str, Any]) -> tuple[bool, str, str]:
    """(equal, reason, message) for a `patchedResources` file against one mutated resource."""
    expected = [default_namespace(e) for e in expected]
    want = [e for e in expected if _key(e) == _key(default_namespace(actual))]
    if not want and len(expected) == 1:
        want = expected  # older Kyverno read exactly one resource from the file, whatever its name
    if not want:
        return False, "Resource error", f"failed to load resource (no {_ident(actual)} in the expected file)"
    if same_resource(actual, want[0]):
        return True, "Ok", ""
    return (
        False,
        "Resource diff",
        f"Patched resource didn't match the patched resource in the test result\n{diff(actual, want[0])}",
    )


def compare_generated(
    expected: list[dict[str, Any]], generated: list[dict[str, Any]]
) -> tuple[bool, str, str]:
    """(equal, reason, message): every expected resource must be among the generated ones."""
    for exp in (default_namespace(e) for e in expected):
        candidates = [g for g in generated if _key(default_namespace(g)) == _key(exp)]
        if not candidates:
            return False, "Resource diff", f"Generated resource {_ident(exp)} was not generated"
        if not any(same_resource(c, exp) for c in candidates):
            return (
                False,
                "Resource diff",
                (
                    f"Generated resource didn't match the generated resource in the test result\n{diff(candidates[0], exp)}"
                ),
            )
    return True, "Ok", ""
