from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from argogate import cache
from argogate.model.result import Origin, Report, ResourceRef, RuleResult, RuleStatus
from argogate.model.run import AppResult
from argogate.render.model import AppSpec, HelmOptions, RenderedApp, RenderedObject


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)


REPO = {
    "apps/plain/cm.yaml": "kind: ConfigMap\n",
    "apps/overlay/kustomization.yaml": "resources:\n  - ../../bases/web\npatches:\n  - path: patch.yaml\n",
    "apps/overlay/patch.yaml": "kind: Deployment\n",
    "bases/web/kustomization.yaml": "resources: [deploy.yaml]\n",
    "bases/web/deploy.yaml": "kind: Deployment\n",
    "apps/chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    "apps/chart/values.yaml": "a: 1\n",
    "envs/prod.yaml": "a: 2\n",
    "unrelated/file.txt": "x\n",
}


@pytest.mark.parametrize(
    ("app", "edit", "changes"),
    [
        (AppSpec("plain", "apps/plain"), "apps/plain/cm.yaml", True),
        (AppSpec("plain", "apps/plain"), "unrelated/file.txt", False),
        (AppSpec("plain", "apps/plain"), "bases/web/deploy.yaml", False),
        (AppSpec("overlay", "apps/overlay"), "bases/web/deploy.yaml", True),  # a base outside the app
        (AppSpec("overlay", "apps/overlay"), "apps/overlay/patch.yaml", True),
        (AppSpec("overlay", "apps/overlay"), "unrelated/file.txt", False),
        (
            AppSpec("chart", "apps/chart", helm=HelmOptions(value_files=("../../envs/prod.yaml",))),
            "envs/prod.yaml",
            True,
        ),
        (AppSpec("chart", "apps/chart"), "envs/prod.yaml", False),
    ],
)
def test_input_digest_follows_what_the_app_reads(
    tmp_path: Path, app: AppSpec, edit: str, changes: bool
) -> None:
    _write(tmp_path, REPO)
    before = cache.input_digest(app, tmp_path, "salt")
    (tmp_path / edit).write_text((tmp_path / edit).read_text() + "# edited\n")
    after = cache.input_digest(app, tmp_path, "salt")
    assert before is not None and after is not None
    assert (before != after) is changes


@pytest.mark.parametrize(
    "kustomization",
    [
        "resources:\n  - https://github.com/example/base?ref=v1\n",
        "resources:\n  - github.com/example/base\n",
        "resources:\n  - ../../../outside-the-repo\n",
        "helmCharts:\n  - name: x\n    repo: https://charts.example.com\n",
    ],
)
def test_inputs_that_cannot_be_seen_are_never_cached(tmp_path: Path, kustomization: str) -> None:
    _write(tmp_path, {"apps/k/kustomization.yaml": kustomization})
    assert cache.input_digest(AppSpec("k", "apps/k"), tmp_path, "salt") is None


def test_salt_and_spec_are_part_of_the_key(tmp_path: Path) -> None:
    _write(tmp_path, REPO)
    app = AppSpec("plain", "apps/plain")
    base = cache.input_digest(app, tmp_path, "salt")
    assert cache.input_digest(app, tmp_path, "other tools") != base
    assert (
        cache.input_digest(AppSpec("plain", "apps/plain", destination_namespace="x"), tmp_path, "salt")
        != base
    )


def _rendered(root: Path, replicas: int = 1) -> RenderedApp:
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": replicas},
    }
    return RenderedApp(
        "web",
        "apps/web",
        "directory",
        "prod",
        [RenderedObject(obj, Origin(str(root / "apps/web/d.yaml"), 3))],
    )


def _result(rendered: RenderedApp, policies: Any) -> AppResult:
    r = RuleResult(
        "p", "r", RuleStatus.FAIL, "bad", ResourceRef("apps/v1", "Deployment", "prod", "web"), "validate.pattern",
        True, "ClusterPolicy", "cat", "high", rendered.objects[0].origin, Origin("policies/p.yaml", 1),
    )  # fmt: skip
    return AppResult(
        rendered.name, rendered.path, rendered.kind, Report([r]), [o.data for o in rendered.objects]
    )


def test_evaluation_round_trips_and_is_keyed_by_objects_and_policies(tmp_path: Path) -> None:
    policies = SimpleNamespace(policies=[SimpleNamespace(raw={"kind": "ClusterPolicy"})], exceptions=[])
    c = cache.CheckCache(tmp_path / "cache", tmp_path, policies)
    calls: list[int] = []

    def evaluate(rendered: RenderedApp, pol: Any) -> AppResult:
        calls.append(1)
        return _result(rendered, pol)

    first = c.evaluate(_rendered(tmp_path), policies, evaluate)
    again = c.evaluate(_rendered(tmp_path), policies, evaluate)
    assert len(calls) == 1 and c.hits["evaluate"] == 1
    assert again.report.results == first.report.results and again.objects == first.objects
    c.evaluate(_rendered(tmp_path, replicas=2), policies, evaluate)
    assert len(calls) == 2
    other = SimpleNamespace(policies=[SimpleNamespace(raw={"kind": "ClusterPolicy", "x": 1})], exceptions=[])
    cache.CheckCache(tmp_path / "cache", tmp_path, other).evaluate(_rendered(tmp_path), other, evaluate)
    assert len(calls) == 3


def test_render_cache_serves_unchanged_apps_only(tmp_path: Path) -> None:
    _write(tmp_path, REPO)
    policies = SimpleNamespace(policies=[], exceptions=[])
    rctx = SimpleNamespace(
        tools=SimpleNamespace(helm="helm", kubectl="kubectl", kustomize=None), options="opts"
    )
    apps = [AppSpec("plain", "apps/plain"), AppSpec("overlay", "apps/overlay")]
    rendered_apps: list[str] = []

    def render(todo: Any, ctx: Any) -> list[RenderedApp]:
        rendered_apps.extend(a.name for a in todo)
        return [
            RenderedApp(
                a.name,
                a.path,
                "directory",
                None,
                [RenderedObject({"kind": "X"}, Origin(str(tmp_path / a.path / "f.yaml"), 1))],
            )
            for a in todo
        ]

    c = cache.CheckCache(tmp_path / "cache", tmp_path, policies)
    first = c.render_all(apps, rctx, render)
    (tmp_path / "bases/web/deploy.yaml").write_text("kind: Deployment\nchanged: true\n")
    second = c.render_all(apps, rctx, render)
    assert rendered_apps == ["plain", "overlay", "overlay"]
    assert second[0] == first[0]  # the origin's absolute path comes back under the current root


def test_values_json_cannot_carry_are_not_cached(tmp_path: Path) -> None:
    c = cache.CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
    c._put("evaluate", "ab" * 32, {"objects": [{1: "int key"}]})
    assert c._get("evaluate", "ab" * 32) is None
    c._put("evaluate", "cd" * 32, {"objects": [{"a": 1}]})
    assert c._get("evaluate", "cd" * 32) == {"objects": [{"a": 1}]}


def test_open_cache_is_off_without_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pol = SimpleNamespace(policies=[], exceptions=[])
    assert cache.open_cache(None, tmp_path, pol) is None
    assert cache.open_cache("", tmp_path, pol) is None
    assert cache.open_cache(tmp_path, tmp_path, pol) is not None
    monkeypatch.setenv("ARGOGATE_NO_CACHE", "1")
    assert cache.open_cache(tmp_path, tmp_path, pol) is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_dir() == tmp_path / "xdg" / "argogate"
