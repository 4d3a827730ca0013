"""Build, push and sign images in the formats real tools write (OCI image, cosign tag scheme)."""

from __future__ import annotations

import base64
import gzip
import io
import json
import tarfile
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from argogate.registry.client import OCI_MANIFEST, Reference, RegistryClient
from argogate.registry.cosign import (
    DSSE_ENVELOPE,
    IN_TOTO,
    SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING,
    pae,
    tag_for,
)

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def ecdsa_key(curve: ec.EllipticCurve | None = None) -> PrivateKey:
    return ec.generate_private_key(curve or ec.SECP256R1())


def rsa_key() -> PrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign_bytes(key: PrivateKey, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def _layer(content: bytes) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


def push_image(client: RegistryClient, image: str, content: bytes = b"hello") -> str:
    """A one-layer OCI image; returns its manifest digest."""
    ref = Reference.parse(image)
    layer = _layer(content)
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
    ).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": _descriptor(client, ref, config, "application/vnd.oci.image.config.v1+json"),
        "layers": [_descriptor(client, ref, layer, "application/vnd.oci.image.layer.v1.tar+gzip")],
    }
    return client.push_manifest(ref, json.dumps(manifest).encode())


def _descriptor(
    client: RegistryClient,
    ref: Reference,
    data: bytes,
    media_type: str,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    d: dict[str, Any] = {"mediaType": media_type, "digest": client.push_blob(ref, data), "size": len(data)}
    if annotations is not None:
        d["annotations"] = annotations
    return d


def simple_signing(image_repo: str, digest: str, optional: dict[str, str] | None = None) -> bytes:
    payload: dict[str, Any] = {
        "critical": {
            "identity": {"docker-reference": image_repo},
            "image": {"docker-manifest-digest": digest},
            "type": "cosign container image signature",
        },
        "optional": optional,
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def _append(client: RegistryClient, ref: Reference, tag: str, layer: dict[str, Any]) -> None:
    """Add one layer to the `.sig`/`.att` manifest, as cosign does for each new signature."""
    tagged = ref.with_tag(tag)
    try:
        manifest = json.loads(client.manifest(tagged).data)
    except Exception:
        config = json.dumps(
            {"architecture": "", "os": "", "rootfs": {"type": "layers", "diff_ids": []}}
        ).encode()
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": _descriptor(client, ref, config, "application/vnd.oci.image.config.v1+json"),
            "layers": [],
        }
    manifest["layers"].append(layer)
    client.push_manifest(tagged, json.dumps(manifest).encode())


def sign(
    client: RegistryClient,
    image: str,
    digest: str,
    key: PrivateKey,
    *,
    payload: bytes | None = None,
    signed_payload: bytes | None = None,
    optional: dict[str, str] | None = None,
) -> None:
    """cosign sign --key: a simple-signing payload layer with the base64 signature annotation.

    `payload` replaces the stored payload (tampering), `signed_payload` what the key signs.
    """
    ref = Reference.parse(image)
    repo = f"{ref.host}/{ref.repository}"
    good = simple_signing(repo, digest, optional)
    stored = payload if payload is not None else good
    signature = base64.b64encode(
        sign_bytes(key, signed_payload if signed_payload is not None else stored)
    ).decode()
    layer = _descriptor(client, ref, stored, SIMPLE_SIGNING, {SIGNATURE_ANNOTATION: signature})
    _append(client, ref, tag_for(digest, "sig"), layer)


def attest(
    client: RegistryClient,
    image: str,
    digest: str,
    key: PrivateKey,
    predicate_type: str,
    predicate: dict[str, Any],
) -> None:
    """cosign attest --key: an in-toto statement in a DSSE envelope, under the `.att` tag."""
    ref = Reference.parse(image)
    statement = {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": predicate_type,
        "subject": [
            {"name": f"{ref.host}/{ref.repository}", "digest": {"sha256": digest.removeprefix("sha256:")}}
        ],
        "predicate": predicate,
    }
    payload = json.dumps(statement).encode()
    sig = base64.b64encode(sign_bytes(key, pae(IN_TOTO, payload))).decode()
    envelope = {
        "payloadType": IN_TOTO,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [{"keyid": "", "sig": sig}],
    }
    layer = _descriptor(
        client,
        ref,
        json.dumps(envelope).encode(),
        DSSE_ENVELOPE,
        {SIGNATURE_ANNOTATION: "", "predicateType": predicate_type},
    )
    _append(client, ref, tag_for(digest, "att"), layer)
