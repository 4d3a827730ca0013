"""A small OCI distribution client: tags to digests, manifests, blobs, and pushes for tests.

Why our own: the engine needs four calls (resolve, manifest, blob, and push in tests),
and the whole point is predictable failure: transient errors (connect errors, 5xx, 429)
are retried with tenacity, everything else becomes a `RegistryError` that says what to
do; `unreachable` marks errors Kyverno would treat as a network error (a rule *error*
that `failurePolicy` decides on). Every manifest and blob is fetched once per run and
checked against its digest, so a registry cannot hand back other bytes than it named.
Auth follows the distribution spec: anonymous, then on 401 the challenge's Basic or
Bearer (token endpoint with `service` and `scope`) flow.
"""

from __future__ import annotations

import hashlib
import ipaddress
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from argogate.engine.images import parse_image
from argogate.errors import RegistryError
from argogate.registry.auth import Challenge, Credentials, parse_challenge

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_TYPES = (OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST)


class RegistryUnreachable(RegistryError):
    """The registry could not be reached (connection refused, timeouts, 5xx after retries)."""


class ManifestUnknown(RegistryError):
    """The registry answered 404 for a manifest: the tag or digest does not exist."""


@dataclass(frozen=True)
class Reference:
    host: str  # API host (docker.io -> registry-1.docker.io)
    repository: str
    tag: str = ""
    digest: str = ""

    @classmethod
    def parse(cls, image: str) -> Reference:
        try:
            info = parse_image(image)
        except ValueError as exc:
            raise RegistryError(str(exc)) from exc
        host, repo = info.registry, info.path
        if host == "docker.io":
            host = "registry-1.docker.io"
            repo = repo if "/" in repo else f"library/{repo}"
        return cls(host, repo, info.tag, info.digest)

    @property
    def identifier(self) -> str:
        return self.digest or self.tag or "latest"

    def with_tag(self, tag: str) -> Reference:
        return Reference(self.host, self.repository, tag, "")


@dataclass
class Manifest:
    data: bytes
    media_type: str
    digest: str

    def json(self) -> dict[str, Any]:
        import json

        doc = json.loads(self.data)
        return doc if isinstance(doc, dict) else {}


@dataclass(frozen=True)
class RegistrySettings:
    ca_file: str | None = None  # extra CA bundle (PEM) for registries with a private CA
    insecure: bool = False  # skip TLS verification and allow plain HTTP (tests, dev registries)
    docker_config: str | None = None
    attempts: int = 3
    backoff: float = 0.2  # first retry wait, seconds (doubles, max 2 s)
    timeout: float = 10.0


