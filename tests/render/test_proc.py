from __future__ import annotations

import sys
from pathlib import Path

import pytest

from argogate.errors import ProcessError, RenderError
from argogate.render._proc import Tools, run, scrubbed_env

PY = sys.executable


def test_run_returns_stdout(tmp_path: Path) -> None:
    assert run([PY, "-c", "import os; print(os.getcwd())"], cwd=tmp_path) == f"{tmp_path}\n"


def test_environment_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_DIR", "/elsewhere/.git")
    monkeypatch.setenv("GIT_INDEX_FILE", "/elsewhere/index")
    monkeypatch.setenv("KUBECONFIG", "/root/.kube/prod")
    monkeypatch.setenv("ARGOGATE_GIT_TOKEN", "s3cret")
    monkeypatch.setenv("HELM_CACHE_HOME", "/tmp/helm-cache")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    out = run([PY, "-c", "import os, json; print(json.dumps(dict(os.environ)))"], env={"EXTRA": "1"})
    import json

    env = json.loads(out)
    for gone in ("GIT_DIR", "GIT_INDEX_FILE", "KUBECONFIG", "ARGOGATE_GIT_TOKEN"):
        assert gone not in env
    assert env["HELM_CACHE_HOME"] == "/tmp/helm-cache"
    assert env["LC_ALL"] == "C.UTF-8"
    assert env["EXTRA"] == "1"
    assert "PATH" in env and "HOME" in env


def test_extra_env_may_set_git_variables() -> None:
    assert scrubbed_env({"GIT_ALLOW_PROTOCOL": "file"})["GIT_ALLOW_PROTOCOL"] == "file"


def test_nonzero_exit_carries_stderr() -> None:
    code = "import sys; print('partial'); sys.stderr.write('noise\\nError: template: boom\\n'); sys.exit(3)"
    with pytest.raises(ProcessError) as info:
        run([PY, "-c", code])
    err = info.value
    assert err.returncode == 3
    assert err.stdout == "partial\n"
    assert "Error: template: boom" in err.stderr
    assert err.message.endswith("exited 3: Error: template: boom")


def test_timeout_is_enforced() -> None:
    with pytest.raises(ProcessError) as info:
        run([PY, "-c", "import time; time.sleep(5)"], timeout=0.3)
    assert info.value.returncode is None
    assert "timed out" in info.value.message
    assert "timeout" in info.value.hint


@pytest.mark.parametrize(
    ("binary", "var"),
    [("/nonexistent/helm", "ARGOGATE_HELM"), ("/nonexistent/kubectl", "ARGOGATE_KUBECTL")],
)
def test_missing_binary_says_what_to_do(binary: str, var: str) -> None:
    with pytest.raises(RenderError) as info:
        run([binary, "version"])
    assert not isinstance(info.value, ProcessError)
    assert "not found" in info.value.message
    assert "scripts/install-tools" in info.value.hint and var in info.value.hint


def test_tools_from_env(tmp_path: Path) -> None:
    (tmp_path / "helm").write_text("#!/bin/sh\n")
    (tmp_path / "helm").chmod(0o755)
    tools = Tools.from_env({"ARGOGATE_TOOLS_DIR": str(tmp_path), "PATH": ""})
    assert tools.helm == str(tmp_path / "helm")
    assert tools.kustomize_build()[1:] == ["kustomize"]
    explicit = Tools.from_env({"ARGOGATE_HELM": "/opt/helm3", "ARGOGATE_KUSTOMIZE": "/opt/kustomize"})
    assert explicit.helm == "/opt/helm3"
    assert explicit.kustomize_build() == ["/opt/kustomize", "build"]
