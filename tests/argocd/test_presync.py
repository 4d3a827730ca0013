"""The PreSync hook end to end: a real Git remote (file://), the loopback API server, the real client."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from argogate.argocd.presync import HookInputs, app_from_tracking_id, read_credentials, revision_of, run_hook
from argogate.argocd.settings import GateSettings
from argogate.errors import ConfigError
from argogate.kube import KubeClient, KubeSettings
from tests.fakes.kube_apiserver import FakeKube, make_tls_files
from tests.gitrepo import git

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "hook-token"
WEB = "apps/web/overlays/production"
STRICT_POLICY = """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: strict-namespaces-need-owner
spec:
  validationFailureAction: Enforce
  rules:
    - name: owner-annotation
      match:
        any:
          - resources:
              kinds: [Deployment]
              namespaceSelector:
                matchLabels:
                  gate: strict
      validate:
        message: "Deployments in strict namespaces need an owner annotation."
        pattern:
          metadata:
            annotations:
              owner: "?*"
"""


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(file:// URL of a repository holding the demo apps + a namespaceSelector policy, its HEAD sha)."""
    work = tmp_path_factory.mktemp("remote") / "demo"
    shutil.copytree(ROOT / "examples" / "demo-repo", work)
    (work / "policies" / "strict-namespaces.yaml").write_text(STRICT_POLICY)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", ".")
    git(work, "commit", "-qm", "demo")
    return f"file://{work}", git(work, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def api(tls: tuple[Path, Path], remote: tuple[str, str]) -> Iterator[FakeKube]:
    server = FakeKube(token=TOKEN, tls=tls).start()
    for ns in ("argocd", "web"):
        server.put_object("namespaces", {"metadata": {"name": ns}})
    server.put_object("applications", application(remote[0], remote[1]))
    yield server
    server.stop()


def application(url: str, sha: str | None, path: str = WEB) -> dict[str, Any]:
    app: dict[str, Any] = {
        "metadata": {"name": "web", "namespace": "argocd"},
        "spec": {
            "project": "default",
            "source": {"repoURL": url, "targetRevision": "main", "path": path},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "web"},
        },
    }
    if sha:
        app["status"] = {"operationState": {"phase": "Running", "syncResult": {"revision": sha}}}
    return app


def kube(api: FakeKube, tls: tuple[Path, Path]) -> KubeClient:
    return KubeClient(
        KubeSettings(host=api.url, token=TOKEN, ca_file=str(tls[0]), timeout=2, attempts=2, backoff=0.01)
    )


def label_namespace(api: FakeKube, name: str, labels: dict[str, str]) -> None:
    ns = api.object("namespaces", name)
    assert ns is not None
    ns["metadata"]["labels"].update(labels)


