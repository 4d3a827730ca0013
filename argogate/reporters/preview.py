"""The admission preview: what Kyverno's mutate and generate rules would do at admission.

Kyverno changes objects after Argo CD has computed its diff, so the cluster runs
something the Git diff never showed. This report shows it before the sync: per
resource a unified diff of its YAML before and after the mutate rules (and the
`@sha256:` pins of verifyImages), then every object the generate rules add. It
serves `check -o preview` and `apply --preview`.
"""

from __future__ import annotations

import difflib
from typing import Any

from argogate.model.result import ResourceRef
from argogate.model.run import AppResult, CheckResult
from argogate.yamlio import dump


def _label(obj: dict[str, Any]) -> str:
    ref = ResourceRef.of(obj)
    return f"{ref.api_version} {ref.display()}" if ref.api_version else ref.display()


def _normal(obj: dict[str, Any]) -> dict[str, Any]:
    """The engine's view of an input (namespaced objects default to `default`), so only rules show up."""
    from argogate.engine.pipeline import default_namespace

    return default_namespace(obj) if isinstance(obj, dict) else obj


def resource_diff(before: dict[str, Any], after: dict[str, Any]) -> str:
    a = dump(_normal(before)).splitlines(keepends=True)
    b = dump(after).splitlines(keepends=True)
    label = _label(after)
    return "".join(difflib.unified_diff(a, b, f"{label} (rendered)", f"{label} (after admission)"))


def app_preview(app: AppResult) -> list[str]:
    out: list[str] = []
    for before, after in zip(app.originals, app.objects, strict=False):
        diff = resource_diff(before, after)
        if diff:
            out.append(diff if diff.endswith("\n") else diff + "\n")
    for obj in app.generated:
        body = "".join(f"+{line}" for line in dump(obj).splitlines(keepends=True))
        out.append(f"+++ {_label(obj)} (generated)\n{body}")
    return out


def render(run: CheckResult) -> str:
    chunks: list[str] = []
    for app in run.apps:
        if app.error is not None:
            continue
        parts = app_preview(app)
        mutated = sum(1 for p in parts if not p.startswith("+++ "))
        head = f"# {app.name}: {mutated} resource(s) changed by mutate rules, {len(app.generated)} generated"
        chunks.append(head + "\n" + "".join(parts))
    return "\n".join(chunks) if chunks else "# nothing to preview\n"
