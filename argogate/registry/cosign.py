"""cosign key-based signatures and attestations, read from the registry and checked offline.

The storage format is cosign's tag scheme (no referrers API needed): the signatures of
image digest `sha256:<hex>` live in the manifest tagged `sha256-<hex>.sig`, one layer
per signature whose blob is the simple-signing payload and whose annotation
`dev.cosignproject.cosign/signature` is the base64 signature of those bytes; the
attestations live under `sha256-<hex>.att` as DSSE envelopes signed over the PAE
encoding. The checks and their error texts follow cosign's `VerifyImageSignatures` /
`VerifyImageAttestations` with the Simple / IntotoSubject claim verifiers and kyverno
`pkg/cosign/cosign.go` (loading keys, annotations, decoding statements).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from argogate.registry.client import ManifestUnknown, Reference, RegistryClient

SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json"
IN_TOTO = "application/vnd.in-toto+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "": hashes.SHA256,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class CosignError(Exception):
    """A verification failure, with cosign's / Kyverno's wording."""


@dataclass(frozen=True)
class Verified:
    digest: str  # the image digest the signatures were checked against
    payload_digest: str  # the simple-signing claim's docker-manifest-digest ("" for attestations)
    statements: tuple[dict[str, Any], ...] = ()


def tag_for(digest: str, suffix: str) -> str:
    """`sha256:abc` -> `sha256-abc.sig` (cosign's tag scheme)."""
    return digest.replace(":", "-") + "." + suffix


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE pre-authentication encoding: what an envelope's signatures sign."""
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


class KeyVerifier:
    """One public key (ECDSA, RSA PKCS#1 v1.5 or Ed25519) with the hash Kyverno picks."""

    def __init__(self, pem: str, algorithm: str = "") -> None:
        if algorithm not in _HASHES:
            raise CosignError(f"invalid signature algorithm provided {algorithm}")
        self.hash = _HASHES[algorithm]()
        try:
            self.key = serialization.load_pem_public_key(pem.strip().encode())
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise CosignError(f"failed to load public key from PEM: pem to public key: {exc}") from exc
        if not isinstance(self.key, (ec.EllipticCurvePublicKey, rsa.RSAPublicKey, ed25519.Ed25519PublicKey)):
            raise CosignError(
                f"failed to load public key from PEM: unsupported key type {type(self.key).__name__}"
            )

    def verify(self, signature: bytes, data: bytes) -> str:
        """'' when valid, else sigstore's verifier error text."""
        key = self.key
        try:
            if isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, data, ec.ECDSA(self.hash))
            elif isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, data, padding.PKCS1v15(), self.hash)
            else:
                assert isinstance(key, ed25519.Ed25519PublicKey)
                key.verify(signature, data)
        except InvalidSignature:
            if isinstance(key, ec.EllipticCurvePublicKey):
                return "invalid signature when validating ASN.1 encoded signature"
            return (
                "crypto/rsa: verification error"
                if isinstance(key, rsa.RSAPublicKey)
                else "failed to verify signature"
            )
        return ""


def _b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CosignError(f"invalid base64 signature: {exc}") from exc


def _layers(client: RegistryClient, repo: Reference, tag: str) -> list[dict[str, Any]]:
    """The layers of the `.sig`/`.att` manifest; [] when the tag does not exist."""
    try:
        manifest = client.manifest(repo.with_tag(tag)).json()
    except ManifestUnknown:
        return []
    layers = manifest.get("layers")
    return [layer for layer in layers if isinstance(layer, dict)] if isinstance(layers, list) else []


def check_annotations(payloads: Iterable[dict[str, Any]], annotations: Iterable[tuple[str, str]]) -> None:
    """kyverno checkAnnotations: every required key must equal the payload's `optional` value."""
    for p in payloads:
        optional = p.get("optional") or {}
        for key, value in annotations:
            if str(optional.get(key, "")) != value:
                raise CosignError(f"annotation value for {key} does not match")


def verify_signatures(
    client: RegistryClient,
    sig_repo: Reference,
    digest: str,
    key: KeyVerifier,
    annotations: Iterable[tuple[str, str]] = (),
) -> Verified:
    layers = _layers(client, sig_repo, tag_for(digest, "sig"))
    if not layers:
        raise CosignError("no signatures found")
    errors: list[str] = []
    payloads: list[dict[str, Any]] = []
    for layer in layers:
        blob = client.blob(sig_repo, str(layer.get("digest")))
        sig = (layer.get("annotations") or {}).get(SIGNATURE_ANNOTATION)
        if not sig:
            errors.append("missing signature annotation")
            continue
        err = key.verify(_b64(sig), blob)
        if err:
            errors.append(err)
            continue
        try:
            payload = json.loads(blob)
            claimed = payload["critical"]["image"]["docker-manifest-digest"]
        except (ValueError, KeyError, TypeError):
            errors.append("error decoding the payload")
            continue
        if claimed != digest:  # cosign.SimpleClaimVerifier
            errors.append(f"invalid or missing digest in claim: {claimed}")
            continue
        payloads.append(payload)
    if not payloads:
        raise CosignError("no matching signatures:\n" + "\n ".join(errors))
    check_annotations(payloads, annotations)
    claimed = payloads[0]["critical"]["image"]["docker-manifest-digest"]
    if not claimed:
        raise CosignError(f"failed to extract image digest from signature payload for {digest}")
    return Verified(digest, claimed)


def fetch_attestations(
    client: RegistryClient,
    sig_repo: Reference,
    digest: str,
    key: KeyVerifier,
    annotations: Iterable[tuple[str, str]] = (),
) -> Verified:
    layers = _layers(client, sig_repo, tag_for(digest, "att"))
    if not layers:
        raise CosignError("no matching attestations: no attestations found")
    errors: list[str] = []
    statements: list[dict[str, Any]] = []
    for layer in layers:
        try:
            envelope = json.loads(client.blob(sig_repo, str(layer.get("digest"))))
            payload = _b64(str(envelope.get("payload") or ""))
            sigs = [_b64(str(s.get("sig") or "")) for s in envelope.get("signatures") or []]
        except (ValueError, AttributeError, CosignError) as exc:
            errors.append(f"failed to decode payload: {exc}")
            continue
        signed = pae(str(envelope.get("payloadType") or IN_TOTO), payload)
        results = [key.verify(s, signed) for s in sigs] or ["no signatures in envelope"]
        if all(results):
            errors.append(results[0])
            continue
        try:
            statement = json.loads(payload)
        except ValueError as exc:
            errors.append(f"failed to decode statement: {exc}")
            continue
        hexes = [
            str((s.get("digest") or {}).get("sha256"))
            for s in statement.get("subject") or []
            if isinstance(s, dict)
        ]
        if digest.removeprefix("sha256:") not in hexes:  # cosign.IntotoSubjectClaimVerifier
            errors.append("no matching subject digest found")
            continue
        statement["type"] = statement.get("predicateType")  # kyverno decodeStatement
        statements.append(statement)
    if not statements:
        raise CosignError("no matching attestations:\n" + "\n ".join(errors))
    check_annotations([{}] * len(statements), annotations)
    return Verified(digest, "", tuple(statements))
