"""The only place argogate starts a subprocess (helm, kubectl kustomize, kustomize).

Why one choke point (pre-commit's `util.cmd_output_b` + `git.no_git_env`): the environment is
scrubbed the same way for every tool (no GIT_* from a surrounding hook, no KUBECONFIG so nothing
can reach a cluster, no argogate credentials), a timeout always applies (Argo CD kills plugins
at its gRPC deadline, so an unbounded helm would hang a whole refresh), and every failure becomes
a `ProcessError` carrying the tool's stderr, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from argogate.errors import ProcessError, RenderError

_KEEP_EXACT = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "TZ",
        "TMPDIR",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
    }
)
_KEEP_PREFIXES = ("LC_", "HELM_", "XDG_")

INSTALL_HINT = "run scripts/install-tools, or set {var} to the {tool} binary"
_REPO_TOOLS = Path(__file__).resolve().parents[2] / ".tools" / "bin"


def scrubbed_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The inherited environment reduced to what the tools need, plus `extra` (which may set anything)."""
    env = {k: v for k, v in os.environ.items() if k in _KEEP_EXACT or k.startswith(_KEEP_PREFIXES)}
    env.setdefault("HOME", os.path.expanduser("~"))
    if extra:
        env.update(extra)
    return env


def run(
    cmd: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> str:
    """Run `cmd`, return its stdout; raise ProcessError on a non-zero exit or timeout.

    `env` is added on top of the scrubbed environment (it does not replace it).
    """
    argv = [str(c) for c in cmd]
    try:
        proc = subprocess.run(
            argv,
            cwd=str(cwd) if cwd is not None else None,
            env=scrubbed_env(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise RenderError(f"cannot run {argv[0]}: not found", hint=_missing_hint(argv[0])) from exc
    except PermissionError as exc:
        raise RenderError(f"cannot run {argv[0]}: not executable", hint=_missing_hint(argv[0])) from exc
    except subprocess.TimeoutExpired as exc:
        raise ProcessError(
            argv,
            None,
            _text(exc.stdout),
            _text(exc.stderr) or f"killed after {timeout:g} s",
            hint="raise the render timeout (render.timeout in .argogate.yaml) or simplify the app",
        ) from exc
    stdout = proc.stdout.decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise ProcessError(argv, proc.returncode, stdout, proc.stderr.decode("utf-8", errors="replace"))
    return stdout


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def _missing_hint(binary: str) -> str:
    name = Path(binary).name
    var = {"helm": "ARGOGATE_HELM", "helm3": "ARGOGATE_HELM", "kubectl": "ARGOGATE_KUBECTL"}.get(
        name, "ARGOGATE_KUSTOMIZE"
    )
    return INSTALL_HINT.format(var=var, tool=name)


@dataclass(frozen=True)
class Tools:
    """Binary paths. `kustomize` None means `kubectl kustomize` (kustomize 5 inside kubectl)."""

    helm: str
    kubectl: str
    kustomize: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Tools:
        e = os.environ if environ is None else environ
        tools_dir = Path(e["ARGOGATE_TOOLS_DIR"]) if e.get("ARGOGATE_TOOLS_DIR") else _REPO_TOOLS
        return cls(
            helm=e.get("ARGOGATE_HELM") or _locate("helm", tools_dir),
            kubectl=e.get("ARGOGATE_KUBECTL") or _locate("kubectl", tools_dir),
            kustomize=e.get("ARGOGATE_KUSTOMIZE") or None,
        )

    def kustomize_build(self) -> list[str]:
        return [self.kustomize, "build"] if self.kustomize else [self.kubectl, "kustomize"]


def _locate(name: str, tools_dir: Path) -> str:
    pinned = tools_dir / name
    if os.access(pinned, os.X_OK):
        return str(pinned)
    return shutil.which(name) or name