class _Retry(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, _Retry):
        return True
    if isinstance(exc, httpx.ConnectError) and isinstance(exc.__context__, ssl.SSLCertVerificationError):
        return False
    return isinstance(exc, httpx.TransportError)


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0].strip("[]") if host.count(":") <= 1 or host.startswith("[") else host
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class RegistryClient:
    settings: RegistrySettings = field(default_factory=RegistrySettings)
    credentials: Credentials | None = None
    transport: httpx.BaseTransport | None = None

    def __post_init__(self) -> None:
        if self.credentials is None:
            self.credentials = Credentials.load(self.settings.docker_config)
        verify: Any = True
        if self.settings.insecure:
            verify = False
        elif self.settings.ca_file:
            verify = ssl.create_default_context(cafile=self.settings.ca_file)
        self._http = httpx.Client(
            verify=verify, timeout=self.settings.timeout, transport=self.transport, follow_redirects=True
        )
        self._schemes: dict[str, str] = {}
        self._tokens: dict[tuple[str, str], str] = {}
        self._basic: set[str] = set()
        self._digests: dict[tuple[str, str, str], str] = {}
        self._manifests: dict[tuple[str, str, str], Manifest] = {}
        self._blobs: dict[tuple[str, str], bytes] = {}
        self.requests = 0  # HTTP requests sent, for the one-lookup-per-digest guarantee

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ------------------------------------------------------------------
    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(max(1, self.settings.attempts)),
            wait=wait_exponential(multiplier=self.settings.backoff, max=2),
            retry=retry_if_exception(_transient),
            reraise=True,
        )

    def _raw(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None = None
    ) -> httpx.Response:
        def once() -> httpx.Response:
            self.requests += 1
            resp = self._http.request(method, url, headers=headers, content=content)
            if resp.status_code >= 500 or resp.status_code == 429:
                raise _Retry(resp)
            return resp

        try:
            for attempt in self._retrying():
                with attempt:
                    return once()
        except _Retry as exc:
            raise RegistryUnreachable(
                f"{method} {url}: HTTP {exc.response.status_code} after {self.settings.attempts} attempts",
                hint="the registry is failing; retry later or check its status",
            ) from exc
        except httpx.TransportError as exc:
            raise self._transport_error(method, url, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _transport_error(self, method: str, url: str, exc: httpx.TransportError) -> RegistryError:
        if isinstance(exc.__context__, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            exc
        ):
            return RegistryError(
                f"{method} {url}: TLS certificate not trusted ({exc})",
                hint="pass --registry-ca FILE with the registry's CA, or --registry-insecure for a test registry",
            )
        return RegistryUnreachable(
            f"{method} {url}: {type(exc).__name__}: {exc or 'no answer'}",
            hint="check the registry address and that it is reachable from here",
        )

    def _scheme(self, host: str) -> str:
        """https, falling back to http for loopback and --registry-insecure registries (as ggcr pings)."""
        if host in self._schemes:
            return self._schemes[host]
        if not (self.settings.insecure or _is_loopback(host)):
            self._schemes[host] = "https"
            return "https"
        try:
            self.requests += 1
            self._http.get(f"https://{host}/v2/")
            scheme = "https"
        except httpx.TransportError as exc:
            if isinstance(exc.__context__, ssl.SSLCertVerificationError):
                raise self._transport_error("GET", f"https://{host}/v2/", exc) from exc
            scheme = "http"
        self._schemes[host] = scheme
        return scheme

    def _url(self, host: str, path: str) -> str:
        return f"{self._scheme(host)}://{host}{path}"

    def request(
        self,
        method: str,
        ref: Reference,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        push: bool = False,
        url: str | None = None,
    ) -> httpx.Response:
        """One authenticated request: anonymous or cached auth first, then the 401 challenge once."""
        url = url or self._url(ref.host, path)
        scope = f"repository:{ref.repository}:{'pull,push' if push else 'pull'}"
        hdrs = dict(headers or {})
        hdrs.update(self._auth_header(ref.host, scope))
        resp = self._raw(method, url, hdrs, content)
        if resp.status_code != 401:
            return resp
        challenge = parse_challenge(resp.headers.get("www-authenticate", ""))
        if challenge is None:
            raise RegistryError(f"{method} {url}: 401 without a WWW-Authenticate challenge")
        self._authenticate(ref.host, scope, challenge)
        hdrs.update(self._auth_header(ref.host, scope))
        resp = self._raw(method, url, hdrs, content)
        if resp.status_code == 401:
            raise self._denied(ref.host, url)
        return resp

    def _denied(self, host: str, url: str) -> RegistryError:
        assert self.credentials is not None
        source = self.credentials.source(host)
        where = f"the credentials from {source}" if source else "no credentials"
        return RegistryError(
            f"{url}: unauthorized with {where} for {host}",
            hint="provide credentials: --registry-config (docker config.json), ARGOGATE_REGISTRY_USERNAME/PASSWORD, "
            "or a pull secret named in imageRegistryCredentials.secrets",
        )

    def _auth_header(self, host: str, scope: str) -> dict[str, str]:
        assert self.credentials is not None
        token = self._tokens.get((host, scope))
        if token:
            return {"Authorization": f"Bearer {token}"}
        creds = self.credentials.for_host(host)
        if host in self._basic and creds:
            return {"Authorization": "Basic " + _b64(f"{creds[0]}:{creds[1]}")}
        return {}

    def _authenticate(self, host: str, scope: str, challenge: Challenge) -> None:
        assert self.credentials is not None
        creds = self.credentials.for_host(host)
        if challenge.scheme == "basic":
            if not creds:
                raise self._denied(host, f"{self._scheme(host)}://{host}/v2/")
            self._basic.add(host)
            return
        if challenge.scheme != "bearer" or "realm" not in challenge.params:
            raise RegistryError(f"{host}: unsupported auth challenge {challenge.scheme!r}")
        query = {"scope": challenge.params.get("scope") or scope}
        if challenge.params.get("service"):
            query["service"] = challenge.params["service"]
        realm = challenge.params["realm"]
        url = realm + ("&" if "?" in realm else "?") + urlencode(query)
        headers = {"Authorization": "Basic " + _b64(f"{creds[0]}:{creds[1]}")} if creds else {}
        resp = self._raw("GET", url, headers)
        if resp.status_code in (401, 403):
            raise self._denied(host, realm)
        if resp.status_code != 200:
            raise RegistryError(f"token endpoint {realm} answered HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError as exc:
            raise RegistryError(f"token endpoint {realm} did not answer JSON") from exc
        token = body.get("token") or body.get("access_token")
        if not token:
            raise RegistryError(f"token endpoint {realm} answered without a token")
        self._tokens[(host, scope)] = str(token)

    # --- reads ----------------------------------------------------------------------
    def _error(self, method: str, url: str, resp: httpx.Response) -> RegistryError:
        detail = f"HTTP {resp.status_code}"
        try:
            errs = resp.json().get("errors") or []
            if errs:
                detail = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errs)
        except (ValueError, AttributeError):
            pass
        cls = ManifestUnknown if resp.status_code == 404 and "/manifests/" in url else RegistryError
        return cls(f"{method} {url}: {detail}")

    def resolve(self, ref: Reference) -> str:
        """Tag -> digest with a HEAD (Docker-Content-Digest), GET when the header is missing."""
        if ref.digest:
            return ref.digest
        key = (ref.host, ref.repository, ref.identifier)
        if key not in self._digests:
            path = f"/v2/{ref.repository}/manifests/{ref.identifier}"
            resp = self.request("HEAD", ref, path, headers={"Accept": ", ".join(MANIFEST_TYPES)})
            if resp.status_code == 404:
                raise ManifestUnknown(f"HEAD {ref.host}{path}: MANIFEST_UNKNOWN: manifest unknown")
            digest = resp.headers.get("docker-content-digest") if resp.status_code == 200 else None
            self._digests[key] = digest or self.manifest(ref).digest
        return self._digests[key]

    def manifest(self, ref: Reference) -> Manifest:
        key = (ref.host, ref.repository, ref.identifier)
        if key in self._manifests:
            return self._manifests[key]
        path = f"/v2/{ref.repository}/manifests/{ref.identifier}"
        resp = self.request("GET", ref, path, headers={"Accept": ", ".join(MANIFEST_TYPES)})
        if resp.status_code != 200:
            raise self._error("GET", f"{ref.host}{path}", resp)
        digest = sha256_digest(resp.content)
        if ref.digest and ref.digest != digest:
            raise RegistryError(f"{ref.host}{path}: the registry sent a manifest with digest {digest}")
        m = Manifest(resp.content, resp.headers.get("content-type", "").split(";")[0], digest)
        self._manifests[key] = m
        self._manifests[(ref.host, ref.repository, digest)] = m
        if not ref.digest:
            self._digests[key] = resp.headers.get("docker-content-digest") or digest
        return m

    def blob(self, ref: Reference, digest: str) -> bytes:
        key = (ref.host, digest)
        if key not in self._blobs:
            path = f"/v2/{ref.repository}/blobs/{digest}"
            resp = self.request("GET", ref, path)
            if resp.status_code != 200:
                raise self._error("GET", f"{ref.host}{path}", resp)
            if sha256_digest(resp.content) != digest:
                raise RegistryError(f"{ref.host}{path}: blob content does not match its digest")
            self._blobs[key] = resp.content
        return self._blobs[key]

    # --- writes (tests, mirroring) --------------------------------------------------
    def push_blob(self, ref: Reference, data: bytes) -> str:
        digest = sha256_digest(data)
        head = self.request("HEAD", ref, f"/v2/{ref.repository}/blobs/{digest}", push=True)
        if head.status_code == 200:
            return digest
        start = self.request("POST", ref, f"/v2/{ref.repository}/blobs/uploads/", push=True)
        if start.status_code != 202:
            raise self._error("POST", f"{ref.host}/v2/{ref.repository}/blobs/uploads/", start)
        location = urljoin(self._url(ref.host, "/"), start.headers["location"])
        # keep the upload's own `?_state=` query: add the digest to it, never replace it
        url = location + ("&" if "?" in location else "?") + urlencode({"digest": digest})
        done = self.request(
            "PUT",
            ref,
            "",
            url=url,
            content=data,
            push=True,
            headers={"Content-Type": "application/octet-stream"},
        )
        if done.status_code != 201:
            raise self._error("PUT", url, done)
        return digest

    def push_manifest(self, ref: Reference, data: bytes, media_type: str = OCI_MANIFEST) -> str:
        path = f"/v2/{ref.repository}/manifests/{ref.identifier}"
        resp = self.request("PUT", ref, path, content=data, push=True, headers={"Content-Type": media_type})
        if resp.status_code != 201:
            raise self._error("PUT", f"{ref.host}{path}", resp)
        self._digests.pop((ref.host, ref.repository, ref.identifier), None)
        self._manifests.pop((ref.host, ref.repository, ref.identifier), None)
        return sha256_digest(data)


def _b64(s: str) -> str:
    import base64

    return base64.b64encode(s.encode()).decode()
