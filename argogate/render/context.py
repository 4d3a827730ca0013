"""What every renderer needs: the source root, tool paths, options, and a scratch tree.

Argo CD renders in its own throw-away checkout and edits files there (kustomize edit, helm
dependency build). We render from the user's working tree too, which we must never modify, so
renderers that edit ask for `scratch_root()`: the tree itself when it is already a temporary export
or clone, otherwise one copy made on first use and removed on close. Edits that another app must
not see (kustomize's) go to `private_copy()` instead (see `mirror.py`).
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from argogate.errors import ProcessError, RenderError
from argogate.render._proc import Tools, run
from argogate.render.mirror import MirrorPool
from argogate.render.model import AppSpec

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True)
class RenderOptions:
    kube_version: str | None = None
    api_versions: tuple[str, ...] = ()
    allow_remote: bool = False
    helm_dependency_build: bool = True
    kustomize_enable_helm: bool = True
    kustomize_build_options: tuple[str, ...] = ()
    timeout: float = 60.0


@dataclass
class RenderContext:
    """`root` is the source tree; `writable` says it is ours to edit (an exported ref or a clone)."""

    root: Path
    tools: Tools = field(default_factory=Tools.from_env)
    options: RenderOptions = field(default_factory=RenderOptions)
    writable: bool = False
    warnings: list[str] = field(default_factory=list)
    _scratch: Path | None = None
    _mirrors: MirrorPool = field(default_factory=MirrorPool, repr=False, compare=False)

    def scratch_root(self) -> Path:
        """A tree equal to `root` that renderers may edit: `root` itself when writable, else one copy."""
        if self.writable:
            return self.root
        if self._scratch is None:
            tmp = Path(tempfile.mkdtemp(prefix="argogate-scratch-"))
            dest = tmp / "src"
            shutil.copytree(self.root, dest, symlinks=True, ignore=shutil.ignore_patterns(".git"))
            self._scratch = dest
        return self._scratch

    def private_copy(self, directory: Path) -> AbstractContextManager[tuple[Path, Path]]:
        """(an editable copy of `directory` of the scratch tree, the mirror tree it sits in) for a `with`."""
        return self._mirrors.private_copy(self.scratch_root(), directory)

    def run(self, cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
        """`_proc.run` with the context's timeout; temporary paths in errors become repo-relative."""
        try:
            return run(cmd, cwd=cwd, env=env, timeout=self.options.timeout)
        except ProcessError as exc:
            stderr = exc.stderr
            for base in {p for p in (self._scratch, self.root) if p is not None}:
                stderr = stderr.replace(f"{base}/", "")
            raise ProcessError(exc.cmd, exc.returncode, exc.stdout, stderr, hint=exc.hint or None) from None
        except RenderError as exc:
            # a missing binary: `_proc` sees only a path; name the tool and the variable that sets it
            role = {self.tools.helm: "helm", self.tools.kubectl: "kubectl", self.tools.kustomize: "kustomize"}
            tool = role.get(cmd[0])
            if tool is None:
                raise
            var = f"ARGOGATE_{tool.upper()}"
            raise RenderError(
                f"cannot run {tool} ({cmd[0]}): {exc.message.rsplit(': ', 1)[-1]}",
                hint=f"run scripts/install-tools, or set {var} to the {tool} binary",
            ) from None

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def close(self) -> None:
        self._mirrors.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch.parent, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> RenderContext:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def detect(path: str | Path) -> str:
    """'helm', 'kustomize' or 'directory' for an app directory, in Argo CD's order."""
    p = Path(path)
    if (p / "Chart.yaml").is_file():
        return "helm"
    if any((p / name).is_file() for name in KUSTOMIZATION_FILES):
        return "kustomize"
    return "directory"


def app_dir(app: AppSpec, root: Path) -> Path:
    """The app's directory under `root`; RenderError if it escapes the root or does not exist."""
    base = root.resolve()
    target = (base / app.path).resolve()
    if target != base and base not in target.parents:
        raise RenderError(f"app {app.name!r}: path {app.path!r} is outside the repository", file=_where(app))
    if not target.is_dir():
        raise RenderError(
            f"app {app.name!r}: path {app.path!r} does not exist at this revision",
            file=_where(app),
            hint="fix spec.source.path, or check the ref you passed",
        )
    return target


def _where(app: AppSpec) -> str | None:
    return str(app.defined_in) if app.defined_in else None
