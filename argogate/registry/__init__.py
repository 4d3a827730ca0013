"""OCI registry adapter: tags to digests, cosign signatures and attestations (verifyImages).

An adapter, not part of the engine: the engine asks through `engine.api.ImageVerifier`,
`RegistryVerifier` answers with httpx against the real registry.
"""

from __future__ import annotations

from argogate.registry.client import RegistryClient, RegistrySettings, RegistryUnreachable
from argogate.registry.verifier import RegistryVerifier

__all__ = ["RegistryClient", "RegistrySettings", "RegistryUnreachable", "RegistryVerifier"]
