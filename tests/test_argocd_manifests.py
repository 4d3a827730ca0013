"""argocd/: the sidecar, plugin.yaml, the hook and its RBAC build with kustomize and say what the contract needs."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from argogate.render import Tools

ROOT = Path(__file__).resolve().parent.parent
ARGOCD = ROOT / "argocd"


def kustomize(path: Path) -> list[dict[str, Any]]:
    kubectl = Tools.from_env().kubectl
    out = subprocess.run([kubectl, "kustomize", str(path)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


@pytest.fixture(scope="module")
def install() -> list[dict[str, Any]]:
    return kustomize(ARGOCD)


def test_sidecar_follows_the_cmp_contract(install: list[dict[str, Any]]) -> None:
    (deploy,) = by_kind(install, "Deployment")
    assert (deploy["metadata"]["name"], deploy["metadata"]["namespace"]) == ("argocd-repo-server", "argocd")
    pod = deploy["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    assert c["image"] == "ghcr.io/example/argogate:0.1.0"
    assert c["command"] == ["/var/run/argocd/argocd-cmp-server"]
    assert c["securityContext"]["runAsNonRoot"] is True and c["securityContext"]["runAsUser"] == 999
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    assert mounts["/var/run/argocd"]["name"] == "var-files"
    assert mounts["/home/argocd/cmp-server/plugins"]["name"] == "plugins"
    assert mounts["/home/argocd/cmp-server/config/plugin.yaml"]["subPath"] == "plugin.yaml"
    tmp = mounts["/tmp"]["name"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert (
        tmp not in ("tmp", "var-files", "plugins") and "emptyDir" in volumes[tmp]
    )  # not the repo-server's tmp
    env = {e["name"]: e.get("value") for e in c["env"]}
    assert env["HOME"].startswith("/tmp") and all(
        env[f"HELM_{k}_HOME"].startswith("/tmp") for k in ("CACHE", "CONFIG", "DATA")
    )
    assert float(env["ARGOGATE_DEADLINE"]) < 60
    # the ConfigMap the subPath reads is the generated one (its hash restarts the pod on change)
    (cm,) = by_kind(install, "ConfigMap")
    config_volume = volumes[mounts["/home/argocd/cmp-server/config/plugin.yaml"]["name"]]
    assert config_volume["configMap"]["name"] == cm["metadata"]["name"]
    assert re.fullmatch(r"argogate-plugin-[a-z0-9]{10}", cm["metadata"]["name"])


@pytest.fixture(scope="module")
def plugin(install: list[dict[str, Any]]) -> dict[str, Any]:
    (cm,) = by_kind(install, "ConfigMap")
    doc: dict[str, Any] = yaml.safe_load(cm["data"]["plugin.yaml"])
    return doc


def test_plugin_yaml_is_named_and_has_no_discover_rule(plugin: dict[str, Any]) -> None:
    assert plugin["kind"] == "ConfigManagementPlugin" and plugin["metadata"]["name"] == "argogate"
    assert "discover" not in plugin["spec"]  # apps opt in by name; no hijacking of other apps
    assert plugin["spec"]["generate"]["command"] == ["argogate", "cmp", "generate"]


def test_announced_parameters_are_exactly_the_ones_generate_reads(plugin: dict[str, Any]) -> None:
    source = (ROOT / "argogate" / "argocd" / "plugin.py").read_text()
    read = set(re.findall(r'ctx\.(?:string|array|mapping|flag)\("([^"]+)"\)', source))
    static = plugin["spec"]["parameters"]["static"]
    assert {p["name"] for p in static} == read
    for p in static:
        assert p.get("collectionType", "string") in ("string", "array", "map")
        assert not p["name"].upper().startswith("ARGOGATE")  # gate settings are never parameters


def test_hook_cluster_role_is_least_privilege(install: list[dict[str, Any]]) -> None:
    (role,) = by_kind(install, "ClusterRole")
    grants = {
        (g, r, v)
        for rule in role["rules"]
        for g in rule["apiGroups"]
        for r in rule["resources"]
        for v in rule["verbs"]
    }
    assert grants == {
        ("argoproj.io", "applications", "get"),
        ("", "namespaces", "get"),
        *{
            ("wgpolicyk8s.io", r, v)
            for r in ("policyreports", "clusterpolicyreports")
            for v in ("get", "list", "create", "update")
        },
    }


def test_hook_is_a_bare_pod_presync_hook_bound_per_app(tmp_path: Path) -> None:
    overlay = tmp_path / "app"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        f"namespace: web\nnameSuffix: -web\nresources:\n  - {os.path.relpath(ARGOCD / 'hook', overlay)}\n"
    )
    docs = kustomize(overlay)
    (pod,) = by_kind(docs, "Pod")
    assert pod["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
    assert pod["spec"]["restartPolicy"] == "Never" and pod["spec"]["activeDeadlineSeconds"] > 0
    (c,) = pod["spec"]["containers"]
    assert c["command"] == ["argogate", "hook"]
    assert c["terminationMessagePolicy"] == "FallbackToLogsOnError"
    (sa,) = by_kind(docs, "ServiceAccount")
    (binding,) = by_kind(docs, "ClusterRoleBinding")
    assert pod["spec"]["serviceAccountName"] == sa["metadata"]["name"] == "argogate-hook-web"
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "argogate-hook-web", "namespace": "web"}
    ]
    assert binding["roleRef"]["name"] == "argogate-hook"
    # RBAC must exist before the hook pod: same phase, earlier wave
    waves = {d["kind"]: int(d["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]) for d in docs}
    assert waves["ServiceAccount"] < waves["Pod"] and waves["ClusterRoleBinding"] < waves["Pod"]


def test_example_application_uses_the_plugin_and_lists_the_policies(plugin: dict[str, Any]) -> None:
    app = yaml.safe_load((ARGOCD / "examples" / "application.yaml").read_text())
    src = app["spec"]["source"]
    assert src["plugin"]["name"] == plugin["metadata"]["name"]
    assert not {"helm", "kustomize", "directory"} & set(src)  # one source type per app
    announced = {p["name"]: p.get("collectionType", "string") for p in plugin["spec"]["parameters"]["static"]}
    for p in src["plugin"]["parameters"]:
        kind = next(k for k in ("string", "array", "map") if k in p)
        assert announced[p["name"]] == kind
    paths = app["metadata"]["annotations"]["argocd.argoproj.io/manifest-generate-paths"].split(";")
    assert "/policies" in paths
