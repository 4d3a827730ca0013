"""Protocols for what the engine needs from the outside world, and an in-memory answer.

The engine never talks to a cluster or a registry. Context entries that Kyverno
would answer from the API server (`configMap`, `apiCall`) ask a ResourceLookup;
the CLI gives it the resources being evaluated (the rendered set), the hook can
give it a live cluster. Mirrors kyverno `pkg/engine/api/client.go`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


class ResourceLookup(Protocol):
    def get(self, api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any] | None: ...

    def list(self, api_version: str, kind: str, namespace: str) -> list[dict[str, Any]]: ...


class InMemoryLookup:
    """Answers lookups from a fixed set of objects (the resources passed in, or a rendered app)."""

    def __init__(self, objects: Iterable[dict[str, Any]] = ()) -> None:
        self._by_kind: dict[str, list[dict[str, Any]]] = {}
        # (kind, name) -> objects in insertion order: `get` runs once per resource (its Namespace),
        # and a scan of every object of the kind made a 10,000-resource run quadratic
        self._by_name: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for obj in objects:
            self.add(obj)

    def add(self, obj: dict[str, Any]) -> None:
        if isinstance(obj, dict) and obj.get("kind"):
            self._by_kind.setdefault(str(obj["kind"]), []).append(obj)
            name = (obj.get("metadata") or {}).get("name")
            if isinstance(name, str):
                self._by_name.setdefault((str(obj["kind"]), name), []).append(obj)

    @staticmethod
    def _api_ok(want: str, obj: dict[str, Any]) -> bool:
        return not want or want == obj.get("apiVersion") or want.split("/")[0] == str(obj.get("apiVersion", "")).split("/")[0]

    def get(self, api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        candidates = self._by_name.get((kind, name), []) if isinstance(name, str) else self._by_kind.get(kind, [])
        for obj in candidates:
            md = obj.get("metadata") or {}
            if md.get("name") == name and (md.get("namespace") or "") == (namespace or "") and self._api_ok(api_version, obj):
                return obj
        # namespaced objects written without a namespace land in `default`
        if namespace == "default":
            for obj in candidates:
                md = obj.get("metadata") or {}
                if md.get("name") == name and not md.get("namespace"):
                    return obj
        return None

    def list(self, api_version: str, kind: str, namespace: str) -> list[dict[str, Any]]:
        out = []
        for obj in self._by_kind.get(kind, []):
            ns = (obj.get("metadata") or {}).get("namespace") or ""
            if (not namespace or ns == namespace or (namespace == "default" and not ns)) and self._api_ok(api_version, obj):
                out.append(obj)
        return out

    def namespace_labels(self, name: str) -> dict[str, str] | None:
        for obj in self._by_kind.get("Namespace", []):
            md = obj.get("metadata") or {}
            if md.get("name") == name:
                return {str(k): str(v) for k, v in (md.get("labels") or {}).items()}
        return None


# --- image verification (verifyImages) -------------------------------------------------
# The registry and the signature checks live in `argogate.registry`; the engine asks through
# this protocol and reproduces Kyverno's attestor logic (counts, paths, messages) itself.


@dataclass(frozen=True)
class CosignOptions:
    """One attestor entry applied to one image (kyverno `pkg/images` Options, key-based subset)."""

    image: str  # Kyverno's ImageInfo.String(): registry/path:tag or registry/path@digest
    key: str = ""  # one PEM public key
    signature_algorithm: str = ""  # "", sha224, sha256, sha384, sha512
    repository: str = ""  # alternate signature repository
    annotations: tuple[tuple[str, str], ...] = ()  # required simple-signing `optional` values
    attestation_type: str = ""  # set: fetch attestations (`.att`) instead of signatures (`.sig`)
    insecure: bool = False  # imageRegistryCredentials.allowInsecureRegistry
    auths: tuple[tuple[str, str], ...] = ()  # (registry host, base64 user:password) from pull secrets


@dataclass(frozen=True)
class ImageCheck:
    """What a registry answered. `error` empty: verified. Data, never an exception."""

    digest: str = ""
    statements: tuple[dict[str, Any], ...] = ()
    error: str = ""
    unreachable: bool = False  # the registry could not be reached (Kyverno's net.OpError)

    @property
    def ok(self) -> bool:
        return not self.error


class ImageVerifier(Protocol):
    def fetch_digest(self, image: str, *, insecure: bool = False, auths: tuple[tuple[str, str], ...] = ()) -> ImageCheck: ...

    def verify_signature(self, opts: CosignOptions) -> ImageCheck: ...

    def fetch_attestations(self, opts: CosignOptions) -> ImageCheck: ...
