"""The engine's `ImageVerifier`, answered by a real registry: one lookup per digest per run.

The engine asks three questions (a tag's digest, an attestor's signatures, an
attestor's attestations) and gets data back (`ImageCheck`): a registry problem is an
`error` text, with `unreachable` set when Kyverno would call it a network error (that
is what `failurePolicy` decides on). Answers are memoised per question, and the client
below memoises every manifest and blob, so a run that sees one image in fifty Pods
talks to the registry once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from argogate.engine.api import CosignOptions, ImageCheck
from argogate.errors import RegistryError
from argogate.registry.client import Reference, RegistryClient, RegistrySettings, RegistryUnreachable
from argogate.registry.cosign import CosignError, KeyVerifier, fetch_attestations, verify_signatures


def _failed(exc: RegistryError | CosignError) -> ImageCheck:
    message = exc.message if isinstance(exc, RegistryError) else str(exc)
    return ImageCheck(error=message, unreachable=isinstance(exc, RegistryUnreachable))


@dataclass
class RegistryVerifier:
    settings: RegistrySettings = field(default_factory=RegistrySettings)
    client: RegistryClient | None = None
    _insecure_client: RegistryClient | None = None
    _memo: dict[object, ImageCheck] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.client is None:
            self.client = RegistryClient(self.settings)

    def close(self) -> None:
        for c in (self.client, self._insecure_client):
            if c is not None:
                c.close()

    def _client(self, insecure: bool, auths: tuple[tuple[str, str], ...]) -> RegistryClient:
        client = self.client
        assert client is not None
        if insecure and not client.settings.insecure:
            # imageRegistryCredentials.allowInsecureRegistry: this rule may use plain HTTP / any cert
            if self._insecure_client is None:
                settings = RegistrySettings(**{**client.settings.__dict__, "insecure": True})
                self._insecure_client = RegistryClient(
                    settings, credentials=client.credentials, transport=client.transport
                )
            client = self._insecure_client
        assert client.credentials is not None
        for host, auth in auths:
            client.credentials.add_encoded(host, auth, "imageRegistryCredentials.secrets", override=True)
        return client

    def fetch_digest(
        self, image: str, *, insecure: bool = False, auths: tuple[tuple[str, str], ...] = ()
    ) -> ImageCheck:
        key = ("digest", image, insecure)
        if key not in self._memo:
            try:
                ref = Reference.parse(image)
                self._memo[key] = ImageCheck(digest=self._client(insecure, auths).resolve(ref))
            except RegistryError as exc:
                self._memo[key] = _failed(exc)
        return self._memo[key]

    def _check(self, opts: CosignOptions, attestations: bool) -> ImageCheck:
        key = ("attestations" if attestations else "signature", opts)
        if key in self._memo:
            return self._memo[key]
        try:
            verifier = KeyVerifier(opts.key, opts.signature_algorithm)
            client = self._client(opts.insecure, opts.auths)
            ref = Reference.parse(opts.image)
            digest = client.resolve(ref)
            sig_repo = Reference.parse(opts.repository + ":x") if opts.repository else ref
            if attestations:
                v = fetch_attestations(client, sig_repo, digest, verifier, opts.annotations)
                result = ImageCheck(digest=v.payload_digest, statements=v.statements)
            else:
                v = verify_signatures(client, sig_repo, digest, verifier, opts.annotations)
                result = ImageCheck(digest=v.payload_digest)
        except (RegistryError, CosignError) as exc:
            result = _failed(exc)
        self._memo[key] = result
        return result

    def verify_signature(self, opts: CosignOptions) -> ImageCheck:
        return self._check(opts, attestations=False)

    def fetch_attestations(self, opts: CosignOptions) -> ImageCheck:
        return self._check(opts, attestations=True)