def test_blocks_on_live_namespace_labels_and_writes_a_policy_report(
    api: FakeKube, tls: tuple[Path, Path], remote: tuple[str, str]
) -> None:
    label_namespace(api, "web", {"gate": "strict"})  # only the live namespace says so, not the repository
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    sha = remote[1]
    assert out.exit_code == 1
    lines = out.message.splitlines()
    assert lines[0] == f"argogate: 1 Enforce rule blocked the sync of app web at {sha[:7]}:"
    assert lines[1].startswith(
        "[strict-namespaces-need-owner/owner-annotation] Deployment/web/prod-web (apps/web/base/deployment.yaml:1): validation error: Deployments in strict namespaces need an owner annotation."
    )
    assert lines[1].endswith(";")
    rep = api.object("policyreports", "argogate-web", "web")
    assert rep is not None
    assert rep["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "argogate", "argogate.io/app": "web"}
    assert rep["metadata"]["annotations"]["argogate.io/revision"] == sha
    assert rep["summary"]["fail"] == 2 and rep["summary"]["pass"] >= 1  # the Enforce one and an Audit one
    failed = [r for r in rep["results"] if r["result"] == "fail"]
    assert {r["properties"]["action"] for r in failed} == {"Enforce", "Audit"}
    assert all(r["source"] == "argogate" and r["resources"][0]["kind"] == "Deployment" for r in failed)
    assert api.object("clusterpolicyreports", "argogate-web") is None  # no cluster-scoped resources


def test_rerun_updates_the_same_report_and_passes_without_the_label(
    api: FakeKube, tls: tuple[Path, Path]
) -> None:
    label_namespace(api, "web", {"gate": "strict"})
    with kube(api, tls) as c:
        assert run_hook(HookInputs(app="web"), c).exit_code == 1
        first = dict(api.object("policyreports", "argogate-web", "web")["metadata"])  # type: ignore[index]
        del api.object("namespaces", "web")["metadata"]["labels"]["gate"]  # type: ignore[index]
        out = run_hook(HookInputs(app="web"), c)
    assert out.exit_code == 0
    assert out.message.startswith("argogate: app web at ") and "passed" in out.message
    assert any(line.startswith("updated PolicyReport web/argogate-web") for line in out.log)
    rep = api.object("policyreports", "argogate-web", "web")
    assert rep is not None and rep["metadata"]["uid"] == first["uid"]
    assert int(rep["metadata"]["resourceVersion"]) > int(first["resourceVersion"])
    assert rep["summary"]["fail"] == 1  # the Audit finding stays reported, it does not block
    assert len([k for k in api.objects if k[0] == "policyreports"]) == 1


def test_explicit_inputs_need_no_application(
    api: FakeKube, tls: tuple[Path, Path], remote: tuple[str, str]
) -> None:
    inputs = HookInputs(
        app="web", repo_url=remote[0], revision=remote[1], path=WEB, destination_namespace="web"
    )
    with kube(api, tls) as c:
        out = run_hook(inputs, c)
    assert out.exit_code == 0, out.message
    assert not any("applications" in path for _, path in api.requests)


def test_waits_for_the_sync_revision_to_appear(
    api: FakeKube, tls: tuple[Path, Path], remote: tuple[str, str]
) -> None:
    api.put_object("applications", application(remote[0], None))
    naps: list[float] = []

    def sleep(seconds: float) -> None:  # Argo CD writes the operation state while we wait
        naps.append(seconds)
        if len(naps) == 2:
            api.put_object("applications", application(remote[0], remote[1]))

    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web", wait=30), c, sleep=sleep)
    assert out.exit_code == 0, out.message
    assert len(naps) == 2 and remote[1][:7] in out.message


def test_no_revision_after_waiting_is_a_clear_error(
    api: FakeKube, tls: tuple[Path, Path], remote: tuple[str, str]
) -> None:
    api.put_object("applications", application(remote[0], None))
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web", wait=0), c)
    assert out.exit_code == 2
    assert "Application argocd/web has no sync revision yet" in out.message


def test_stale_reports_of_the_app_are_emptied(api: FakeKube, tls: tuple[Path, Path]) -> None:
    api.put_object("namespaces", {"metadata": {"name": "old"}})
    api.put_object("policyreports", {"metadata": {"name": "argogate-web", "namespace": "old", "labels": {"argogate.io/app": "web"}},
                                     "results": [{"policy": "p", "result": "fail"}]})  # fmt: skip
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    assert "emptied stale PolicyReport old/argogate-web" in out.log
    assert api.object("policyreports", "argogate-web", "old")["results"] == []  # type: ignore[index]


def test_destination_namespace_not_created_yet_is_not_a_failure(
    api: FakeKube, tls: tuple[Path, Path]
) -> None:
    del api.objects[("namespaces", "", "web")]
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    assert out.exit_code == 0, out.message
    assert "namespace web does not exist yet: its PolicyReport is written on the next sync" in out.log


def test_forbidden_report_write_fails_with_the_rbac_hint(api: FakeKube, tls: tuple[Path, Path]) -> None:
    api.deny("update", "policyreports")
    api.deny("create", "policyreports")
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    assert out.exit_code == 2
    assert "HTTP 403 Forbidden" in out.message and "argocd/hook/rbac.yaml" in out.message


def test_api_server_errors_are_retried_then_fail_clearly(api: FakeKube, tls: tuple[Path, Path]) -> None:
    api.fail("GET", "applications/web", 500, times=1)
    with kube(api, tls) as c:
        assert run_hook(HookInputs(app="web"), c).exit_code == 0
        api.fail("GET", "applications/web", 500, times=5)
        out = run_hook(HookInputs(app="web"), c)
    assert out.exit_code == 2
    assert "HTTP 500 InternalError: injected fault 500 (gave up after 2 attempts)" in out.message


def test_fail_on_audit_from_the_hook_environment(api: FakeKube, tls: tuple[Path, Path]) -> None:
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c, GateSettings(fail_on_audit=True))
    assert out.exit_code == 1
    assert out.message.splitlines()[0].startswith("argogate: 1 Enforce or Audit rule blocked")


