"""verifyImages end to end: images pushed to a real registry on 127.0.0.1, signed here, gated by the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from argogate.engine.pipeline import Engine, Evaluation
from argogate.model.result import RuleStatus
from argogate.policies.loader import load_documents
from argogate.registry import RegistryClient, RegistrySettings, RegistryVerifier
from argogate.registry.auth import Credentials
from argogate.yamlio import YamlDocument
from tests.registry.conftest import PASSWORD, USER, Registry
from tests.registry.oci import attest, ecdsa_key, public_pem, push_image, rsa_key, sign


def _policy(entries: list[dict[str, Any]], *, failure_policy: str = "Fail") -> Any:
    doc = {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "verify"},
        "spec": {
            "validationFailureAction": "Enforce",
            "failurePolicy": failure_policy,
            "rules": [
                {
                    "name": "check-sig",
                    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "verifyImages": entries,
                }
            ],
        },
    }
    return load_documents([YamlDocument(doc, "policy.yaml", 1)]).policies


def _pod(*images: str) -> dict[str, Any]:
    containers = [{"name": f"c{i}", "image": img} for i, img in enumerate(images)]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"containers": containers},
    }


def _keys(*pems: str, count: int | None = None) -> list[dict[str, Any]]:
    aset: dict[str, Any] = {"entries": [{"keys": {"publicKeys": p}} for p in pems]}
    if count:
        aset["count"] = count
    return [aset]


def _run(
    reg: Registry,
    entries: list[dict[str, Any]],
    *resources: dict[str, Any],
    failure_policy: str = "Fail",
    **settings: Any,
) -> tuple[Evaluation, RegistryVerifier]:
    verifier = RegistryVerifier(RegistrySettings(ca_file=reg.ca_file, attempts=2, backoff=0.01, **settings))
    engine = Engine(_policy(entries, failure_policy=failure_policy), image_verifier=verifier)
    return engine.evaluate(list(resources)), verifier


@pytest.fixture
def client(registry: Registry) -> RegistryClient:
    return RegistryClient(RegistrySettings())


def test_signed_image_passes_and_the_digest_is_pinned(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/app:1.0"
    digest = push_image(client, image)
    key = ecdsa_key()
    sign(client, image, digest, key)
    ev, _ = _run(
        registry,
        [{"imageReferences": [f"{registry.host}/team/*"], "attestors": _keys(public_pem(key))}],
        _pod(image),
    )
    (r,) = ev.results
    assert (r.status, r.message) == (RuleStatus.PASS, f"verified image signatures for {image}")
    assert ev.resources[0]["spec"]["containers"][0]["image"] == f"{image}@{digest}"


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: ecdsa_key(),
        lambda: rsa_key(),
        lambda: ecdsa_key(
            __import__("cryptography.hazmat.primitives.asymmetric.ec", fromlist=["SECP384R1"]).SECP384R1()
        ),
    ],
    ids=["p256", "rsa", "p384"],
)
def test_key_types(registry: Registry, client: RegistryClient, make_key: Callable[[], Any]) -> None:
    image = f"{registry.host}/keys/app:1"
    digest = push_image(client, image)
    key = make_key()
    sign(client, image, digest, key)
    ev, _ = _run(registry, [{"imageReferences": ["*"], "attestors": _keys(public_pem(key))}], _pod(image))
    assert ev.results[0].status is RuleStatus.PASS, ev.results[0].message


def test_unsigned_image_fails_naming_image_and_key(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/unsigned:1.0"
    push_image(client, image)
    ev, _ = _run(
        registry, [{"imageReferences": ["*"], "attestors": _keys(public_pem(ecdsa_key()))}], _pod(image)
    )
    (r,) = ev.results
    assert r.status is RuleStatus.FAIL and r.blocks
    assert r.message == f"failed to verify image {image}: .attestors[0].entries[0].keys: no signatures found"
    assert ev.resources[0]["spec"]["containers"][0]["image"] == image  # no pin on failure


def test_signed_with_another_key_fails(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/app:2"
    digest = push_image(client, image)
    sign(client, image, digest, ecdsa_key())
    ev, _ = _run(
        registry, [{"imageReferences": ["*"], "attestors": _keys(public_pem(ecdsa_key()))}], _pod(image)
    )
    assert ev.results[0].status is RuleStatus.FAIL
    assert ev.results[0].message == (
        f"failed to verify image {image}: .attestors[0].entries[0].keys: no matching signatures:\n"
        "invalid signature when validating ASN.1 encoded signature"
    )


def test_tampered_payload_fails(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/app:3"
    digest = push_image(client, image)
    other = push_image(client, f"{registry.host}/team/app:evil", b"evil")
    key = ecdsa_key()
    from tests.registry.oci import simple_signing

    honest = simple_signing(f"{registry.host}/team/app", other)
    # the payload now claims `digest`, the signature is over the honest payload for `other`
    sign(
        client,
        image,
        digest,
        key,
        payload=simple_signing(f"{registry.host}/team/app", digest, {"x": "1"}),
        signed_payload=honest,
    )
    ev, _ = _run(registry, [{"imageReferences": ["*"], "attestors": _keys(public_pem(key))}], _pod(image))
    assert ev.results[0].status is RuleStatus.FAIL
    assert "no matching signatures" in ev.results[0].message and "ASN.1" in ev.results[0].message


def test_signature_copied_to_another_digest_fails_on_the_claim(
    registry: Registry, client: RegistryClient
) -> None:
    image = f"{registry.host}/team/app:4"
    digest = push_image(client, image)
    key = ecdsa_key()
    sign(client, image, digest, key)
    moved = push_image(client, image, b"new content")  # the tag moves after signing
    # an attacker copies the valid signature (claiming the old digest) to the new digest's .sig tag
    from tests.registry.oci import simple_signing

    sign(client, image, moved, key, payload=simple_signing(f"{registry.host}/team/app", digest))
    ev, _ = _run(registry, [{"imageReferences": ["*"], "attestors": _keys(public_pem(key))}], _pod(image))
    assert ev.results[0].status is RuleStatus.FAIL
    assert ev.results[0].message.endswith(
        f"no matching signatures:\ninvalid or missing digest in claim: {digest}"
    )


def test_tag_moved_after_signing_is_caught_through_the_digest(
    registry: Registry, client: RegistryClient
) -> None:
    image = f"{registry.host}/team/app:5"
    digest = push_image(client, image)
    key = ecdsa_key()
    sign(client, image, digest, key)
    entries = [{"imageReferences": ["*"], "attestors": _keys(public_pem(key))}]
    ev, _ = _run(registry, entries, _pod(image), _pod(f"{registry.host}/team/app@{digest}"))
    assert [r.status for r in ev.results] == [RuleStatus.PASS, RuleStatus.PASS]
    push_image(client, image, b"swapped")
    ev, _ = _run(registry, entries, _pod(image), _pod(f"{registry.host}/team/app@{digest}"))
    assert ev.results[0].status is RuleStatus.FAIL and ev.results[0].message.endswith("no signatures found")
    assert ev.results[1].status is RuleStatus.PASS  # the pinned digest is still the signed one


def test_registry_down_follows_failure_policy(
    registry_factory: Callable[..., Registry], client: RegistryClient
) -> None:
    reg = registry_factory()
    image = f"{reg.host}/team/app:1"
    push_image(client, image)
    reg.stop()
    entries = [{"imageReferences": ["*"], "attestors": _keys(public_pem(ecdsa_key()))}]
    ev, _ = _run(reg, entries, _pod(image), failure_policy="Fail")
    (r,) = ev.results
    assert r.status is RuleStatus.FAIL and r.blocks
    assert r.message.startswith(f"failed to verify image {image}: .attestors[0].entries[0].keys: ")
    ev, _ = _run(reg, entries, _pod(image), failure_policy="Ignore")
    assert ev.results[0].status is RuleStatus.ERROR and not ev.results[0].blocks


def test_count_two_of_three_attestors(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/multi:1"
    digest = push_image(client, image)
    k1, k2, k3 = ecdsa_key(), ecdsa_key(), rsa_key()
    sign(client, image, digest, k1)
    sign(client, image, digest, k3)
    pems = [public_pem(k) for k in (k1, k2, k3)]
    ev, _ = _run(registry, [{"imageReferences": ["*"], "attestors": _keys(*pems, count=2)}], _pod(image))
    assert ev.results[0].status is RuleStatus.PASS, ev.results[0].message
    ev, _ = _run(registry, [{"imageReferences": ["*"], "attestors": _keys(*pems, count=3)}], _pod(image))
    assert ev.results[0].status is RuleStatus.FAIL
    assert ".attestors[0].entries[1].keys: no matching signatures" in ev.results[0].message


def test_attestation_with_condition(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/built:1"
    digest = push_image(client, image)
    key = ecdsa_key()
    sign(client, image, digest, key)
    attest(
        client,
        image,
        digest,
        key,
        "https://slsa.dev/provenance/v0.2",
        {"builder": {"id": "https://ci.example/builder"}},
    )

    def entries(builder: str) -> list[dict[str, Any]]:
        cond = [{"all": [{"key": "{{ builder.id }}", "operator": "Equals", "value": builder}]}]
        att = {
            "type": "https://slsa.dev/provenance/v0.2",
            "attestors": _keys(public_pem(key)),
            "conditions": cond,
        }
        return [{"imageReferences": ["*"], "attestations": [att]}]

    ev, _ = _run(registry, entries("https://ci.example/builder"), _pod(image))
    assert (ev.results[0].status, ev.results[0].message) == (
        RuleStatus.PASS,
        f"verified image attestations for {image}",
    )
    assert ev.resources[0]["spec"]["containers"][0]["image"] == f"{image}@{digest}"
    ev, _ = _run(registry, entries("https://evil.example"), _pod(image))
    assert ev.results[0].status is RuleStatus.FAIL
    # the envelope names no digest, so kyverno keeps the tag form here; the condition has no message
    assert ev.results[0].message == (
        f".attestations[0].attestors[0].entries[0].keys: attestation checks failed for {image} and predicate https://slsa.dev/provenance/v0.2: "
    )


def test_keyless_is_an_error_never_a_pass(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/app:kl"
    push_image(client, image)
    keyless = [
        {"entries": [{"keyless": {"subject": "*@example.com", "issuer": "https://accounts.google.com"}}]}
    ]
    ev, _ = _run(registry, [{"imageReferences": ["*"], "attestors": keyless}], _pod(image))
    (r,) = ev.results
    assert r.status is RuleStatus.ERROR
    assert "keyless verification cannot be verified offline" in r.message


def test_one_lookup_per_digest_per_run(registry: Registry, client: RegistryClient) -> None:
    image = f"{registry.host}/team/app:shared"
    digest = push_image(client, image)
    key = ecdsa_key()
    sign(client, image, digest, key)
    entries = [{"imageReferences": ["*"], "attestors": _keys(public_pem(key))}]
    _, v1 = _run(registry, entries, _pod(image))
    assert v1.client is not None
    one = v1.client.requests
    ev, v = _run(registry, entries, *[_pod(image, image) for _ in range(10)])
    assert all(r.status is RuleStatus.PASS for r in ev.results) and len(ev.results) == 10
    assert v.client is not None and v.client.requests == one


def test_basic_auth(registry_factory: Callable[..., Registry]) -> None:
    reg = registry_factory(auth="basic")
    creds = Credentials()
    creds.add(reg.host, USER, PASSWORD, "test")
    pusher = RegistryClient(RegistrySettings(), credentials=creds)
    image = f"{reg.host}/private/app:1"
    digest = push_image(pusher, image)
    key = ecdsa_key()
    sign(pusher, image, digest, key)
    entries = [{"imageReferences": ["*"], "attestors": _keys(public_pem(key))}]
    ev, _ = _run(reg, entries, _pod(image))  # no credentials
    assert (
        ev.results[0].status is RuleStatus.FAIL
        and "unauthorized with no credentials" in ev.results[0].message
    )
    assert PASSWORD not in ev.results[0].message


def test_bearer_token_flow_and_tls(
    registry_factory: Callable[..., Registry], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg = registry_factory(auth="token", tls=True)
    creds = Credentials()
    creds.add(reg.host, USER, PASSWORD, "test")
    pusher = RegistryClient(RegistrySettings(ca_file=reg.ca_file), credentials=creds)
    image = f"{reg.host}/private/app:1"
    digest = push_image(pusher, image)
    key = ecdsa_key()
    sign(pusher, image, digest, key)
    config = tmp_path / "config.json"
    import base64
    import json

    config.write_text(
        json.dumps({"auths": {reg.host: {"auth": base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}}})
    )
    entries = [{"imageReferences": ["*"], "attestors": _keys(public_pem(key))}]
    ev, _ = _run(reg, entries, _pod(image), docker_config=str(config))
    assert ev.results[0].status is RuleStatus.PASS, ev.results[0].message
    assert ev.resources[0]["spec"]["containers"][0]["image"] == f"{image}@{digest}"
    assert reg.token is not None and any(
        "repository:private/app:pull" in q.get("scope", [""])[0] for q in reg.token.requests
    )
