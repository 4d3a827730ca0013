"""`argogate cmp generate` under a faithful emulation of Argo CD's cmp-server (argocd-contract §3).

The repository, `.git` included, is tarred and extracted into a fresh `_cmp_server/<uuid>` with
files 0644 and dirs 0755; cwd is the app path, stdin /dev/null, the env is the sidecar's plus the
build env, `ARGOCD_ENV_*`, `ARGOCD_APP_PARAMETERS` and `PARAM_*`; `generate` runs as a subprocess
in its own process group, killed (SIGKILL to the group) at the emulated gRPC deadline.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from argogate.argocd.env import Parameter

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-repo"
ARGOGATE = [sys.executable, "-m", "argogate"]
SHA = "0123456789abcdef0123456789abcdef01234567"


def _git(repo: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e")
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo repository plus two apps of our own, committed (so `.git` is in the tarball)."""
    r = tmp_path_factory.mktemp("repo") / "demo"
    shutil.copytree(DEMO, r)
    broken = r / "apps" / "broken"
    broken.mkdir()
    (broken / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n")
    (broken / "deploy.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n   c: [\n"
    )
    (r / "apps" / "empty").mkdir()
    (r / "apps" / "empty" / "README.md").write_text("nothing to deploy yet\n")
    # a committed .argocd-source.yaml: Argo CD merges it into the source before building the env;
    # argogate itself must never read it
    (r / "apps" / "batch" / ".argocd-source.yaml").write_text(
        "plugin:\n  env:\n    - name: ARGOGATE_FAIL_ON_AUDIT\n      value: 'false'\n"
    )
    _git(r, "init", "-q", "-b", "main")
    _git(r, "add", ".")
    _git(r, "commit", "-qm", "demo")
    return r


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def objects(self) -> list[dict[str, Any]]:
        docs = [d for d in yaml.safe_load_all(self.stdout) if d is not None]
        assert all(isinstance(d, dict) and d.get("kind") for d in docs), docs
        return docs

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def cmp_generate(
    repo: Path,
    tmp_path: Path,
    app_path: str,
    *,
    app: str = "app",
    namespace: str = "default",
    parameters: list[Parameter] | None = None,
    plugin_env: dict[str, str] | None = None,
    sidecar: dict[str, str] | None = None,
    exclusions: tuple[str, ...] = (),
    root_path: str = "",
    grpc_deadline: float = 60.0,
) -> Run:
    """One request, as the repo-server and the sidecar process it."""
    source = repo / root_path if root_path else repo
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for f in sorted(source.rglob("*")):
            rel = f.relative_to(source).as_posix()
            if any(fnmatch.fnmatch(rel, pat) for pat in exclusions):
                continue
            tf.add(f, arcname=rel, recursive=False)
    workdir = tmp_path / "tmp" / "_cmp_server" / str(uuid.uuid4())
    workdir.mkdir(parents=True)
    buf.seek(0)
    with tarfile.open(fileobj=buf, mode="r:gz") as tf:
        tf.extractall(workdir, filter="data")
    for p in [workdir, *workdir.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)  # util/io/files/tar.go without preserveFileMode
    rel_app = Path(app_path).relative_to(root_path) if root_path else Path(app_path)
    cwd = workdir / rel_app

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "HELM_CACHE_HOME": str(tmp_path / "helm" / "cache"),
        "HELM_CONFIG_HOME": str(tmp_path / "helm" / "config"),
        "HELM_DATA_HOME": str(tmp_path / "helm" / "data"),
        "ARGOGATE_TOOLS_DIR": str(ROOT / ".tools" / "bin"),
        "PYTHONPATH": str(ROOT),
        **(sidecar or {}),
        "ARGOCD_APP_NAME": app,
        "ARGOCD_APP_NAMESPACE": namespace,
        "ARGOCD_APP_PROJECT_NAME": "default",
        "ARGOCD_APP_REVISION": SHA,
        "ARGOCD_APP_REVISION_SHORT": SHA[:7],
        "ARGOCD_APP_REVISION_SHORT_8": SHA[:8],
        "ARGOCD_APP_SOURCE_REPO_URL": "https://github.com/example/demo-repo.git",
        "ARGOCD_APP_SOURCE_PATH": app_path,
        "ARGOCD_APP_SOURCE_TARGET_REVISION": "main",
        "KUBE_VERSION": "1.31.0",
        "KUBE_API_VERSIONS": "apps/v1,apps/v1/Deployment,batch/v1,batch/v1/CronJob,v1,v1/Pod",
    }
    env.update({f"ARGOCD_ENV_{k}": v for k, v in (plugin_env or {}).items()})
    if parameters is not None:
        env["ARGOCD_APP_PARAMETERS"] = json.dumps(
            [{"name": p.name, **({"string": p.string} if p.string is not None else {}),
              **({"array": list(p.array)} if p.array is not None else {}),
              **({"map": p.map} if p.map is not None else {})} for p in parameters]
        ) if parameters else "null"  # fmt: skip
        for p in parameters:
            env.update(p.env())
    start = time.monotonic()
    proc = subprocess.Popen(
        [*ARGOGATE, "cmp", "generate"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=grpc_deadline)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return Run(proc.returncode, out.decode(), err.decode(), time.monotonic() - start)


def test_compliant_app_prints_only_the_objects_check_renders(repo: Path, tmp_path: Path) -> None:
    from argogate.render import RenderContext, render_app
    from argogate.render.model import AppSpec

    run = cmp_generate(
        repo, tmp_path, "apps/web/overlays/production", app="web", namespace="web", parameters=[]
    )
    assert run.returncode == 0, run.stderr
    with RenderContext(repo) as rctx:
        expected = render_app(
            AppSpec("web", "apps/web/overlays/production", destination_namespace="web"), rctx
        )
    assert run.objects == [o.data for o in expected.objects]
    assert {o["kind"] for o in run.objects} == {"Deployment", "Service"}
    # what the user never sees on success still names the policies that ran
    assert "3 policies from policies/" in run.stderr


def test_violation_blocks_with_one_line_per_rule(repo: Path, tmp_path: Path) -> None:
    run = cmp_generate(repo, tmp_path, "apps/batch", app="argocd_batch", namespace="batch")
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.lines[0] == f"argogate: 1 Enforce rule blocked the sync of app batch at {SHA[:7]}:"
    assert run.lines[1] == (
        "[disallow-latest-tag/autogen-cronjob-validate-image-tag] CronJob/batch/nightly-report "
        "(apps/batch/cronjob.yaml:1): validation error: Using a mutable image tag e.g. 'latest' is not allowed. "
        "rule autogen-cronjob-validate-image-tag failed at path /spec/jobTemplate/spec/template/spec/containers/0/image/;"
    )
    folded = " ".join(run.stderr.split("\n"))  # what the Argo CD UI shows
    assert "blocked the sync of app batch at 0123456: [disallow-latest-tag/" in folded


def test_helm_app_renders_with_plugin_parameters(repo: Path, tmp_path: Path) -> None:
    params = [
        Parameter("helm.valueFiles", array=("values-prod.yaml",)),
        Parameter("helm.parameters", map={"image.tag": "2.0.1"}),
        Parameter("helm.stringParameters", map={"service.port": "8081"}),
    ]
    run = cmp_generate(repo, tmp_path, "charts/api", app="argocd_api", namespace="api", parameters=params)
    assert run.returncode == 0, run.stderr
    deploy = next(o for o in run.objects if o["kind"] == "Deployment")
    assert deploy["metadata"]["name"] == "api"  # release name = app name without the `<ns>_` prefix
    assert deploy["spec"]["replicas"] == 2  # values-prod.yaml
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/example/api:2.0.1"
    assert "namespace" not in deploy["metadata"]  # Argo CD, not argogate, sets namespaces

    renamed = cmp_generate(
        repo, tmp_path / "r", "charts/api", app="api", namespace="api",
        parameters=[*params, Parameter("helm.releaseName", string="payments")],
    )  # fmt: skip
    assert renamed.returncode == 0, renamed.stderr
    assert {o["metadata"]["name"] for o in renamed.objects} == {"payments"}


def test_directory_app_with_broken_yaml_names_file_and_line(repo: Path, tmp_path: Path) -> None:
    run = cmp_generate(repo, tmp_path, "apps/broken", app="broken")
    assert run.returncode == 2 and run.stdout == ""
    assert run.lines[0] == "argogate: 0 rules evaluated, the sync of app broken is blocked by an error:"
    assert run.lines[1].startswith("apps/broken/deploy.yaml:7: failed to unmarshal")
    assert "_cmp_server" not in run.stderr  # request paths are not leaked into the message


def test_slow_render_hits_the_internal_deadline_first(repo: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow-helm"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    run = cmp_generate(
        repo, tmp_path, "charts/api", app="api",
        sidecar={"ARGOGATE_DEADLINE": "1.5", "ARGOGATE_HELM": str(slow)}, grpc_deadline=10,
    )  # fmt: skip
    assert run.returncode == 2 and run.stdout == ""
    assert run.seconds < 8  # ended by argogate, not by the emulated SIGKILL at 10 s
    assert (
        run.lines[1] == "argogate's internal deadline of 1.5 s ran out while running `slow-helm template .`;"
    )
    assert "ARGOGATE_DEADLINE" in run.stderr  # the hint


def test_repository_controlled_env_and_parameters_cannot_disable_the_gate(repo: Path, tmp_path: Path) -> None:
    hostile_env = {
        "ARGOGATE_DEADLINE": "0.000001",
        "ARGOGATE_ALLOW_NO_POLICIES": "true",
        "ARGOGATE_MUTATE": "false",
        "FAIL_ON": "none",
        "ENFORCE": "false",
    }
    hostile_params = [
        Parameter("ARGOGATE_FAIL_ON_AUDIT", string="false"),
        Parameter("failOn", string="none"),
        Parameter("policies", array=("nowhere/",)),
        Parameter("enforce", string="false"),
    ]
    run = cmp_generate(
        repo, tmp_path, "apps/batch", app="batch", namespace="batch",
        plugin_env=hostile_env, parameters=hostile_params,
    )  # fmt: skip
    assert run.returncode == 1 and run.stdout == ""
    assert run.lines[0].startswith("argogate: 1 Enforce rule blocked the sync of app batch")


def test_sidecar_fail_on_audit_blocks_audit_findings(repo: Path, tmp_path: Path) -> None:
    run = cmp_generate(
        repo, tmp_path, "apps/web/overlays/production", app="web", namespace="web",
        sidecar={"ARGOGATE_FAIL_ON_AUDIT": "true"},
    )  # fmt: skip
    assert run.returncode == 1 and run.stdout == ""
    assert run.lines[0] == f"argogate: 1 Enforce or Audit rule blocked the sync of app web at {SHA[:7]}:"
    assert run.lines[1].startswith(
        "[require-requests-limits/autogen-validate-resources] Deployment/web/prod-web"
    )


def test_zero_objects_is_an_error_unless_the_app_allows_it(repo: Path, tmp_path: Path) -> None:
    run = cmp_generate(repo, tmp_path, "apps/empty", app="empty")
    assert run.returncode == 2 and run.stdout == ""
    assert "rendered zero objects" in run.lines[1]
    assert "prune" in run.stderr
    allowed = cmp_generate(
        repo, tmp_path / "a", "apps/empty", app="empty", parameters=[Parameter("allowEmpty", string="true")]
    )
    assert allowed.returncode == 0 and allowed.stdout == ""


def test_tar_exclusions_drop_git_and_the_marker_file_still_finds_the_root(repo: Path, tmp_path: Path) -> None:
    run = cmp_generate(
        repo, tmp_path, "apps/batch", app="batch", namespace="batch", exclusions=(".git/*", ".git")
    )
    assert run.returncode == 1
    assert run.lines[1].startswith("[disallow-latest-tag/")


def test_manifest_generate_paths_without_the_policy_dir_is_an_error(repo: Path, tmp_path: Path) -> None:
    run = cmp_generate(repo, tmp_path, "apps/web/overlays/production", app="web", root_path="apps/web")
    assert run.returncode == 2 and run.stdout == ""
    assert "found in the partial tree Argo CD sent" in run.lines[1]
    assert "argocd.argoproj.io/manifest-generate-paths" in run.stderr
    # and the repository cannot opt out of that either
    hostile = cmp_generate(
        repo, tmp_path / "h", "apps/web/overlays/production", app="web", root_path="apps/web",
        plugin_env={"ARGOGATE_ALLOW_NO_POLICIES": "true"},
    )  # fmt: skip
    assert hostile.returncode == 2


def test_audit_findings_as_annotation_when_the_sidecar_enables_it(repo: Path, tmp_path: Path) -> None:
    run = cmp_generate(
        repo, tmp_path, "apps/web/overlays/production", app="web", namespace="web",
        sidecar={"ARGOGATE_AUDIT_ANNOTATION": "true"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    deploy = next(o for o in run.objects if o["kind"] == "Deployment")
    note = deploy["metadata"]["annotations"]["argogate.io/audit-findings"]
    assert note.startswith("[require-requests-limits/autogen-validate-resources] validation error:")
    service = next(o for o in run.objects if o["kind"] == "Service")
    assert "annotations" not in service["metadata"]
    assert run.lines[1].startswith("audit (not blocking): [require-requests-limits/")


def test_generate_does_not_import_the_kubernetes_client(repo: Path, tmp_path: Path) -> None:
    code = (
        "import sys\nfrom argogate.cli import main\nrc = main(['cmp', 'generate'])\n"
        "sys.stderr.write('HEAVY=' + ','.join(m for m in ('kubernetes',) if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARGOCD_APP_NAME": "web"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo / "apps/web/overlays/production", env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.stderr.rstrip().endswith("HEAVY="), out.stderr
