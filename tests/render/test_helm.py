"""Real `helm template`, run with helm 4 and helm 3 (the `any_helm` fixture)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from argogate.errors import ProcessError, RenderError
from argogate.render import RenderContext, RenderOptions, Tools, render_app
from argogate.render.helm import clean_set_parameter, template_args
from argogate.render.model import AppSpec, HelmFileParameter, HelmOptions, HelmParameter

CONFIG_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cfg
  namespace: {{ .Release.Namespace }}
data:
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  hasWidget: {{ .Capabilities.APIVersions.Has "example.com/v1" | quote }}
  greeting: {{ .Values.greeting | quote }}
  port: {{ .Values.port | quote }}
  portKind: {{ kindOf .Values.port | quote }}
  list: {{ .Values.list | quote }}
  file: {{ .Values.fromFile | default "" | trim | quote }}
  extra: {{ .Values.extra | default "" | quote }}
"""
TWO_DOCS = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: first
---
# a second document
apiVersion: v1
kind: ServiceAccount
metadata:
  name: second
"""
CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
"""


def make_chart(root: Path, rel: str = "charts/demo", name: str = "demo") -> Path:
    chart = root / rel
    (chart / "templates").mkdir(parents=True)
    (chart / "crds").mkdir()
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("greeting: hello\nport: 80\nlist: a\n")
    (chart / "values-prod.yaml").write_text("greeting: hello-prod\n")
    (chart / "templates" / "config.yaml").write_text(CONFIG_TEMPLATE)
    (chart / "templates" / "accounts.yaml").write_text(TWO_DOCS)
    (chart / "crds" / "widget.yaml").write_text(CRD)
    (chart / "files").mkdir()
    (chart / "files" / "motd.txt").write_text("from a file\n")
    return chart


def render(root: Path, tools: Tools, helm: HelmOptions, **options: object) -> dict[str, object]:
    app = AppSpec(name="myapp", path="charts/demo", destination_namespace="dest-ns", helm=helm)
    with RenderContext(root, tools=tools, options=RenderOptions(**options)) as ctx:  # type: ignore[arg-type]
        result = render_app(app, ctx)
    assert result.kind == "helm"
    return {f"{o.kind}/{o.name}": o for o in result.objects}


def test_defaults_as_argocd_passes_them(tmp_path: Path, any_helm: Tools) -> None:
    make_chart(tmp_path)
    objs = render(tmp_path, any_helm, HelmOptions(), kube_version="1.31.0")
    cfg = objs["ConfigMap/myapp-cfg"]
    assert cfg.data["metadata"]["namespace"] == "dest-ns"  # type: ignore[attr-defined]
    assert cfg.data["data"]["kube"] == "v1.31.0"  # type: ignore[attr-defined]
    assert cfg.data["data"]["greeting"] == "hello"  # type: ignore[attr-defined]
    assert cfg.data["data"]["hasWidget"] == "false"  # type: ignore[attr-defined]
    assert "CustomResourceDefinition/widgets.example.com" in objs  # --include-crds
    assert str(cfg.origin) == "charts/demo/templates/config.yaml:1"  # type: ignore[attr-defined]
    assert str(objs["ServiceAccount/second"].origin) == "charts/demo/templates/accounts.yaml:6"  # type: ignore[attr-defined]
    assert (
        str(objs["CustomResourceDefinition/widgets.example.com"].origin) == "charts/demo/crds/widget.yaml:1"
    )  # type: ignore[attr-defined]


def test_source_settings(tmp_path: Path, any_helm: Tools) -> None:
    make_chart(tmp_path)
    helm = HelmOptions(
        release_name="rel",
        namespace="helm-ns",
        value_files=("values-prod.yaml",),
        values_object={"extra": "from-object"},
        parameters=(
            HelmParameter("port", "8080"),
            HelmParameter("list", "a,b"),
            HelmParameter("greeting", "0123", force_string=True),
        ),
        file_parameters=(HelmFileParameter("fromFile", "files/motd.txt"),),
        skip_crds=True,
        api_versions=("example.com/v1",),
        kube_version="1.29.4",
    )
    objs = render(tmp_path, any_helm, helm)
    data = objs["ConfigMap/rel-cfg"].data  # type: ignore[attr-defined]
    assert data["metadata"]["namespace"] == "helm-ns"
    assert data["data"] == {
        "kube": "v1.29.4",
        "hasWidget": "true",
        "greeting": "0123",
        "port": "8080",
        "portKind": "int64",
        "list": "a,b",
        "file": "from a file",
        "extra": "from-object",
    }
    assert not any(k.startswith("CustomResourceDefinition/") for k in objs)


