from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from argogate import cache
from argogate.errors import UsageError
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


# --- size bound: least recently used entries go first ----------------------------------------


def _fill(c: cache.CheckCache, n: int, *, start: float = 1_000_000.0) -> list[str]:
    """n evaluate entries of equal size, the i-th last used at `start + i`; returns their keys."""
    keys = [f"{i:02x}" * 32 for i in range(n)]
    for i, key in enumerate(keys):
        c._put("evaluate", key, {"results": [], "objects": [{"n": i, "pad": "x" * 1000}], "generated": []})
        os.utime(c._path("evaluate", key), (start + i, start + i))
    return keys


def _left(c: cache.CheckCache, keys: list[str]) -> list[int]:
    return [i for i, k in enumerate(keys) if c._path("evaluate", k).exists()]


def test_prune_keeps_the_most_recently_used_entries_under_the_cap(tmp_path: Path) -> None:
    c = cache.CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
    keys = _fill(c, 10)
    size = c._path("evaluate", keys[0]).stat().st_size
    assert c._get("evaluate", keys[1]) is not None  # a hit: now the most recently used
    out = cache.prune(tmp_path / "cache", 4 * size)
    assert _left(c, keys) == [1, 7, 8, 9]
    assert out == cache.Pruned(kept_bytes=4 * size, removed=6, freed_bytes=6 * size)
    assert cache.prune(tmp_path / "cache", 4 * size).removed == 0  # under the cap: nothing to do
    assert cache.prune(tmp_path / "cache", 0).kept_bytes == 0


def test_prune_under_the_cap_deletes_nothing(tmp_path: Path) -> None:
    c = cache.CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
    keys = _fill(c, 3)
    assert cache.prune(tmp_path / "cache", 10**9).removed == 0
    assert _left(c, keys) == [0, 1, 2]
    assert cache.prune(tmp_path / "missing", 0) == cache.Pruned(0, 0, 0)


def test_files_that_vanish_while_pruning_are_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = cache.CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
    keys = _fill(c, 6)
    size = c._path("evaluate", keys[0]).stat().st_size
    scan = cache._files

    def racing(directory: Path) -> Any:
        """Another run deletes entry 3 as we list it, and entry 0 after we listed everything."""
        for e in scan(directory):
            if e.name == f"{keys[3]}.json":
                os.unlink(e.path)
            yield e
        os.unlink(c._path("evaluate", keys[0]))

    monkeypatch.setattr(cache, "_files", racing)
    out = cache.prune(tmp_path / "cache", 2 * size)
    assert _left(c, keys) == [4, 5]
    assert out.kept_bytes == 2 * size and out.removed == 3  # 0 (gone already), 1 and 2; 3 was never seen
    assert c._get("evaluate", keys[0]) is None  # a reader racing the pruner sees a miss


def test_prune_spares_live_temporary_files_and_foreign_files(tmp_path: Path) -> None:
    c = cache.CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
    keys = _fill(c, 2)
    shard = c._path("evaluate", keys[0]).parent
    live, stale = shard / ".tmp-live", shard / ".tmp-stale"
    live.write_text("x" * 5000)
    stale.write_text("x" * 5000)
    os.utime(stale, (1_000_000.0, 1_000_000.0))
    foreign = [tmp_path / "cache" / "notes.txt", tmp_path / "cache" / "v1" / "README", shard / "keep.json"]
    for f in foreign:
        f.write_text("not a cache entry")
        os.utime(f, (0, 0))
    out = cache.prune(tmp_path / "cache", 0, now=1_000_000.0 + 2 * 3600)
    assert live.exists() and not stale.exists()
    assert all(f.exists() for f in foreign)  # `--cache-dir` may point at a directory holding other files
    assert _left(c, keys) == [] and out.removed == 3


def test_prune_after_run_reads_the_cap_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = cache.CheckCache(tmp_path / "cache", tmp_path, SimpleNamespace(policies=[], exceptions=[]))
    keys = _fill(c, 3)
    assert cache.prune_after_run("", 0) is None
    monkeypatch.setenv("ARGOGATE_NO_CACHE", "1")
    assert cache.prune_after_run(tmp_path / "cache", 0) is None
    monkeypatch.delenv("ARGOGATE_NO_CACHE")
    out = cache.prune_after_run(tmp_path / "cache")  # default 256 MiB
    assert out is not None and out.removed == 0
    monkeypatch.setenv("ARGOGATE_CACHE_MAX_MB", "0")
    out = cache.prune_after_run(tmp_path / "cache")
    assert out is not None and out.removed == 3 and _left(c, keys) == []


@pytest.mark.parametrize(
    ("raw", "mb"), [("", 256.0), (" ", 256.0), ("64", 64.0), ("0.5", 0.5), ("0", 0.0), ("-1", None),
                    ("lots", None), ("inf", None), ("nan", None)],
)  # fmt: skip
def test_max_mb_from_env(raw: str, mb: float | None) -> None:
    if mb is None:
        with pytest.raises(UsageError, match="ARGOGATE_CACHE_MAX_MB"):
            cache.max_mb_from_env({"ARGOGATE_CACHE_MAX_MB": raw})
    else:
        assert cache.max_mb_from_env({"ARGOGATE_CACHE_MAX_MB": raw}) == mb
