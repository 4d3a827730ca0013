"""`argogate check` end to end, in a real process on real Git repositories.

Bad input must exit 2 with an `error:` line that names the file or ref (and a `hint:` line
saying what to do), never a traceback; every output format must work in one run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.gitrepo import git

REPO = Path(__file__).resolve().parents[2]
POLICY = (REPO / "examples" / "demo-repo" / "policies" / "require-labels.yaml").read_text()
GOOD_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: a\n  labels: {team: x}\n"
BAD_POLICY = """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: broken
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: nothing to check
"""
DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
"""


@pytest.fixture(scope="session")
def tools_dir() -> Path:
    proc = subprocess.run(
        [str(REPO / "scripts" / "install-tools")], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"scripts/install-tools failed:\n{proc.stderr}")
    return Path(proc.stdout.strip().splitlines()[-1])


def make_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for name, content in {"policies/require-labels.yaml": POLICY, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    git(root, "add", ".")
    git(root, "commit", "-qm", "init")
    return root


def argogate(
    *args: str, cwd: Path, tools: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # XDG_CACHE_HOME: keep any render cache out of the user's home
    full_env = {
        **os.environ,
        "ARGOGATE_TOOLS_DIR": str(tools),
        "XDG_CACHE_HOME": str(cwd.parent / "xdg-cache"),
        **(env or {}),
    }
    full_env.pop("ARGOGATE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "argogate", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
        timeout=120,
    )


def error_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in proc.stderr + proc.stdout
    return [ln.strip() for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip().startswith("error:")]


def test_broken_yaml_in_an_app(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"apps/a/cm.yaml": GOOD_CM, "apps/a/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: [x\n"},
    )
    proc = argogate(".", "--app", "apps/a", cwd=repo, tools=tools_dir)
    assert proc.returncode == 2, proc.stderr
    (line,) = error_lines(proc)
    assert line.startswith("error: apps/a/broken.yaml:4: failed to unmarshal: invalid YAML")
    assert "hint: fix the YAML" in proc.stdout
    assert "a (directory, apps/a): cannot render" in proc.stdout


def test_chart_whose_template_fails(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "charts/c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "charts/c/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.x \n",
        },
    )
    proc = argogate(".", "--app", "charts/c", "-o", "sarif=out.sarif", cwd=repo, tools=tools_dir)
    assert proc.returncode == 2
    assert proc.stdout == ""  # no stdout report asked for: the error goes to stderr
    (line,) = error_lines(proc)
    assert line.startswith(
        "error: charts/c: `helm template .` exited 1: Error: parse error at (c/templates/cm.yaml"
    )
    assert line.endswith("(app c)") and "/.tools/" not in line
    assert "hint: fix the helm app; `helm template charts/c` reproduces the error" in proc.stderr
    sarif = json.loads((repo / "out.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_missing_helm_binary(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "charts/c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "charts/c/templates/cm.yaml": GOOD_CM,
        },
    )
    proc = argogate(
        ".", "--app", "charts/c", cwd=repo, tools=tools_dir, env={"ARGOGATE_HELM": "/nonexistent"}
    )
    assert proc.returncode == 2
    (line,) = error_lines(proc)
    assert line == "error: charts/c: cannot run helm (/nonexistent): not found"
    assert "hint: run scripts/install-tools, or set ARGOGATE_HELM to the helm binary" in proc.stdout