def test_values_string_and_value_file_order(tmp_path: Path, any_helm: Tools) -> None:
    make_chart(tmp_path)
    objs = render(
        tmp_path, any_helm, HelmOptions(value_files=("values-prod.yaml",), values="greeting: inline\n")
    )
    assert objs["ConfigMap/myapp-cfg"].data["data"]["greeting"] == "inline"  # type: ignore[attr-defined]


def test_template_args_exactly(tmp_path: Path) -> None:
    chart = make_chart(tmp_path)
    app = AppSpec(
        name="web",
        path="charts/demo",
        destination_namespace="prod",
        helm=HelmOptions(value_files=("values-prod.yaml",), parameters=(HelmParameter("a", "x,y"),)),
    )
    ctx = RenderContext(
        tmp_path, tools=Tools("helm", "kubectl"), options=RenderOptions(kube_version="1.30.0")
    )
    args = template_args(app, ctx, chart, tmp_path)
    assert args == [
        "template", ".", "--name-template", "web", "--namespace", "prod", "--kube-version", "1.30.0",
        "--set", "a=x\\,y", "--values", str(chart / "values-prod.yaml"), "--include-crds",
    ]  # fmt: skip


@pytest.mark.parametrize(("raw", "clean"), [("a,b", "a\\,b"), ("a\\,b", "a\\,b"), ("plain", "plain")])
def test_clean_set_parameter(raw: str, clean: str) -> None:
    assert clean_set_parameter(raw) == clean


def test_vendored_subchart(tmp_path: Path, tools: Tools) -> None:
    chart = make_chart(tmp_path)
    sub = chart / "charts" / "sidecar"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: sidecar\nversion: 1.0.0\n")
    (sub / "templates" / "sa.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sidecar\n"
    )
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: sidecar\n  version: 1.0.0\n"
    )
    objs = render(tmp_path, tools, HelmOptions())
    assert str(objs["ServiceAccount/sidecar"].origin) == "charts/demo/charts/sidecar/templates/sa.yaml:1"  # type: ignore[attr-defined]


def test_missing_dependency_is_built_in_a_scratch_copy(tmp_path: Path, tools: Tools) -> None:
    chart = make_chart(tmp_path)
    lib = make_chart(tmp_path, "charts/common", name="common")
    (lib / "crds" / "widget.yaml").unlink()
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n"
        "dependencies:\n- name: common\n  version: 0.1.0\n  repository: file://../common\n"
    )
    objs = render(tmp_path, tools, HelmOptions())
    assert "ConfigMap/myapp-cfg" in objs
    assert not (chart / "charts").exists() and not (chart / "Chart.lock").exists()  # working tree untouched


def test_failing_template_reports_helm_error(tmp_path: Path, any_helm: Tools) -> None:
    chart = make_chart(tmp_path)
    (chart / "templates" / "bad.yaml").write_text('{{ required "dbHost is required" .Values.dbHost }}\n')
    with pytest.raises(ProcessError, match="dbHost is required") as info:
        render(tmp_path, any_helm, HelmOptions())
    assert info.value.returncode == 1


def test_missing_value_file(tmp_path: Path, tools: Tools) -> None:
    make_chart(tmp_path)
    with pytest.raises(RenderError, match=r"value file 'nope\.yaml' not found"):
        render(tmp_path, tools, HelmOptions(value_files=("nope.yaml",)))
    objs = render(tmp_path, tools, HelmOptions(value_files=("nope.yaml",), ignore_missing_value_files=True))
    assert "ConfigMap/myapp-cfg" in objs
    with pytest.raises(RenderError, match="outside the repository"):
        render(tmp_path, tools, HelmOptions(value_files=("../../../etc/passwd",)))


def test_ref_value_file(tmp_path: Path, tools: Tools) -> None:
    make_chart(tmp_path)
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "prod.yaml").write_text("greeting: from-ref\n")
    app = AppSpec(
        name="myapp",
        path="charts/demo",
        helm=HelmOptions(value_files=("$values/env/prod.yaml",)),
        ref_roots={"values": "."},
    )
    with RenderContext(tmp_path, tools=tools) as ctx:
        objs = {o.name: o for o in render_app(app, ctx).objects}
    assert objs["myapp-cfg"].data["data"]["greeting"] == "from-ref"


def test_missing_helm_binary(tmp_path: Path) -> None:
    make_chart(tmp_path)
    with pytest.raises(RenderError) as info:
        render(tmp_path, Tools(helm=str(tmp_path / "no-helm"), kubectl="kubectl"), HelmOptions())
    assert "scripts/install-tools" in info.value.hint


def test_helm_versions(tools_dir: Path) -> None:
    for binary, prefix in (("helm", "v4.2."), ("helm3", "v3.19.")):
        out = subprocess.run([str(tools_dir / binary), "version", "--short"], capture_output=True, text=True)
        assert out.stdout.startswith(prefix)
