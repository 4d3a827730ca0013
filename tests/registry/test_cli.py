"""`argogate apply` and `argogate check` with registry access, in a real process against a real registry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from argogate.registry import RegistryClient, RegistrySettings
from tests.registry.conftest import Registry
from tests.registry.oci import ecdsa_key, public_pem, push_image, sign

ROOT = Path(__file__).resolve().parents[2]


def _policy(pem: str) -> str:
    doc = {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "verify-signatures"},
        "spec": {
            "validationFailureAction": "Enforce",
            "rules": [
                {
                    "name": "check-signature",
                    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "verifyImages": [
                        {
                            "imageReferences": ["127.0.0.1*"],
                            "attestors": [{"entries": [{"keys": {"publicKeys": pem}}]}],
                        }
                    ],
                }
            ],
        },
    }
    return json.dumps(doc)


def _pod(image: str) -> str:
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"containers": [{"name": "c", "image": image}]},
        }
    )


def _argogate(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "argogate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


def test_apply_pins_the_signed_digest_and_previews_it(registry: Registry, tmp_path: Path) -> None:
    client = RegistryClient(RegistrySettings())
    image = f"{registry.host}/shop/web:1.0"
    digest = push_image(client, image)
    key = ecdsa_key()
    sign(client, image, digest, key)
    (tmp_path / "policy.json").write_text(_policy(public_pem(key)))
    (tmp_path / "pod.json").write_text(_pod(image))
    run = _argogate(
        "apply",
        str(tmp_path / "policy.json"),
        "--resource",
        str(tmp_path / "pod.json"),
        "--registry-access",
        "--preview",
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert f"image: {image}@{digest}" in run.stdout
    assert f"-    image: {image}\n+    image: {image}@{digest}\n" in run.stderr

    offline = _argogate(
        "apply", str(tmp_path / "policy.json"), "--resource", str(tmp_path / "pod.json"), cwd=ROOT
    )
    assert (
        "ERROR: [verify-signatures/check-signature]" in offline.stderr
        and "--registry-access" in offline.stderr
    )
    assert f"{image}@" not in offline.stdout

    other = ecdsa_key()
    (tmp_path / "policy.json").write_text(_policy(public_pem(other)))
    blocked = _argogate(
        "apply",
        str(tmp_path / "policy.json"),
        "--resource",
        str(tmp_path / "pod.json"),
        cwd=ROOT,
        env={"ARGOGATE_REGISTRY_ACCESS": "1"},
    )
    assert blocked.returncode == 1
    assert (
        f"failed to verify image {image}: .attestors[0].entries[0].keys: no matching signatures"
        in blocked.stderr
    )


def test_check_reads_registry_access_from_the_environment(registry: Registry, tmp_path: Path) -> None:
    client = RegistryClient(RegistrySettings())
    image = f"{registry.host}/shop/web:2.0"
    digest = push_image(client, image)
    key = ecdsa_key()
    sign(client, image, digest, key)
    repo = tmp_path / "repo"
    (repo / "policies").mkdir(parents=True)
    (repo / "apps" / "web").mkdir(parents=True)
    (repo / "policies" / "verify.yaml").write_text(_policy(public_pem(key)))
    (repo / "apps" / "web" / "pod.yaml").write_text(_pod(image))
    (repo / ".argogate.yaml").write_text("discover: false\napps:\n  - path: apps/web\n    namespace: shop\n")
    run = _argogate("check", str(repo), "-o", "preview", cwd=ROOT, env={"ARGOGATE_REGISTRY_ACCESS": "true"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"+    image: {image}@{digest}\n" in run.stdout
