"""Real helm and kubectl for the render tests: installed once per session by scripts/install-tools."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from argogate.render import Tools

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tools_dir() -> Path:
    proc = subprocess.run(
        [str(REPO / "scripts" / "install-tools"), "--with-helm3"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"scripts/install-tools failed:\n{proc.stderr}")
    return Path(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def tools(tools_dir: Path) -> Tools:
    return Tools(helm=str(tools_dir / "helm"), kubectl=str(tools_dir / "kubectl"))


@pytest.fixture(scope="session", params=["helm", "helm3"])
def any_helm(request: pytest.FixtureRequest, tools_dir: Path) -> Tools:
    """Parametrised over helm 4 (`helm`) and helm 3 (`helm3`)."""
    return Tools(helm=str(tools_dir / request.param), kubectl=str(tools_dir / "kubectl"))
