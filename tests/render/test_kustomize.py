"""Real `kubectl kustomize` (kustomize 5.8): overlays, Argo CD overrides, origins."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from argogate.cache import CheckCache
from argogate.check import render_all, run_check
from argogate.errors import ProcessError, RenderError
from argogate.render import RenderContext, RenderOptions, Tools, render_app
from argogate.render.kustomize import ORIGIN_ANNOTATION, find_remote_reference
from argogate.render.model import AppSpec, KustomizeOptions, KustomizeReplica, RenderedApp, RenderedObject
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


# --- isolation: Argo CD renders every app with overrides in a clean checkout of its own -------------
# (reposerver/repository/repository.go locks the checkout exclusively when
# ApplicationSourceKustomize.AllowsConcurrentProcessing() is false, and checks it out afresh), so one
# app's `kustomize edit` never shows in another app's build.

BASE_APP = AppSpec(
    name="base",
    path="base",
    kustomize=KustomizeOptions(name_prefix="b-", images=("nginx=registry.example.com/base:9.9",)),
)
PROD_APP = AppSpec(name="prod", path="overlays/prod", kustomize=KustomizeOptions(images=("nginx:1.0",)))
# what each app renders to on its own, in a fresh tree: Argo CD's answer
ALONE = {
    "base": {"Deployment/b-web": "registry.example.com/base:9.9"},
    "prod": {"Deployment/prod-web": "nginx:1.0"},
}


def _images(app: RenderedApp | Exception) -> dict[str, str]:
    assert isinstance(app, RenderedApp), app
    return {
        f"{o.kind}/{o.name}": o.data["spec"]["template"]["spec"]["containers"][0]["image"]
        for o in app.objects
        if o.kind == "Deployment"
    }


@pytest.mark.parametrize("writable", [False, True])
def test_an_apps_overrides_do_not_reach_an_app_that_uses_it_as_a_base(
    tmp_path: Path, tools: Tools, writable: bool
) -> None:
    repo(tmp_path)
    with RenderContext(tmp_path, tools=tools, writable=writable) as ctx:
        assert _images(render_app(BASE_APP, ctx)) == ALONE["base"]
        assert _images(render_app(PROD_APP, ctx)) == ALONE["prod"]  # not prod-b-web from base's edits
        assert _images(render_app(BASE_APP, ctx)) == ALONE["base"]


def test_apps_sharing_a_directory_each_see_only_their_own_overrides(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path)
    apps = [
        AppSpec(
            "a", "overlays/prod", kustomize=KustomizeOptions(common_labels={"env": "a"}, name_suffix="-a")
        ),
        AppSpec("b", "overlays/prod", kustomize=KustomizeOptions(common_labels={"env": "b"})),
        AppSpec("plain", "overlays/prod"),
    ]
    with RenderContext(tmp_path, tools=tools) as ctx:
        out = render_all(apps, ctx)
    rendered = [app for app in out if isinstance(app, RenderedApp)]
    assert len(rendered) == len(apps), (
        out
    )  # before isolation, b failed: "label env already in kustomization file"
    deploys = [next(o.data["metadata"] for o in app.objects if o.kind == "Deployment") for app in rendered]
    assert [d["name"] for d in deploys] == ["prod-web-a", "prod-web", "prod-web"]
    assert [d.get("labels") for d in deploys] == [{"env": "a"}, {"env": "b"}, None]
    # the origin annotation argogate asks for is removed for every app, not only the first
    assert [d.get("annotations") for d in deploys] == [None, None, None]


@pytest.mark.parametrize("writable", [False, True])
def test_parallel_renders_are_isolated(tmp_path: Path, tools: Tools, writable: bool) -> None:
    repo(tmp_path)
    apps = [BASE_APP, PROD_APP] * 4  # same-path apps share a lane; base and prod lanes race
    for _ in range(5):
        with RenderContext(tmp_path, tools=tools, writable=writable) as ctx:
            out = render_all(apps, ctx)
        assert [_images(o) for o in out] == [ALONE["base"], ALONE["prod"]] * 4
    assert (tmp_path / "base/kustomization.yaml").read_text() == "resources: [deploy.yaml, service.yaml]\n"


def test_cached_render_equals_a_render_on_its_own(tmp_path: Path, tools: Tools) -> None:
    repo(tmp_path)
    with RenderContext(tmp_path, tools=tools) as ctx:
        cold = CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
        cold.render_all([BASE_APP, PROD_APP], ctx, render_all)
    with RenderContext(tmp_path, tools=tools) as ctx:
        warm = CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
        (hit,) = warm.render_all([PROD_APP], ctx, render_all)
        assert warm.hits["render"] == 1
    assert _images(hit) == ALONE["prod"]


def test_check_end_to_end_renders_apps_in_isolation(
    tmp_path: Path, tools: Tools, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo(tmp_path)
    monkeypatch.setenv("ARGOGATE_KUBECTL", tools.kubectl)
    monkeypatch.setenv("ARGOGATE_HELM", tools.helm)
    (tmp_path / ".argogate.yaml").write_text("repoURL: https://example.com/shop.git\npolicies: [policies/]\n")
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies/latest.yaml").write_text(LATEST_POLICY)
    for app in (BASE_APP, PROD_APP):
        images = "".join(f"\n        - {i}" for i in app.kustomize.images)
        prefix = f"\n      namePrefix: {app.kustomize.name_prefix}" if app.kustomize.name_prefix else ""
        (tmp_path / f"{app.name}-app.yaml").write_text(
            APPLICATION.format(name=app.name, path=app.path, images=images, prefix=prefix)
        )
    for _ in range(3):
        result = run_check(str(tmp_path))
        assert not [a.error for a in result.apps if a.error]
        got = {
            a.name: {
                f"{o['kind']}/{o['metadata']['name']}": o["spec"]["template"]["spec"]["containers"][0][
                    "image"
                ]
                for o in a.objects
                if o["kind"] == "Deployment"
            }
            for a in result.apps
        }
        assert got == ALONE


LATEST_POLICY = """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-latest
spec:
  rules:
    - name: tag
      match: {any: [{resources: {kinds: [Deployment]}}]}
      validate:
        message: no latest
        pattern: {spec: {template: {spec: {containers: [{image: "!*:latest"}]}}}}
"""
APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://example.com/shop.git
    targetRevision: main
    path: {path}
    kustomize:
      images:{images}{prefix}
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
"""


@pytest.mark.parametrize("writable", [False, True])
def test_errors_name_repository_files_not_the_private_copy(
    tmp_path: Path, tools: Tools, writable: bool
) -> None:
    repo(tmp_path)
    (tmp_path / "overlays/prod/kustomization.yaml").write_text("resources: [../../base\n")
    app = AppSpec(name="web", path="overlays/prod")
    with RenderContext(tmp_path, tools=tools, writable=writable) as ctx, pytest.raises(RenderError) as info:
        render_app(app, ctx)
    assert (info.value.file, info.value.line) == ("overlays/prod/kustomization.yaml", 2)
    (tmp_path / "overlays/prod/kustomization.yaml").write_text("resources: [../../base, gone.yaml]\n")
    with (
        RenderContext(tmp_path, tools=tools, writable=writable) as ctx,
        pytest.raises(ProcessError) as failed,
    ):
        render_app(app, ctx)
    assert "overlays/prod/gone.yaml" in failed.value.stderr
    assert "argogate-" not in failed.value.stderr and str(tmp_path) not in failed.value.stderr
