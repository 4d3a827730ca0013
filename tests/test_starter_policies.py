"""The starter policy set in `policies/` passes its own Kyverno test suites.

Each policy ships with a `kyverno-test.yaml` that real Kyverno would pass; here the
same suites run through argogate's test runner, one pytest case per suite, and every
expected result must be matched. A second group of checks keeps the set's conventions
(layout, annotations, Audit by default, a Deployment among the test resources, no
private key material) so a new policy cannot quietly skip them. The last case runs
the `argogate test` command itself, the way CI and the README call it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from argogate.testrunner import run_suite

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
NAMES = (
    "require-resource-limits",
    "require-team-labels",
    "restrict-image-registries",
    "disallow-latest-tag",
    "namespace-defaults",
    "default-security-context",
    "verify-image-signatures",
)
# Suites with no graded results, each with the reason (stated in the suite itself too).
NO_RESULTS = {"verify-image-signatures": "argogate does not evaluate verifyImages yet"}
ANNOTATIONS = ("title", "category", "severity", "description")


def _docs(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def _policy(name: str) -> dict[str, Any]:
    (doc,) = _docs(POLICIES / name / f"{name}.yaml")
    assert isinstance(doc, dict)
    return doc


def test_every_policy_directory_is_listed() -> None:
    found = {p.name for p in POLICIES.iterdir() if p.is_dir()}
    assert found == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_suite_passes(name: str) -> None:
    suite = run_suite(POLICIES / name / "kyverno-test.yaml")
    assert suite.error is None, suite.error
    failed = [
        f"{r.policy}/{r.rule} {r.resource}: want {r.expected}, got {r.actual} [{r.reason}] {r.message}"
        for r in suite.rows
        if not r.success
    ]
    assert not failed, "\n".join(failed)
    if name in NO_RESULTS:
        assert suite.rows == [], NO_RESULTS[name]
    else:
        assert len(suite.rows) >= 4, "a suite should check good and bad resources"
        assert {r.expected for r in suite.rows} - {"skip"}, "a suite of skips checks nothing"


@pytest.mark.parametrize("name", NAMES)
def test_policy_conventions(name: str) -> None:
    doc = _policy(name)
    assert doc["apiVersion"] == "kyverno.io/v1"
    assert doc["kind"] == "ClusterPolicy"
    assert doc["metadata"]["name"] == name
    annotations = doc["metadata"]["annotations"]
    for key in ANNOTATIONS:
        assert str(annotations.get(f"policies.kyverno.io/{key}", "")).strip(), key
    assert annotations["policies.kyverno.io/severity"] in ("low", "medium", "high", "critical")
    assert doc["spec"]["validationFailureAction"] == "Audit"


@pytest.mark.parametrize("name", NAMES)
def test_suite_layout(name: str) -> None:
    test = _docs(POLICIES / name / "kyverno-test.yaml")[0]
    assert test["apiVersion"] == "cli.kyverno.io/v1alpha1"
    assert test["kind"] == "Test"
    assert test["policies"] == [f"{name}.yaml"]
    assert test["resources"] == ["resources.yaml"]
    kinds = {d["kind"] for d in _docs(POLICIES / name / "resources.yaml")}
    if name != "namespace-defaults":
        assert "Deployment" in kinds, "include a Deployment so the autogen rules are exercised"
    for result in test.get("results") or []:
        for key in ("patchedResources", "generatedResource"):
            if key in result:
                assert (POLICIES / name / result[key]).is_file(), result[key]


def test_image_policy_keeps_mutate_digest_off_in_audit() -> None:
    # Kyverno rejects mutateDigest: true under Audit (api/kyverno/v1/image_verification_types.go).
    rule = _policy("verify-image-signatures")["spec"]["rules"][0]
    (verify,) = rule["verifyImages"]
    assert verify["imageReferences"] == ["registry.example.com/*"]
    assert (verify["mutateDigest"], verify["verifyDigest"], verify["required"]) == (False, True, True)
    key = verify["attestors"][0]["entries"][0]["keys"]["publicKeys"]
    assert key.startswith("-----BEGIN PUBLIC KEY-----")
    assert key.rstrip().endswith("-----END PUBLIC KEY-----")


def test_public_key_is_a_real_p256_key() -> None:
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    verify = _policy("verify-image-signatures")["spec"]["rules"][0]["verifyImages"][0]
    pem = verify["attestors"][0]["entries"][0]["keys"]["publicKeys"].encode()
    key = serialization.load_pem_public_key(pem)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    assert key.curve.name == "secp256r1"


def test_no_private_key_material() -> None:
    for path in POLICIES.rglob("*"):
        if path.is_file():
            assert "PRIVATE KEY" not in path.read_text(errors="replace"), path


def test_argogate_test_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "argogate", "test", "policies"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "0 tests failed" in proc.stdout
