"""`--context-file`: the Kyverno CLI Context format, and plain resources for compatibility."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argogate.cli import main
from argogate.errors import ConfigError
from argogate.inputs import load_context

CONTEXT = """\
apiVersion: cli.kyverno.io/v1alpha1
kind: Context
metadata: {name: context}
spec:
  resources:
    - {apiVersion: v1, kind: ConfigMap, metadata: {name: base, namespace: platform}, data: {allowed: "gcr.io/distroless/static:nonroot"}}
  images:
    - image: ghcr.io/a:1
      manifest: {annotations: {org.opencontainers.image.base.name: "gcr.io/distroless/static:nonroot"}}
    - image: ghcr.io/b:1
      manifest: {annotations: {org.opencontainers.image.base.name: "alpine"}}
"""
POLICY = """\
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: base-images}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}]
  variables:
    - {name: allowed, expression: "resource.Get('v1', 'configmaps', 'platform', 'base').data.allowed"}
  validations:
    - expression: "object.spec.containers.all(c, image.GetMetadata(c.image).manifest.annotations['org.opencontainers.image.base.name'] == variables.allowed)"
      message: base image not allowed
"""
PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: good}
spec: {containers: [{name: c, image: ghcr.io/a:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec: {containers: [{name: c, image: ghcr.io/b:1}]}
"""


def test_load_context(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(CONTEXT)
    ctx = load_context(str(tmp_path / "c.yaml"))
    assert [r["metadata"]["name"] for r in ctx.resources] == ["base"]
    assert sorted(ctx.images) == ["ghcr.io/a:1", "ghcr.io/b:1"]
    (tmp_path / "plain.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert [r["metadata"]["name"] for r in load_context(str(tmp_path / "plain.yaml")).resources] == ["x"]
    (tmp_path / "bad.yaml").write_text("- 1\n")
    with pytest.raises(ConfigError):
        load_context(str(tmp_path / "bad.yaml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_context(str(tmp_path / "missing.yaml"))


def test_apply_with_context_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, text in {"c.yaml": CONTEXT, "p.yaml": POLICY, "r.yaml": PODS}.items():
        (tmp_path / name).write_text(text)
    report = tmp_path / "out.json"
    code = main(
        ["apply", str(tmp_path / "p.yaml"), "--resource", str(tmp_path / "r.yaml"),
         "--context-file", str(tmp_path / "c.yaml"), "--report-json", str(report)]
    )  # fmt: skip
    capsys.readouterr()
    results = json.loads(report.read_text())["results"]
    assert [(r["policy"], r["rule"], r["resources"][0]["name"], r["result"]) for r in results] == [
        ("base-images", "", "good", "pass"),
        ("base-images", "", "bad", "fail"),
    ]
    assert code == 1  # Deny blocks
