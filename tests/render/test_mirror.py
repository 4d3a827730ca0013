"""Private copies of app directories in reused mirror trees: edits stay private, links lead to the source."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from argogate.render.mirror import MirrorPool

FILES = {
    "apps/web/base/kustomization.yaml": "resources: [d.yaml]\n",
    "apps/web/base/d.yaml": "kind: Deployment\n",
    "apps/web/overlays/prod/kustomization.yaml": "resources: [../../base]\n",
    "apps/web/overlays/prod/sub/x.yaml": "kind: ConfigMap\n",
    "apps/api/kustomization.yaml": "resources: [../web/base]\n",
    "top.yaml": "kind: Namespace\n",
}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / ".git").mkdir()
    (root / "apps/api/fn.sh").write_text("#!/bin/sh\n")
    (root / "apps/api/fn.sh").chmod(0o755)
    return root


def test_copy_sits_at_its_own_path_among_links(source: Path) -> None:
    pool = MirrorPool()
    with pool.private_copy(source, source / "apps/web/overlays/prod") as (copy, tree):
        assert copy == tree / "apps/web/overlays/prod"
        assert not copy.is_symlink() and not (copy / "kustomization.yaml").is_symlink()
        assert (copy / "sub/x.yaml").read_text() == "kind: ConfigMap\n"
        for linked in ("apps/web/base", "apps/api", "top.yaml"):
            assert (tree / linked).is_symlink() and (tree / linked).resolve() == (source / linked).resolve()
        assert (copy / "../../base/d.yaml").read_text() == "kind: Deployment\n"
        assert not (tree / ".git").exists()
        (copy / "kustomization.yaml").write_text("edited\n")
    assert (source / "apps/web/overlays/prod/kustomization.yaml").read_text() == "resources: [../../base]\n"
    pool.close()
    assert not tree.exists()


def test_a_reused_tree_shows_the_next_app_the_source_not_the_last_edits(source: Path) -> None:
    pool = MirrorPool()
    with pool.private_copy(source, source / "apps/web/base") as (copy, tree):
        (copy / "kustomization.yaml").write_text("namePrefix: leaked-\n")
    # the same tree again (one build at a time): base is a link to the source once more
    with pool.private_copy(source, source / "apps/web/overlays/prod") as (copy, again):
        assert again == tree
        assert (again / "apps/web/base").is_symlink()
        assert (copy / "../../base/kustomization.yaml").read_text() == "resources: [d.yaml]\n"
    # a former ancestor (real directory of links) becomes the copy, then a link
    with pool.private_copy(source, source / "apps/web") as (copy, again):
        assert again == tree and not copy.is_symlink()
        assert not (copy / "overlays").is_symlink() and not (copy / "overlays/prod").is_symlink()
        (copy / "overlays/prod/kustomization.yaml").write_text("edited\n")
    with pool.private_copy(source, source / "apps/web/overlays/prod") as (copy, again):
        assert (copy / "kustomization.yaml").read_text() == "resources: [../../base]\n"
    pool.close()


def test_builds_in_flight_get_trees_of_their_own(source: Path) -> None:
    pool = MirrorPool()
    inside = threading.Barrier(2)
    trees: list[Path] = []

    def build(rel: str) -> None:
        with pool.private_copy(source, source / rel) as (copy, tree):
            (copy / "kustomization.yaml").write_text(f"edited by {rel}\n")
            trees.append(tree)
            inside.wait(timeout=10)  # both copies exist at once
            assert (copy / "kustomization.yaml").read_text() == f"edited by {rel}\n"
            other = "apps/api" if rel == "apps/web/base" else "apps/web/base"
            assert (tree / other / "kustomization.yaml").read_text() == FILES[f"{other}/kustomization.yaml"]

    threads = [threading.Thread(target=build, args=(rel,)) for rel in ("apps/web/base", "apps/api")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(trees)) == 2
    pool.close()
    assert not any(t.exists() for t in trees)


def test_the_whole_tree_as_the_app_is_a_plain_copy(source: Path) -> None:
    pool = MirrorPool()
    with pool.private_copy(source, source) as (copy, tree):
        assert copy == tree and (copy / "top.yaml").is_file() and not (copy / "top.yaml").is_symlink()
        assert not (copy / ".git").exists()
    assert not copy.exists()


def test_modes_are_kept(source: Path) -> None:
    pool = MirrorPool()
    with pool.private_copy(source, source / "apps/api") as (copy, _):
        assert (copy / "fn.sh").stat().st_mode & 0o777 == 0o755
    pool.close()


def test_a_failed_build_still_restores_the_tree(source: Path) -> None:
    pool = MirrorPool()
    with pytest.raises(RuntimeError), pool.private_copy(source, source / "apps/api") as (copy, tree):
        (copy / "kustomization.yaml").write_text("edited\n")
        raise RuntimeError("kustomize failed")
    with pool.private_copy(source, source / "apps/web/base") as (_, again):
        assert again == tree and (again / "apps/api").is_symlink()
    pool.close()