def test_cli_writes_the_termination_message(api: FakeKube, tls: tuple[Path, Path], tmp_path: Path) -> None:
    label_namespace(api, "web", {"gate": "strict"})
    log = tmp_path / "termination-log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "ARGOGATE_TOOLS_DIR": str(ROOT / ".tools" / "bin"),
        "ARGOGATE_KUBE_HOST": api.url,
        "ARGOGATE_KUBE_TOKEN": TOKEN,
        "ARGOGATE_KUBE_CA_FILE": str(tls[0]),
        "ARGOGATE_TRACKING_ID": "web:apps/Deployment:web/prod-web",
        "ARGOGATE_TERMINATION_LOG": str(log),
    }
    out = subprocess.run(
        [sys.executable, "-m", "argogate", "hook"], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 1, out.stderr
    text = log.read_text()
    assert text.startswith("argogate: 1 Enforce rule blocked the sync of app web at ")
    assert "[strict-namespaces-need-owner/owner-annotation] Deployment/web/prod-web" in text
    assert "created PolicyReport web/argogate-web" in out.stdout


@pytest.mark.parametrize(
    ("tracking_id", "expected"),
    [
        ("web:apps/Deployment:web/prod-web", ("web", "")),
        ("team-a_web:/Pod:web/argogate-presync", ("web", "team-a")),
    ],
)
def test_app_from_tracking_id(tracking_id: str, expected: tuple[str, str]) -> None:
    assert app_from_tracking_id(tracking_id) == expected


@pytest.mark.parametrize(
    ("status", "revision"),
    [
        ({}, ""),
        ({"sync": {"revision": "aaa"}}, "aaa"),
        (
            {
                "sync": {"revision": "aaa"},
                "operationState": {"phase": "Running", "syncResult": {"revision": "bbb"}},
            },
            "bbb",
        ),
        (
            {
                "sync": {"revision": "aaa"},
                "operationState": {"phase": "Running", "operation": {"sync": {"revision": "ccc"}}},
            },
            "ccc",
        ),
        (
            {
                "sync": {"revision": "aaa"},
                "operationState": {"phase": "Succeeded", "syncResult": {"revision": "old"}},
            },
            "aaa",
        ),
    ],
)
def test_revision_of(status: dict[str, Any], revision: str) -> None:
    assert revision_of({"status": status}) == revision


def test_read_credentials(tmp_path: Path) -> None:
    (tmp_path / "username").write_text("bot\n")
    (tmp_path / "password").write_text("tok\n")
    assert read_credentials(str(tmp_path)) == {"username": "bot", "password": "tok"}
    assert read_credentials(None) == {}
    with pytest.raises(ConfigError, match="no such directory"):
        read_credentials(str(tmp_path / "missing"))


# --- multi-source Applications: the i-th source is gated at the i-th revision -----------------

OWNER_POLICY = """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-owner
spec:
  validationFailureAction: Enforce
  rules:
    - name: owner-label
      match:
        any:
          - resources:
              kinds: [ConfigMap]
      validate:
        message: "ConfigMaps need an owner label."
        pattern:
          metadata:
            labels:
              owner: "?*"
"""
CHART = {
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "charts/web/values.yaml": "labels: {}\n",
    "charts/web/templates/cm.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-settings\n"
        "  labels:\n    app: web\n{{- with .Values.labels }}\n{{ toYaml . | indent 4 }}\n{{- end }}\n"
    ),
}


