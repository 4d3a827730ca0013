"""Real `kubectl kustomize` (kustomize 5.8): overlays, Argo CD overrides, origins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from argogate.errors import ProcessError, RenderError
from argogate.render import RenderContext, RenderOptions, Tools, render_app
from argogate.render.kustomize import ORIGIN_ANNOTATION, find_remote_reference
from argogate.render.model import AppSpec, KustomizeOptions, KustomizeReplica, RenderedObject
from argogate.render.overrides import apply_overrides, parse_image

DEPLOY = """\
# the web deployment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.25
"""
SERVICE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations: {owner: team-a}
spec:
  ports: [{port: 80}]
"""


def repo(tmp_path: Path, overlay: str = "") -> Path:
    files = {
        "base/kustomization.yaml": "resources: [deploy.yaml, service.yaml]\n",
        "base/deploy.yaml": DEPLOY,
        "base/service.yaml": SERVICE,
        "overlays/prod/kustomization.yaml": "resources: [../../base]\nnamePrefix: prod-\n" + overlay,
        "components/probe/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "commonAnnotations: {probe: enabled}\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def render(
    root: Path, tools: Tools, opts: KustomizeOptions | None = None, **options: Any
) -> dict[str, RenderedObject]:
    app = AppSpec(name="web", path="overlays/prod", kustomize=opts or KustomizeOptions())
    with RenderContext(root, tools=tools, options=RenderOptions(**options)) as ctx:
        result = render_app(app, ctx)
    assert result.kind == "kustomize"
    return {f"{o.kind}/{o.name}": o for o in result.objects}


def test_overlay_origins_point_at_base_files(tmp_path: Path, tools: Tools) -> None:
    before = (repo(tmp_path) / "overlays/prod/kustomization.yaml").read_text()
    objs = render(tmp_path, tools)
    assert set(objs) == {"Deployment/prod-web", "ConfigMap/prod-settings", "Service/prod-web"}
    assert str(objs["Deployment/prod-web"].origin) == "base/deploy.yaml:1"
    assert str(objs["Service/prod-web"].origin) == "base/service.yaml:6"
    assert str(objs["ConfigMap/prod-settings"].origin) == "base/service.yaml:1"
    assert "annotations" not in objs["Deployment/prod-web"].data["metadata"]
    assert objs["Service/prod-web"].data["metadata"]["annotations"] == {"owner": "team-a"}
    assert (tmp_path / "overlays/prod/kustomization.yaml").read_text() == before  # working tree untouched


def test_user_origin_annotations_are_kept(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path, "buildMetadata: [originAnnotations]\n")
    objs = render(tmp_path, tools)
    dep = objs["Deployment/prod-web"]
    assert dep.data["metadata"]["annotations"][ORIGIN_ANNOTATION] == "path: ../../base/deploy.yaml\n"
    assert str(dep.origin) == "base/deploy.yaml:1"


def test_argocd_overrides(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path, "commonLabels: {tier: web}\n")
    opts = KustomizeOptions(
        name_prefix="stage-",
        name_suffix="-v2",
        images=("nginx=registry.example.com/nginx:1.27",),
        common_labels={"team": "platform", "tier": "frontend"},
        force_common_labels=True,
        common_annotations={"owner": "platform"},
        force_common_annotations=True,
        namespace="staging",
        replicas=(KustomizeReplica("web", 4),),
        components=("../../components/probe", "../../components/missing"),
        ignore_missing_components=True,
        patches=(
            {
                "target": {"kind": "ConfigMap"},
                "patch": "- op: add\n  path: /data\n  value: {patched: 'yes'}\n",
            },
        ),
    )
    objs = render(tmp_path, tools, opts)
    dep = objs["Deployment/stage-web-v2"].data
    assert dep["metadata"]["namespace"] == "staging"
    assert dep["metadata"]["labels"] == {"team": "platform", "tier": "frontend"}
    assert dep["metadata"]["annotations"] == {"owner": "platform", "probe": "enabled"}
    assert dep["spec"]["replicas"] == 4
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "registry.example.com/nginx:1.27"
    assert objs["ConfigMap/stage-settings-v2"].data["data"] == {"patched": "yes"}
    assert str(objs["Deployment/stage-web-v2"].origin) == "base/deploy.yaml:1"


def test_label_without_force_conflicts_like_kustomize_edit(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path, "commonLabels: {tier: web}\n")
    with pytest.raises(RenderError, match="label tier already in kustomization file"):
        render(tmp_path, tools, KustomizeOptions(common_labels={"tier": "x"}))


def test_missing_component_without_ignore(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path)
    with pytest.raises(RenderError, match="does not exist"):
        render(tmp_path, tools, KustomizeOptions(components=("../../components/missing",)))


def test_labels_without_selector(tmp_path: Path) -> None:
    doc: dict[str, Any] = {}
    apply_overrides(doc, KustomizeOptions(common_labels={"a": "b"}, label_without_selector=True), tmp_path)
    assert doc == {"labels": [{"pairs": {"a": "b"}}]}
    doc = {}
    opts = KustomizeOptions(
        common_labels={"a": "b"}, label_without_selector=True, label_include_templates=True
    )
    apply_overrides(doc, opts, tmp_path)
    assert doc == {"labels": [{"pairs": {"a": "b"}, "includeTemplates": True}]}


@pytest.mark.parametrize(
    ("spec", "entry"),
    [
        ("nginx:1.2", {"name": "nginx", "newTag": "1.2"}),
        ("nginx=my/nginx:1.2", {"name": "nginx", "newName": "my/nginx", "newTag": "1.2"}),
        ("nginx=my/nginx", {"name": "nginx", "newName": "my/nginx"}),
        ("registry:5000/app:2", {"name": "registry:5000/app", "newTag": "2"}),
        ("registry:5000/app", {"name": "registry:5000/app"}),
        ("app@sha256:" + "a" * 64, {"name": "app", "digest": "sha256:" + "a" * 64}),
        ("app:1=other:2", {"name": "app", "newName": "other", "newTag": "2"}),
    ],
)
def test_parse_image(spec: str, entry: dict[str, str]) -> None:
    assert parse_image(spec) == entry


def test_set_image_merges_by_name(tmp_path: Path) -> None:
    doc: dict[str, Any] = {"images": [{"name": "nginx", "newName": "mirror/nginx", "digest": "sha256:00"}]}
    apply_overrides(doc, KustomizeOptions(images=("nginx:1.27", "redis:7")), tmp_path)
    assert doc["images"] == [
        {"name": "nginx", "newName": "mirror/nginx", "newTag": "1.27"},
        {"name": "redis", "newTag": "7"},
    ]


@pytest.mark.parametrize(
    "resource",
    [
        "https://github.com/example/base//deploy?ref=v1",
        "github.com/example/base/deploy?ref=v1",
        "git@github.com:example/base.git",
        "https://example.com/raw/deploy.yaml",
    ],
)
def test_remote_bases_are_off_by_default(tmp_path: Path, tools: Tools, resource: str) -> None:
    repo(tmp_path)
    (tmp_path / "base/kustomization.yaml").write_text(f"resources: [deploy.yaml, {resource}]\n")
    with pytest.raises(RenderError) as info:
        render(tmp_path, tools)
    assert info.value.file == "base/kustomization.yaml"
    assert resource in info.value.message and "allowRemote" in info.value.hint
    assert find_remote_reference(tmp_path / "overlays/prod") is not None


def test_remote_allowed_reaches_kustomize(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path)
    (tmp_path / "base/kustomization.yaml").write_text("resources: [deploy.yaml, http://127.0.0.1:9/x.yaml]\n")
    with pytest.raises(ProcessError):  # kustomize itself tried (and failed) to fetch it
        render(tmp_path, tools, allow_remote=True)


def test_helm_charts_with_enable_helm(tmp_path: Path, tools: Tools) -> None:
    chart = tmp_path / "app/charts/hello"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: hello\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("{}\n")
    (chart / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
        "data: {kube: {{ .Capabilities.KubeVersion.Version | quote }}}\n"
    )
    (tmp_path / "app/kustomization.yaml").write_text(
        "helmCharts:\n- name: hello\n  releaseName: greet\n  version: 0.1.0\n"
    )
    app = AppSpec(name="a", path="app")
    with RenderContext(tmp_path, tools=tools, options=RenderOptions(kube_version="1.30.0")) as ctx:
        objs = render_app(app, ctx).objects
    assert [(o.name, o.data["data"]["kube"]) for o in objs] == [("greet", "v1.30.0")]
    assert objs[0].origin.file == "app/kustomization.yaml"
    assert "HelmChartInflationGenerator" in (objs[0].origin.detail or "")
    assert "annotations" not in objs[0].data["metadata"]


def test_kustomize_error_is_reported(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path)
    (tmp_path / "base/kustomization.yaml").write_text("resources: [deploy.yaml, missing.yaml]\n")
    with pytest.raises(ProcessError, match=r"missing\.yaml"):
        render(tmp_path, tools)
