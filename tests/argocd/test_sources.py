"""Which sources and revisions a sync applies (Argo CD's status fields), and ref value files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from argogate.argocd.sources import (
    REF_DIR,
    Synced,
    has_revisions,
    place_ref_files,
    plan_targets,
    ref_names,
    ref_source,
    synced_sources,
)
from argogate.errors import ConfigError
from argogate.render.model import AppSpec, HelmOptions

A = {"repoURL": "https://git.example.com/a.git", "path": "apps/a", "targetRevision": "main"}
B = {"repoURL": "https://git.example.com/b.git", "path": "apps/b", "targetRevision": "v2"}
REF = {"repoURL": "https://git.example.com/values.git", "ref": "values", "targetRevision": "main"}
CHART = {"repoURL": "https://charts.example.com", "chart": "redis", "targetRevision": "1.2.3"}


def app(sources: list[dict[str, Any]], status: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"sources": sources}, "status": status}


def running(**sync: Any) -> dict[str, Any]:
    return {"phase": "Running", **sync}


@pytest.mark.parametrize(
    ("status", "revisions"),
    [
        ({}, ["", ""]),
        ({"sync": {"revisions": ["s1", "s2"]}}, ["s1", "s2"]),  # nothing running: the last comparison
        (  # resolved before hooks run (argo-cd controller/sync.go): wins over the request
            {"sync": {"revisions": ["s1", "s2"]},
             "operationState": running(syncResult={"revisions": ["r1", "r2"]}, operation={"sync": {"revisions": ["o1", "o2"]}})},
            ["r1", "r2"],
        ),
        (  # not resolved yet: the request, an empty entry being the source's targetRevision
            {"operationState": running(operation={"sync": {"revisions": ["o1", ""]}})},
            ["o1", "v2"],
        ),
        (  # a list that does not cover every source is not used
            {"sync": {"revisions": ["s1", "s2"]}, "operationState": running(syncResult={"revisions": ["r1"]})},
            ["s1", "s2"],
        ),
        (  # a finished operation says nothing about the next sync
            {"sync": {"revisions": ["s1", "s2"]},
             "operationState": {"phase": "Succeeded", "syncResult": {"revisions": ["old1", "old2"]}}},
            ["s1", "s2"],
        ),
    ],
)  # fmt: skip
def test_synced_revisions_pair_with_sources(status: dict[str, Any], revisions: list[str]) -> None:
    synced = synced_sources(app([A, B], status))
    assert synced.multi and synced.sources == [A, B]
    assert synced.revisions == revisions


def test_a_rollback_syncs_the_sources_of_the_operation() -> None:
    old = {**A, "path": "apps/old"}
    status = {"operationState": running(operation={"sync": {"sources": [old, B], "revisions": ["h1", "h2"]}})}
    synced = synced_sources(app([A, B], status))
    assert synced.sources == [old, B] and synced.revisions == ["h1", "h2"]


def test_single_source_ignores_the_empty_source_struct_of_sync_result() -> None:
    doc = {
        "spec": {"source": A},
        "status": {"operationState": running(syncResult={"source": {"repoURL": ""}, "revision": "abc"})},
    }
    synced = synced_sources(doc)
    assert synced == Synced([A], ["abc"], multi=False)


def test_plan_targets_gates_git_sources_at_their_revisions() -> None:
    synced = Synced([CHART, A, REF, B], ["1.2.3", "ra", "rv", "rb"], multi=True)
    targets, notes = plan_targets(synced, repo_url="", revision="", path=None, where="Application argocd/web")
    assert [(t.index, t.repo_url, t.revision) for t in targets] == [(1, A["repoURL"], "ra"), (3, B["repoURL"], "rb")]
    assert notes == ["not gated: source 0: chart 'redis' comes from the Helm repository https://charts.example.com"]
    only_b, _ = plan_targets(synced, repo_url="git@git.example.com:b", revision="", path=None, where="x")
    assert [t.index for t in only_b] == [3]
    by_path, _ = plan_targets(synced, repo_url="", revision="pinned", path="./apps/a/", where="x")
    assert [(t.index, t.revision) for t in by_path] == [(1, "pinned")]


@pytest.mark.parametrize(
    ("synced", "message"),
    [
        (Synced([CHART, REF], ["1", "2"], multi=True), "Application argocd/web has no Git source with a path to gate"),
        (Synced([A, B], ["ra", ""], multi=True), "no revision to gate: Application argocd/web has no sync revision yet"),
    ],
)
def test_plan_targets_errors(synced: Synced, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        plan_targets(synced, repo_url="", revision="", path=None, where="Application argocd/web")
    assert str(err.value).startswith(message)


def test_has_revisions_waits_only_for_gated_sources() -> None:
    assert has_revisions(app([CHART, A], {"sync": {"revisions": ["1.2.3", "sha"]}}))
    assert not has_revisions(app([CHART, A], {}))
    assert has_revisions(app([CHART], {}))  # nothing to wait for: the plan says so at once


def test_ref_source_prefers_the_synced_revision() -> None:
    synced = Synced([A, REF], ["ra", "rv"], multi=True)
    assert ref_source(synced, "values") == (1, REF["repoURL"], "rv")
    assert ref_source(Synced([A, REF], ["ra", ""], multi=True), "values") == (1, REF["repoURL"], "main")
    with pytest.raises(ConfigError, match="no source declares ref 'other'"):
        ref_source(synced, "other")


def chart_spec(*value_files: str, ignore_missing: bool = False) -> AppSpec:
    helm = HelmOptions(value_files=value_files, ignore_missing_value_files=ignore_missing)
    return AppSpec("web", "charts/web", helm=helm, ref_roots={"values": ".", "same": "."})


def test_place_ref_files_copies_what_the_value_files_read(tmp_path: Path) -> None:
    root, tree = tmp_path / "chart", tmp_path / "values"
    (tree / "envs").mkdir(parents=True)
    (tree / "envs" / "prod.yaml").write_text("a: 1\n")
    (tree / "unread.yaml").write_text("b: 2\n")
    root.mkdir()
    spec = chart_spec("values.yaml", "$values/envs/prod.yaml", "$values/envs/missing.yaml", "$same/x.yaml")
    assert ref_names(spec) == ["values", "same"]
    placed = place_ref_files(spec, root, {"values": tree})
    assert placed.ref_roots == {"values": f"{REF_DIR}/values", "same": "."}
    assert (root / REF_DIR / "values" / "envs" / "prod.yaml").read_text() == "a: 1\n"
    copied = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert copied == [f"{REF_DIR}/values/envs/prod.yaml"]  # the missing one is left for helm to report


@pytest.mark.parametrize("value_file", ["$values/../secret.yaml", "$values/envs/../../secret.yaml"])
def test_place_ref_files_refuses_paths_outside_the_ref(tmp_path: Path, value_file: str) -> None:
    (tmp_path / "values").mkdir()
    (tmp_path / "secret.yaml").write_text("x: 1\n")
    with pytest.raises(ConfigError, match="outside the repository of ref 'values'"):
        place_ref_files(chart_spec(value_file), tmp_path / "chart", {"values": tmp_path / "values"})


def test_place_ref_files_refuses_a_symlink_out_of_the_ref(tmp_path: Path) -> None:
    (tmp_path / "values").mkdir()
    (tmp_path / "secret.yaml").write_text("x: 1\n")
    (tmp_path / "values" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(ConfigError, match="outside the repository"):
        place_ref_files(chart_spec("$values/link.yaml"), tmp_path / "chart", {"values": tmp_path / "values"})
