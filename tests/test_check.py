"""`run_check` on the bundled demo repository: findings point at Git files and lines, and apps render
in parallel while the result keeps discovery order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from argogate import check
from argogate.check import render_all, run_check
from argogate.errors import RenderError
from argogate.model.result import RuleStatus
from argogate.model.run import CheckResult
from argogate.render import RenderContext
from argogate.render.model import AppSpec, RenderedApp
from argogate.reporters import text

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-repo"


@pytest.fixture(scope="module")
def demo() -> CheckResult:
    return run_check(str(DEMO))


def test_demo_verdict(demo: CheckResult) -> None:
    assert [(a.name, a.kind) for a in demo.apps] == [
        ("root", "directory"),
        ("api", "helm"),
        ("batch", "directory"),
        ("web", "kustomize"),
    ]
    assert demo.exit_code() == 1
    assert [s.name for s in demo.skipped] == ["metrics"]


@pytest.mark.parametrize(
    ("app", "kind", "name", "origin", "detail"),
    [
        ("batch", "CronJob", "nightly-report", "apps/batch/cronjob.yaml:1", None),
        (
            "api",
            "Deployment",
            "api",
            "charts/api/templates/deployment.yaml:1",
            "helm template, values: values-prod.yaml",
        ),
        ("web", "Deployment", "prod-web", "apps/web/base/deployment.yaml:1", "kustomize build"),
    ],
)
def test_findings_point_at_git_file_and_line(
    demo: CheckResult, app: str, kind: str, name: str, origin: str, detail: str | None
) -> None:
    (result,) = [a for a in demo.apps if a.name == app]
    fails = [r for r in result.report.results if r.status is RuleStatus.FAIL]
    assert fails and all(r.resource.kind == kind and r.resource.name == name for r in fails)
    for r in fails:
        assert r.origin is not None
        assert (str(r.origin), r.origin.detail) == (origin, detail)
        assert (DEMO / r.origin.file).is_file()


def test_text_reads_in_one_pass(demo: CheckResult) -> None:
    out = text.render(demo)
    assert "    apps/batch/cronjob.yaml:1: CronJob/batch/nightly-report\n" in out
    assert (
        "    charts/api/templates/deployment.yaml:1: Deployment/api/api (helm template, values: values-prod.yaml)\n"
        in out
    )
    assert "    apps/web/base/deployment.yaml:1: Deployment/web/prod-web (kustomize build)\n" in out
    assert "      BLOCK [disallow-latest-tag/autogen-cronjob-validate-image-tag] validation error:" in out
    for line in out.splitlines():
        assert line.count("(") <= 1, f"nested parentheses: {line}"
    assert out.splitlines()[-1].startswith("BLOCKED: 4 apps, 1 blocking, 2 audit-only")


def test_policy_docs_come_from_annotations(demo: CheckResult) -> None:
    doc = demo.policies["require-labels"]
    assert doc.title and doc.file == "policies/require-labels.yaml"


def test_same_result_every_run(demo: CheckResult) -> None:
    again = run_check(str(DEMO))
    assert [(a.name, a.report.results) for a in again.apps] == [(a.name, a.report.results) for a in demo.apps]


# --- parallel rendering -------------------------------------------------------------------------


class _Recorder:
    def __init__(self, delays: dict[str, float], fail: frozenset[str] = frozenset()) -> None:
        self.delays, self.fail = delays, fail
        self.lock = threading.Lock()
        self.running: set[str] = set()
        self.overlap: list[tuple[str, ...]] = []
        self.order: list[str] = []

    def __call__(self, app: AppSpec, ctx: RenderContext) -> RenderedApp:
        with self.lock:
            self.running.add(app.name)
            self.overlap.append(tuple(sorted(self.running)))
        time.sleep(self.delays.get(app.name, 0.0))
        ctx.warn(f"rendered {app.name}")
        with self.lock:
            self.running.discard(app.name)
            self.order.append(app.name)
        if app.name in self.fail:
            raise RenderError(f"{app.name} is broken")
        return RenderedApp(app.name, app.path, "directory", None, [], warnings=list(ctx.warnings))


def _apps(*pairs: tuple[str, str]) -> list[AppSpec]:
    return [AppSpec(name, path, source_type="directory") for name, path in pairs]


def test_renders_in_parallel_and_keeps_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder({"a": 0.3, "b": 0.1, "c": 0.0}, fail=frozenset({"b"}))
    monkeypatch.setattr("argogate.render.render_app", rec)
    monkeypatch.setattr(check.os, "cpu_count", lambda: 4)
    with RenderContext(tmp_path, writable=True) as ctx:
        out = render_all(_apps(("a", "x"), ("b", "y"), ("c", "z")), ctx)
    assert rec.order[-1] == "a"  # the slowest finished last...
    assert [o.name if isinstance(o, RenderedApp) else str(o) for o in out] == [
        "a",
        "b is broken",
        "c",
    ]  # ...yet first
    assert max(len(o) for o in rec.overlap) > 1
    # each app sees its own warnings only, however the threads interleave
    assert [o.warnings for o in out if isinstance(o, RenderedApp)] == [["rendered a"], ["rendered c"]]


def test_apps_on_one_path_render_one_after_the_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder({"prod": 0.1, "stage": 0.1})
    monkeypatch.setattr("argogate.render.render_app", rec)
    with RenderContext(tmp_path, writable=True) as ctx:
        out = render_all(_apps(("prod", "charts/app"), ("stage", "charts/app/"), ("other", "apps/x")), ctx)
    assert [o.name for o in out if isinstance(o, RenderedApp)] == ["prod", "stage", "other"]
    assert not any({"prod", "stage"} <= set(o) for o in rec.overlap)


def test_one_cpu_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("argogate.render.render_app", _Recorder({}))
    monkeypatch.setattr(check.os, "cpu_count", lambda: None)
    with RenderContext(tmp_path, writable=True) as ctx:
        assert len(render_all(_apps(("a", "x"), ("b", "y")), ctx)) == 2


def test_internal_bug_is_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(app: AppSpec, ctx: RenderContext) -> RenderedApp:
        raise KeyError("bug")

    monkeypatch.setattr("argogate.render.render_app", boom)
    with RenderContext(tmp_path, writable=True) as ctx, pytest.raises(KeyError):
        render_all(_apps(("a", "x")), ctx)


def test_scratch_copy_is_made_once_for_all_lanes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c1").mkdir()
    (tmp_path / "c1" / "Chart.yaml").write_text("name: c1\n")
    seen: list[Path] = []

    def render(app: AppSpec, ctx: RenderContext) -> RenderedApp:
        seen.append(ctx.scratch_root())
        return RenderedApp(app.name, app.path, "helm", None, [])

    monkeypatch.setattr("argogate.render.render_app", render)
    with RenderContext(tmp_path, writable=False) as ctx:
        render_all([AppSpec("a", "c1"), AppSpec("b", "c2", source_type="helm")], ctx)
        assert len(set(seen)) == 1 and seen[0] != tmp_path
    assert not seen[0].exists()
