from __future__ import annotations

from pathlib import Path

import pytest

from argogate.apps import discover_apps, normalize_repo_url, specs_from_application
from argogate.config import RepoConfig, load_config, parse_config
from argogate.errors import UsageError
from argogate.render.model import Origin

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-repo"
URL = "https://github.com/example/demo-repo.git"


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/example/demo-repo.git",
        "https://github.com/example/demo-repo",
        "https://github.com/Example/Demo-Repo/",
        "https://user:token@github.com/example/demo-repo.git",
        "git@github.com:example/demo-repo.git",
        "ssh://git@github.com/example/demo-repo",
        "ssh://git@github.com:22/example/demo-repo.git",
    ],
)
def test_normalize_repo_url_same_repo(url: str) -> None:
    assert normalize_repo_url(url) == "github.com/example/demo-repo"


@pytest.mark.parametrize(
    "url", ["https://github.com/example/other.git", "https://gitlab.com/example/demo-repo.git"]
)
def test_normalize_repo_url_other_repo(url: str) -> None:
    assert normalize_repo_url(url) != "github.com/example/demo-repo"


def test_demo_repo_discovery() -> None:
    found = discover_apps(DEMO, load_config(DEMO))
    assert found.notes == []
    by_name = {a.name: a for a in found.apps}
    assert set(by_name) == {"root", "api", "batch", "web"}
    assert (by_name["root"].path, by_name["root"].destination_namespace) == ("argocd/apps", "argocd")
    assert by_name["batch"].source_type == "directory" and by_name["batch"].directory.recurse
    assert by_name["web"].source_type == "kustomize"
    assert by_name["web"].kustomize.images == ("ghcr.io/example/web=ghcr.io/example/web:1.4.2",)
    assert by_name["api"].helm.release_name == "api" and by_name["api"].helm.value_files == (
        "values-prod.yaml",
    )
    assert str(by_name["api"].defined_in) == "argocd/apps/api.yaml:1"
    assert [(s.name, s.defined_in.file if s.defined_in else None) for s in found.skipped] == [
        ("metrics", "argocd/apps/metrics.yaml")
    ]
    assert "Helm repository" in found.skipped[0].reason


def write_app(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


MULTI = f"""\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: multi}}
spec:
  destination: {{namespace: prod}}
  sources:
    - repoURL: https://charts.example.com
      chart: redis
      targetRevision: 1.0.0
      helm:
        valueFiles: [$values/env/redis.yaml]
    - repoURL: {URL}
      ref: values
    - repoURL: {URL}
      path: charts/app
      helm:
        valueFiles: [$values/env/app.yaml]
    - repoURL: https://github.com/example/elsewhere.git
      path: deploy
    - repoURL: {URL}
      path: missing/dir
"""


def test_multi_source(tmp_path: Path) -> None:
    (tmp_path / "charts/app").mkdir(parents=True)
    write_app(tmp_path, "argocd/multi.yaml", MULTI)
    found = discover_apps(tmp_path, RepoConfig(repo_urls=(URL,)))
    assert [(a.name, a.path, a.ref_roots, a.destination_namespace) for a in found.apps] == [
        ("multi[2]", "charts/app", {"values": "."}, "prod")
    ]
    reasons = {s.name: s.reason for s in found.skipped}
    assert set(reasons) == {"multi[0]", "multi[3]", "multi[4]"}
    assert "Helm repository" in reasons["multi[0]"]
    assert "is not this repository" in reasons["multi[3]"]
    assert "does not exist" in reasons["multi[4]"]


def test_no_remote_accepts_any_repo_url_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    write_app(
        tmp_path,
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n"
        "spec: {source: {repoURL: 'https://example.com/x.git', path: deploy/}}\n",
    )
    found = discover_apps(tmp_path)
    assert [a.path for a in found.apps] == ["deploy"]
    assert found.notes and "no remote" in found.notes[0]
    found = discover_apps(tmp_path, remote_urls=["git@github.com:me/mine.git"])
    assert found.apps == [] and "not this repository" in found.skipped[0].reason


def test_templated_and_skipped_files_are_not_applications(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: %s}\nspec: {source: {path: deploy}}\n"
    write_app(
        tmp_path, "chart/templates/app.yaml", "{{- range .Values.apps }}\n" + app % "t" + "{{- end }}\n"
    )
    write_app(tmp_path, "skipped.yaml", "# +argocd:skip-file-rendering\n" + app % "s")
    write_app(tmp_path, "real.yaml", app % "r")
    assert [a.name for a in discover_apps(tmp_path).apps] == ["r"]


def test_explicit_apps(tmp_path: Path) -> None:
    found = discover_apps(DEMO, load_config(DEMO), explicit_apps=["charts/api", str(DEMO / "apps/web/base")])
    assert [(a.name, a.path, a.defined_by) for a in found.apps] == [
        ("api", "charts/api", "application"),
        ("base", "apps/web/base", "cli"),
    ]
    with pytest.raises(UsageError, match="not inside the repository"):
        discover_apps(DEMO, explicit_apps=[str(tmp_path)])
    with pytest.raises(UsageError, match="no such directory"):
        discover_apps(DEMO, explicit_apps=["apps/nope"])


def test_config_apps_are_added(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    cfg = parse_config("discover: false\napps:\n  - path: a\n    namespace: ns\n")
    found = discover_apps(tmp_path, cfg)
    assert [(a.name, a.path, a.destination_namespace, a.defined_by) for a in found.apps] == [
        ("a", "a", "ns", "config")
    ]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ({"helm": {"releaseName": "x"}}, "helm"),
        ({"kustomize": {"namePrefix": "p-"}}, "kustomize"),
        ({"directory": {"recurse": True}}, "directory"),
        ({"helm": {}}, None),
        ({}, None),
    ],
)
def test_explicit_source_type(tmp_path: Path, source: dict[str, object], kind: str | None) -> None:
    doc = {"metadata": {"name": "a"}, "spec": {"source": {"repoURL": URL, "path": ".", **source}}}
    apps, skipped = specs_from_application(doc, Origin("a.yaml", 1), is_ours=lambda _u: True, root=tmp_path)
    assert skipped == [] and apps[0].source_type == kind and apps[0].path == "."


@pytest.mark.parametrize(
    ("source", "reason"),
    [({"plugin": {"name": "x"}}, "plugin"), ({"directory": {"jsonnet": {"tlas": []}}}, "jsonnet")],
)
def test_unsupported_sources_are_skipped(source: dict[str, object], reason: str) -> None:
    doc = {"metadata": {"name": "a"}, "spec": {"source": {"repoURL": URL, "path": ".", **source}}}
    apps, skipped = specs_from_application(doc, Origin("a.yaml", 1), is_ours=lambda _u: True)
    assert apps == [] and reason in skipped[0].reason
