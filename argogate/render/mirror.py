"""Private copies of an app directory, each inside a tree that mirrors the source with links.

Argo CD runs `kustomize edit` in a checkout that no other app sees while it renders
(reposerver/repository/repository.go locks the repository exclusively when
`ApplicationSourceKustomize.AllowsConcurrentProcessing()` is false). Our apps render in parallel
from one scratch tree, so each build edits a copy of its own app directory instead. The copy has
to sit at the app's own path in a tree like the source, because kustomize joins `../../base`
onto the kustomization's directory before it resolves links (api/internal/loader/fileloader.go
`New`, then filesys `ConfirmDir`): the
directories above the copy are real, every other entry in them links to the source, and the
copy itself is real so its files stay inside the kustomization root for the load restrictor.

Linking every sibling costs one symlink per entry (tens of microseconds each on a journalled
disk), so a tree is kept and reused: after a build the copy becomes a link again, and the next
app under the same parents only swaps its own entry. A pool holds one tree per concurrent build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SKIP = ".git"


def _copy(src: Path, dest: Path) -> None:
    # modes kept (an exec KRM function must stay executable), times not: kustomize never reads them
    shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns(_SKIP), copy_function=shutil.copy)


class MirrorTree:
    """A tree of links to `source`, with real directories only on the paths checked out so far."""

    def __init__(self, source: Path) -> None:
        self.source = source.resolve()
        self.root = Path(tempfile.mkdtemp(prefix="argogate-kustomize-")).resolve()
        self._real: set[tuple[str, ...]] = {()}
        try:
            self._fill(())
        except BaseException:
            self.remove()
            raise

    def _fill(self, rel: tuple[str, ...]) -> None:
        here = self.root.joinpath(*rel)
        with os.scandir(self.source.joinpath(*rel)) as entries:
            for entry in entries:
                if entry.name != _SKIP:
                    os.symlink(entry.path, here / entry.name)

    def _remove(self, rel: tuple[str, ...]) -> None:
        path = self.root.joinpath(*rel)
        if path.is_symlink():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path)
        self._real = {r for r in self._real if r[: len(rel)] != rel}

    def checkout(self, rel: tuple[str, ...]) -> Path:
        """`root/rel` as a copy of `source/rel` that may be edited; `rel` must not be empty."""
        for depth in range(1, len(rel)):
            parent = rel[:depth]
            if parent not in self._real:
                self._remove(parent)
                self.root.joinpath(*parent).mkdir()
                self._fill(parent)
                self._real.add(parent)
        self._remove(rel)
        copy = self.root.joinpath(*rel)
        _copy(self.source.joinpath(*rel), copy)
        return copy

    def restore(self, rel: tuple[str, ...]) -> None:
        """Back to a link: the next app that reaches this directory sees the source, not these edits."""
        self._remove(rel)
        os.symlink(self.source.joinpath(*rel), self.root.joinpath(*rel))

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class MirrorPool:
    """Trees for one source tree, one per build in flight; `close` removes them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: list[MirrorTree] = []
        self._all: list[MirrorTree] = []

    @contextmanager
    def private_copy(self, source: Path, directory: Path) -> Iterator[tuple[Path, Path]]:
        """(an editable copy of `directory`, the tree it sits in), valid inside the `with`."""
        rel = directory.resolve().relative_to(source.resolve()).parts
        if not rel:  # the app is the whole tree: a plain copy of it
            with tempfile.TemporaryDirectory(prefix="argogate-kustomize-") as tmp:
                copy = Path(tmp).resolve() / "src"
                _copy(source, copy)
                yield copy, copy
            return
        tree = self._take(source.resolve())
        try:
            copy = tree.checkout(rel)
        except BaseException:
            self._drop(tree)
            raise
        try:
            yield copy, tree.root
        finally:
            try:
                tree.restore(rel)
            except OSError:
                self._drop(tree)
            else:
                with self._lock:
                    self._free.append(tree)

    def _take(self, source: Path) -> MirrorTree:
        with self._lock:
            for i, tree in enumerate(self._free):
                if tree.source == source:
                    return self._free.pop(i)
        tree = MirrorTree(source)
        with self._lock:
            self._all.append(tree)
        return tree

    def _drop(self, tree: MirrorTree) -> None:
        with self._lock:
            self._all.remove(tree)
        tree.remove()

    def close(self) -> None:
        with self._lock:
            trees, self._all, self._free = self._all, [], []
        for tree in trees:
            tree.remove()