def test_ref_that_does_not_exist(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(tmp_path / "r", {"apps/a/cm.yaml": GOOD_CM})
    proc = argogate(".", "--ref", "no-such-branch", cwd=repo, tools=tools_dir)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in proc.stderr
    assert lines[0].startswith("error: ref 'no-such-branch' does not exist")
    assert lines[1].startswith("  hint: ")


def test_unreachable_remote(tmp_path: Path, tools_dir: Path) -> None:
    proc = argogate("git://127.0.0.1:1/x", cwd=tmp_path, tools=tools_dir)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: cannot clone git://127.0.0.1:1/x")
    assert lines[1] == "  hint: check the URL and that the Git server is reachable from here"


@pytest.mark.parametrize("ref", [None, "main"])
def test_invalid_policy_in_the_policy_directory(tmp_path: Path, tools_dir: Path, ref: str | None) -> None:
    repo = make_repo(tmp_path / "r", {"apps/a/cm.yaml": GOOD_CM, "policies/broken.yaml": BAD_POLICY})
    proc = argogate(".", "--app", "apps/a", *(["--ref", ref] if ref else []), cwd=repo, tools=tools_dir)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 2
    # repo-relative even when the tree is a temporary export of the ref
    assert lines[0].startswith("error: policies/broken.yaml:9: spec.rules[0].validate: ")
    assert lines[1].startswith("  hint: fix the policy file")


def test_unknown_output_format_and_unwritable_file(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(tmp_path / "r", {"apps/a/cm.yaml": GOOD_CM})
    proc = argogate(".", "-o", "html", cwd=repo, tools=tools_dir)
    assert proc.returncode == 2 and proc.stderr.startswith("error: unknown output format 'html'")
    proc = argogate(".", "--app", "apps/a", "-o", "junit=missing/dir/r.xml", cwd=repo, tools=tools_dir)
    assert proc.returncode == 2 and proc.stderr.startswith(
        "error: cannot write junit output to missing/dir/r.xml"
    )


def test_every_format_in_one_run(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "apps/web/deploy.yaml": DEPLOY,
            "charts/c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "charts/c/templates/cm.yaml": GOOD_CM,
        },
    )
    out = tmp_path / "out"
    out.mkdir()
    args = ["-o", "text", "--app", "apps/web", "--app", "charts/c"]
    for fmt, name in [
        ("sarif", "f.sarif"),
        ("junit", "r.xml"),
        ("json", "r.json"),
        ("yaml", "r.yaml"),
        ("github", "gh.txt"),
    ]:
        args += ["-o", f"{fmt}={out / name}"]
    proc = argogate(".", *args, cwd=repo, tools=tools_dir)
    assert proc.returncode == 0, proc.stderr  # require-labels is Audit
    assert "    apps/web/deploy.yaml:1: Deployment/shop/web\n" in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("OK: 2 apps, 0 blocking, 1 audit-only")

    sarif = json.loads((out / "f.sarif").read_text())
    (result,) = sarif["runs"][0]["results"]
    assert result["level"] == "warning"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "apps/web/deploy.yaml"},
        "region": {"startLine": 1},
    }
    junit = ET.parse(out / "r.xml").getroot()
    assert [s.get("name") for s in junit.findall("testsuite")] == ["web", "c"]
    assert junit.get("failures") == "0"
    reports = json.loads((out / "r.json").read_text())
    assert reports["kind"] == "List" and len(reports["items"]) == 2
    assert "kind: List" in (out / "r.yaml").read_text()
    gh = (out / "gh.txt").read_text()
    assert gh.startswith("::warning file=apps/web/deploy.yaml,line=1,title=[require-labels/check-for-labels]")

    from argogate.cli import main

    assert main(["report", "summarise", "--exit-on-violations", str(out / "r.json")]) == 1


def test_fail_on_audit_turns_the_same_run_red(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(tmp_path / "r", {"apps/web/deploy.yaml": DEPLOY})
    proc = argogate(".", "--app", "apps/web", "--fail-on", "audit", "-o", "github", cwd=repo, tools=tools_dir)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=apps/web/deploy.yaml,line=1,")


def test_the_cache_is_pruned_to_its_cap_after_the_run(tmp_path: Path, tools_dir: Path) -> None:
    repo = make_repo(tmp_path / "r", {"apps/a/cm.yaml": GOOD_CM})
    cache = tmp_path / "cache"

    def entries() -> int:
        return len(list(cache.rglob("*.json")))

    assert argogate(".", "--app", "apps/a", "--cache-dir", str(cache), cwd=repo, tools=tools_dir).returncode == 0
    assert entries() == 2  # the render and the verdict: far under the default 256 MiB
    env = {"ARGOGATE_CACHE_MAX_MB": "0"}
    proc = argogate(".", "--app", "apps/a", "--cache-dir", str(cache), cwd=repo, tools=tools_dir, env=env)
    assert proc.returncode == 0, proc.stderr
    assert entries() == 0
    proc = argogate(".", "--cache-dir", str(cache), "--cache-max-mb", "-1", cwd=repo, tools=tools_dir)
    assert proc.returncode == 2 and "--cache-max-mb" in proc.stderr
