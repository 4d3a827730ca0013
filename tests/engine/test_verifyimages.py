"""verifyImages in the pure engine: Kyverno's attestor logic against a scripted ImageVerifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from argogate.engine.api import CosignOptions, ImageCheck
from argogate.engine.pipeline import Engine, Evaluation
from argogate.engine.verifyimages import convert, expand_static_keys, image_slots, required_count
from argogate.model.result import RuleStatus
from argogate.policies.loader import load_documents
from argogate.yamlio import YamlDocument

DIGEST = "sha256:" + "ab" * 32
K1 = "-----BEGIN PUBLIC KEY-----\nk1\n-----END PUBLIC KEY-----"
K2 = "-----BEGIN PUBLIC KEY-----\nk2\n-----END PUBLIC KEY-----"
K3 = "-----BEGIN PUBLIC KEY-----\nk3\n-----END PUBLIC KEY-----"


@dataclass
class FakeVerifier:
    """Keys in `good` verify; `down` makes every call unreachable; statements per key."""

    good: set[str] = field(default_factory=set)
    down: bool = False
    statements: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def fetch_digest(
        self, image: str, *, insecure: bool = False, auths: tuple[tuple[str, str], ...] = ()
    ) -> ImageCheck:
        self.calls.append(("digest", image))
        return (
            ImageCheck(error="dial tcp: connection refused", unreachable=True)
            if self.down
            else ImageCheck(digest=DIGEST)
        )

    def verify_signature(self, opts: CosignOptions) -> ImageCheck:
        self.calls.append(("sig", opts.key))
        if self.down:
            return ImageCheck(error="dial tcp: connection refused", unreachable=True)
        return (
            ImageCheck(digest=DIGEST)
            if opts.key in self.good
            else ImageCheck(error="no matching signatures:\nbad")
        )

    def fetch_attestations(self, opts: CosignOptions) -> ImageCheck:
        self.calls.append(("att", opts.key))
        return (
            ImageCheck(statements=tuple(self.statements))
            if opts.key in self.good
            else ImageCheck(error="no matching attestations")
        )


def _engine(
    entries: list[dict[str, Any]],
    verifier: Any,
    *,
    kinds: tuple[str, ...] = ("Pod",),
    failure_policy: str = "Fail",
) -> Engine:
    doc = {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "verify"},
        "spec": {
            "validationFailureAction": "Enforce",
            "failurePolicy": failure_policy,
            "rules": [
                {
                    "name": "check",
                    "match": {"any": [{"resources": {"kinds": list(kinds)}}]},
                    "verifyImages": entries,
                }
            ],
        },
    }
    return Engine(load_documents([YamlDocument(doc, "p.yaml", 1)]).policies, image_verifier=verifier)


def _pod(*images: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {"containers": [{"name": f"c{i}", "image": im} for i, im in enumerate(images)]},
    }


def _run(entries: list[dict[str, Any]], verifier: Any, *resources: dict[str, Any], **kw: Any) -> Evaluation:
    return _engine(entries, verifier, **kw).evaluate(list(resources))


def _keys(*pems: str, count: int | None = None) -> list[dict[str, Any]]:
    aset: dict[str, Any] = {"entries": [{"keys": {"publicKeys": p}} for p in pems]}
    if count:
        aset["count"] = count
    return [aset]


def test_images_out_of_scope_give_no_result() -> None:
    ev = _run(
        [{"imageReferences": ["ghcr.io/acme/*"], "attestors": _keys(K1)}],
        FakeVerifier({K1}),
        _pod("nginx:1.25"),
    )
    assert ev.results == []


def test_without_a_verifier_an_image_in_scope_is_an_error_never_a_pass() -> None:
    ev = _run([{"imageReferences": ["*"], "attestors": _keys(K1)}], None, _pod("nginx:1.25"))
    (r,) = ev.results
    assert r.status is RuleStatus.ERROR
    assert "docker.io/nginx:1.25" in r.message and "--registry-access" in r.message


def test_verify_digest_alone_needs_no_registry() -> None:
    entries = [{"imageReferences": ["*"], "mutateDigest": False, "verifyDigest": True}]
    ev = _run(entries, None, _pod("nginx:1.25", f"redis@{DIGEST}"))
    assert (ev.results[0].status, ev.results[0].message) == (
        RuleStatus.FAIL,
        "missing digest for docker.io/nginx:1.25",
    )
    ev = _run(entries, None, _pod(f"redis@{DIGEST}"))
    assert (ev.results[0].status, ev.results[0].message) == (RuleStatus.PASS, "image verified")


def test_signed_image_is_pinned_with_kyverno_s_patch_value() -> None:
    ev = _run([{"imageReferences": ["*"], "attestors": _keys(K1)}], FakeVerifier({K1}), _pod("nginx:1.25"))
    assert ev.results[0].message == "verified image signatures for docker.io/nginx:1.25"
    assert ev.resources[0]["spec"]["containers"][0]["image"] == f"docker.io/nginx:1.25@{DIGEST}"


def test_mutate_digest_false_then_verify_digest_fails() -> None:
    entries = [{"imageReferences": ["*"], "attestors": _keys(K1), "mutateDigest": False}]
    ev = _run(entries, FakeVerifier({K1}), _pod("nginx:1.25"))
    assert (ev.results[0].status, ev.results[0].message) == (
        RuleStatus.FAIL,
        "missing digest for docker.io/nginx:1.25",
    )


def test_skip_image_references() -> None:
    entries = [
        {"imageReferences": ["*"], "skipImageReferences": ["docker.io/nginx*"], "attestors": _keys(K1)}
    ]
    assert _run(entries, FakeVerifier(), _pod("nginx:1.25")).results == []


@pytest.mark.parametrize(
    ("good", "count", "status"),
    [
        ({K1, K3}, 2, RuleStatus.PASS),
        ({K1}, 2, RuleStatus.FAIL),
        ({K1, K2, K3}, None, RuleStatus.PASS),
        ({K1, K2}, None, RuleStatus.FAIL),
    ],
)
def test_count_m_of_n(good: set[str], count: int | None, status: RuleStatus) -> None:
    ev = _run(
        [{"imageReferences": ["*"], "attestors": _keys(K1, K2, K3, count=count)}],
        FakeVerifier(good),
        _pod("nginx:1"),
    )
    assert ev.results[0].status is status


def test_failed_entries_are_combined_like_multierr() -> None:
    ev = _run([{"imageReferences": ["*"], "attestors": _keys(K1, K2)}], FakeVerifier(), _pod("nginx:1"))
    assert ev.results[0].message == (
        "failed to verify image docker.io/nginx:1: .attestors[0].entries[0].keys: no matching signatures:\nbad; "
        ".attestors[0].entries[1].keys: no matching signatures:\nbad"
    )


def test_several_keys_in_one_entry_are_expanded() -> None:
    assert [
        e["keys"]["publicKeys"]
        for e in expand_static_keys({"entries": [{"keys": {"publicKeys": K1 + "\n" + K2}}]})["entries"]
    ] == [
        K1,
        "\n" + K2,
    ]
    assert (
        required_count({"entries": [{}, {}]}) == 2 and required_count({"count": 1, "entries": [{}, {}]}) == 1
    )


def test_nested_attestor_path() -> None:
    entries = [
        {
            "imageReferences": ["*"],
            "attestors": [{"entries": [{"attestor": {"entries": [{"keys": {"publicKeys": K2}}]}}]}],
        }
    ]
    ev = _run(entries, FakeVerifier(), _pod("nginx:1"))
    assert (
        ".attestors[0].entries[0].attestor.entries[0].keys: no matching signatures" in ev.results[0].message
    )


@pytest.mark.parametrize(
    ("policy", "status", "blocks"), [("Fail", RuleStatus.FAIL, True), ("Ignore", RuleStatus.ERROR, False)]
)
def test_unreachable_registry_follows_failure_policy(policy: str, status: RuleStatus, blocks: bool) -> None:
    ev = _run(
        [{"imageReferences": ["*"], "attestors": _keys(K1)}],
        FakeVerifier(down=True),
        _pod("nginx:1"),
        failure_policy=policy,
    )
    (r,) = ev.results
    assert (r.status, r.blocks) == (status, blocks)
    assert (
        r.message
        == "failed to verify image docker.io/nginx:1: .attestors[0].entries[0].keys: dial tcp: connection refused"
    )


@pytest.mark.parametrize(
    "attestor",
    [{"keyless": {"subject": "me"}}, {"certificates": {"cert": "x"}}, {"keys": {"kms": "awskms:///k"}}],
)
def test_keyless_and_remote_keys_are_errors(attestor: dict[str, Any]) -> None:
    ev = _run(
        [{"imageReferences": ["*"], "attestors": [{"entries": [attestor]}]}],
        FakeVerifier({K1}),
        _pod("nginx:1"),
    )
    assert ev.results[0].status is RuleStatus.ERROR and "cannot be verified offline" in ev.results[0].message


def test_deprecated_fields_are_converted() -> None:
    e = convert({"image": "ghcr.io/*", "key": K1})
    assert e["imageReferences"] == ["ghcr.io/*"] and e["attestors"] == [
        {"entries": [{"keys": {"publicKeys": K1}}]}
    ]


def test_attestation_conditions_see_the_predicate_at_the_root() -> None:
    st = {"type": "slsa", "predicateType": "slsa", "predicate": {"builder": {"id": "ci"}}}
    att = {
        "type": "slsa",
        "attestors": _keys(K1),
        "conditions": [{"all": [{"key": "{{ builder.id }}", "operator": "Equals", "value": "ci"}]}],
    }
    ev = _run(
        [{"imageReferences": ["*"], "attestations": [att]}],
        FakeVerifier({K1}, statements=[st]),
        _pod("nginx:1"),
    )
    assert (ev.results[0].status, ev.results[0].message) == (
        RuleStatus.PASS,
        "verified image attestations for docker.io/nginx:1",
    )
    att["type"] = "other"
    ev = _run(
        [{"imageReferences": ["*"], "attestations": [att]}],
        FakeVerifier({K1}, statements=[st]),
        _pod("nginx:1"),
    )
    assert (
        ev.results[0].message
        == ".attestations[0].attestors[0].entries[0].keys: attestions not found for predicate type other"
    )


def test_missing_attestation_type() -> None:
    ev = _run(
        [{"imageReferences": ["*"], "attestations": [{"attestors": _keys(K1)}]}],
        FakeVerifier({K1}),
        _pod("nginx:1"),
    )
    assert (ev.results[0].status, ev.results[0].message) == (
        RuleStatus.FAIL,
        ".attestations[0]: missing type",
    )


def test_variables_are_substituted_in_image_references() -> None:
    entries = [
        {"imageReferences": ["docker.io/{{ request.object.metadata.name }}-*"], "attestors": _keys(K1)}
    ]
    ev = _run(entries, FakeVerifier({K1}), _pod("p-app:1", "other:1"))
    assert [r.message for r in ev.results] == ["verified image signatures for docker.io/p-app:1"]
    assert image_slots(ev.resources[0])[1].path == ("spec", "containers", 1, "image")


def test_deployment_autogen_pins_the_template_image() -> None:
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "ns"},
        "spec": {
            "template": {
                "spec": {
                    "initContainers": [{"name": "i", "image": "busybox"}],
                    "containers": [{"name": "c", "image": "nginx:1"}],
                }
            }
        },
    }
    ev = _run([{"imageReferences": ["*"], "attestors": _keys(K1)}], FakeVerifier({K1}), dep)
    (r,) = ev.results
    assert r.rule == "autogen-check" and r.status is RuleStatus.PASS
    spec = ev.resources[0]["spec"]["template"]["spec"]
    assert spec["initContainers"][0]["image"] == f"docker.io/busybox:latest@{DIGEST}"
    assert spec["containers"][0]["image"] == f"docker.io/nginx:1@{DIGEST}"


def test_a_digest_lookup_failure_is_reported() -> None:
    ev = _run(
        [{"imageReferences": ["*"], "verifyDigest": False}],
        FakeVerifier(down=True),
        _pod("nginx:1"),
        failure_policy="Ignore",
    )
    assert (ev.results[0].status, ev.results[0].message) == (
        RuleStatus.ERROR,
        "failed to update digest: dial tcp: connection refused",
    )


def test_the_policy_entries_are_never_edited() -> None:
    # attestation conditions are set aside while the rest is substituted, on copies only
    att = {
        "type": "slsa",
        "attestors": _keys(K1),
        "conditions": [{"all": [{"key": "{{ builder.id }}", "operator": "Equals", "value": "ci"}]}],
    }
    entries = [{"imageReferences": ["*"], "attestations": [att]}]
    engine = _engine(entries, FakeVerifier({K1}, statements=[{"type": "slsa", "predicate": {}}]))
    raw = engine.policies[0].rules[0].raw["verifyImages"]
    before = repr(raw)
    for _ in range(2):
        engine.evaluate([_pod("nginx:1")])
        assert repr(raw) == before


def test_an_unpinned_resource_is_not_copied() -> None:
    pod = _pod(f"nginx@{DIGEST}")
    ev = _run([{"imageReferences": ["*"], "mutateDigest": False, "verifyDigest": True}], None, pod)
    assert ev.results[0].status is RuleStatus.PASS
    assert ev.resources[0] == pod