def configmap(name: str, owner: bool) -> str:
    labels = "\n  labels:\n    owner: team-a" if owner else ""
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}{labels}\ndata:\n  k: v\n"


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    """Write `files` into `repo` (created on first use) and commit; returns the sha."""
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q", "-b", "main")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD").strip()


def multi_source_app(sources: list[dict[str, Any]], revisions: list[str]) -> dict[str, Any]:
    """As Argo CD leaves it while PreSync hooks run: syncResult.sources/revisions hold the resolved SHAs."""
    return {
        "metadata": {"name": "web", "namespace": "argocd"},
        "spec": {
            "project": "default",
            "sources": sources,
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "web"},
        },
        "status": {
            "sync": {"revisions": ["stale"] * len(sources)},
            "operationState": {
                "phase": "Running",
                "operation": {"sync": {"revisions": ["main"] * len(sources)}},
                "syncResult": {"source": {"repoURL": ""}, "sources": sources, "revisions": revisions},
            },
        },
    }


@pytest.fixture(scope="module")
def two_revisions(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """(file:// URL, sha A, sha B): at A only apps/a is compliant, at B only apps/b is."""
    repo = tmp_path_factory.mktemp("multi") / "gitops"
    a = commit(
        repo,
        {"policies/owner.yaml": OWNER_POLICY, "apps/a/cm.yaml": configmap("a", True), "apps/b/cm.yaml": configmap("b", False)},
        "A",
    )
    b = commit(repo, {"apps/a/cm.yaml": configmap("a", False), "apps/b/cm.yaml": configmap("b", True)}, "B")
    return f"file://{repo}", a, b


def test_each_source_is_gated_at_its_own_revision(
    api: FakeKube, tls: tuple[Path, Path], two_revisions: tuple[str, str, str]
) -> None:
    url, a, b = two_revisions
    sources = [
        {"repoURL": url, "targetRevision": "main", "path": "apps/a"},
        {"repoURL": url, "targetRevision": "main", "path": "apps/b"},
    ]
    api.put_object("applications", multi_source_app(sources, [a, b]))
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    # the first revision for both sources would gate apps/b at A, where it has no owner label
    assert out.exit_code == 0, out.message
    assert out.message == f"argogate: app web at {a[:7]},{b[:7]} passed: 2 results, 0 audit findings"
    assert f"argogate hook: app web[0]: {url} at {a}" in out.log
    assert f"argogate hook: app web[1]: {url} at {b}" in out.log
    assert "web[1]: rendered 1 objects (directory, apps/b); 1 policies" in out.log
    rep = api.object("policyreports", "argogate-web", "web")
    assert rep is not None and rep["metadata"]["annotations"]["argogate.io/revision"] == f"{a},{b}"
    assert rep["summary"]["pass"] == 2


def test_swapped_revisions_block_both_sources(
    api: FakeKube, tls: tuple[Path, Path], two_revisions: tuple[str, str, str]
) -> None:
    url, a, b = two_revisions
    sources = [
        {"repoURL": url, "targetRevision": "main", "path": "apps/a"},
        {"repoURL": url, "targetRevision": "main", "path": "apps/b"},
    ]
    api.put_object("applications", multi_source_app(sources, [b, a]))
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    assert out.exit_code == 1
    lines = out.message.splitlines()
    assert lines[0] == f"argogate: 2 Enforce rules blocked the sync of app web at {b[:7]},{a[:7]}:"
    assert [line.split(" (")[0] for line in lines[1:]] == [
        "[require-owner/owner-label] ConfigMap/web/a",
        "[require-owner/owner-label] ConfigMap/web/b",
    ]


def test_repo_url_selects_the_sources_of_one_repository(
    api: FakeKube, tls: tuple[Path, Path], two_revisions: tuple[str, str, str], remote: tuple[str, str]
) -> None:
    url, _, b = two_revisions
    sources = [
        {"repoURL": remote[0], "targetRevision": "main", "path": WEB},
        {"repoURL": url, "targetRevision": "main", "path": "apps/b"},
    ]
    api.put_object("applications", multi_source_app(sources, [remote[1], b]))
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web", repo_url=url), c)
    assert out.exit_code == 0, out.message
    assert [line for line in out.log if line.startswith("argogate hook:")] == [
        f"argogate hook: app web[1]: {url} at {b}"
    ]


@pytest.fixture(scope="module")
def chart_and_values(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str, str, str]:
    """(chart repo URL, its sha, values repo URL, sha with an owner label, sha without one).

    The chart repository holds no policies: the values repository's gate it."""
    base = tmp_path_factory.mktemp("refs")
    chart_sha = commit(base / "charts", CHART, "chart")
    values = base / "values"
    with_owner = commit(
        values, {"policies/owner.yaml": OWNER_POLICY, "envs/prod.yaml": "labels:\n  owner: team-a\n"}, "owner"
    )
    without = commit(values, {"envs/prod.yaml": "labels:\n  tier: web\n"}, "no owner")
    return f"file://{base / 'charts'}", chart_sha, f"file://{values}", with_owner, without


@pytest.mark.parametrize("compliant", [True, False])
def test_helm_value_files_come_from_the_ref_source_at_its_revision(
    api: FakeKube, tls: tuple[Path, Path], chart_and_values: tuple[str, str, str, str, str], compliant: bool
) -> None:
    charts, chart_sha, values, with_owner, without = chart_and_values
    sources = [
        {"repoURL": charts, "targetRevision": "main", "path": "charts/web",
         "helm": {"valueFiles": ["$values/envs/prod.yaml"]}},
        {"repoURL": values, "targetRevision": "main", "ref": "values"},
    ]  # fmt: skip
    values_sha = with_owner if compliant else without
    api.put_object("applications", multi_source_app(sources, [chart_sha, values_sha]))
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    assert f"argogate hook: app web[0]: $values from {values} at {values_sha}" in out.log
    assert "web[0]: rendered 1 objects (helm, charts/web); 1 policies" in out.log
    if compliant:
        assert out.exit_code == 0, out.message
    else:
        assert out.exit_code == 1
        assert "[require-owner/owner-label] ConfigMap/web/web-settings" in out.message


def test_a_ref_in_the_same_repository_is_read_at_its_own_revision(
    api: FakeKube, tls: tuple[Path, Path], tmp_path: Path
) -> None:
    repo = tmp_path / "mono"
    old = commit(repo, {**CHART, "policies/owner.yaml": OWNER_POLICY, "envs/prod.yaml": "labels: {}\n"}, "old")
    new = commit(repo, {"envs/prod.yaml": "labels:\n  owner: team-a\n"}, "values")
    url = f"file://{repo}"
    sources = [
        {"repoURL": url, "targetRevision": "v1", "path": "charts/web",
         "helm": {"valueFiles": ["$values/envs/prod.yaml"]}},
        {"repoURL": url, "targetRevision": "main", "ref": "values"},
    ]  # fmt: skip
    api.put_object("applications", multi_source_app(sources, [old, new]))
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    assert out.exit_code == 0, out.message  # the chart's revision has no owner in envs/prod.yaml
    assert f"argogate hook: app web[0]: $values from {url} at {new}" in out.log
    api.put_object("applications", multi_source_app(sources, [new, new]))
    with kube(api, tls) as c:
        same = run_hook(HookInputs(app="web"), c)
    assert same.exit_code == 0, same.message
    assert not any("$values from" in line for line in same.log)  # one checkout serves both


def test_helm_repository_charts_are_noted_not_gated(
    api: FakeKube, tls: tuple[Path, Path], two_revisions: tuple[str, str, str]
) -> None:
    url, a, _ = two_revisions
    sources = [
        {"repoURL": "https://charts.example.com", "chart": "redis", "targetRevision": "1.2.3"},
        {"repoURL": url, "targetRevision": "main", "path": "apps/a"},
    ]
    api.put_object("applications", multi_source_app(sources, ["1.2.3", a]))
    with kube(api, tls) as c:
        out = run_hook(HookInputs(app="web"), c)
    assert out.exit_code == 0, out.message
    assert "not gated: source 0: chart 'redis' comes from the Helm repository https://charts.example.com" in out.log
