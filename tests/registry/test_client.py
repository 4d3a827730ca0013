"""The registry client against scripted HTTP (httpx.MockTransport): retries, auth, errors, caching."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from argogate.errors import RegistryError
from argogate.registry.auth import Credentials, parse_challenge
from argogate.registry.client import (
    OCI_MANIFEST,
    ManifestUnknown,
    Reference,
    RegistryClient,
    RegistrySettings,
    RegistryUnreachable,
    sha256_digest,
)

MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "layers": []}).encode()
DIGEST = sha256_digest(MANIFEST)


def _client(
    handler: Callable[[httpx.Request], httpx.Response], creds: Credentials | None = None, attempts: int = 3
) -> RegistryClient:
    settings = RegistrySettings(attempts=attempts, backoff=0.001)
    return RegistryClient(
        settings, credentials=creds or Credentials(), transport=httpx.MockTransport(handler)
    )


def _manifest_ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, content=MANIFEST, headers={"Docker-Content-Digest": DIGEST, "Content-Type": OCI_MANIFEST}
    )


@pytest.mark.parametrize(
    ("image", "host", "repo", "ident"),
    [
        ("nginx", "registry-1.docker.io", "library/nginx", "latest"),
        ("docker.io/bitnami/redis:7", "registry-1.docker.io", "bitnami/redis", "7"),
        ("ghcr.io/acme/app@" + DIGEST, "ghcr.io", "acme/app", DIGEST),
        ("127.0.0.1:5000/team/app:1.0", "127.0.0.1:5000", "team/app", "1.0"),
    ],
)
def test_reference_parse(image: str, host: str, repo: str, ident: str) -> None:
    ref = Reference.parse(image)
    assert (ref.host, ref.repository, ref.identifier) == (host, repo, ident)


def test_resolve_sends_manifest_types_and_reads_the_digest_header() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _manifest_ok(request)

    client = _client(handler)
    assert client.resolve(Reference.parse("ghcr.io/acme/app:1")) == DIGEST
    assert client.resolve(Reference.parse("ghcr.io/acme/app:1")) == DIGEST  # cached
    assert len(seen) == 1 and seen[0].method == "HEAD"
    accept = seen[0].headers["accept"]
    assert OCI_MANIFEST in accept and "application/vnd.docker.distribution.manifest.v2+json" in accept


@pytest.mark.parametrize("status", [503, 429, 500])
def test_transient_statuses_are_retried(status: int) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status) if len(calls) < 3 else _manifest_ok(request)

    assert _client(handler).resolve(Reference.parse("ghcr.io/a/b:1")) == DIGEST
    assert len(calls) == 3


def test_connect_errors_exhaust_retries_and_are_unreachable() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(RegistryUnreachable) as exc:
        _client(handler, attempts=2).resolve(Reference.parse("ghcr.io/a/b:1"))
    assert len(calls) == 2 and "connection refused" in exc.value.message and exc.value.hint


def test_not_found_is_manifest_unknown_and_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(
            404, json={"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]}
        )

    with pytest.raises(ManifestUnknown):
        _client(handler).manifest(Reference.parse("ghcr.io/a/b:1"))
    assert len(calls) == 1


def test_a_manifest_that_does_not_match_its_digest_is_refused() -> None:
    other = "sha256:" + "0" * 64
    with pytest.raises(RegistryError, match="manifest with digest"):
        _client(_manifest_ok).manifest(Reference.parse(f"ghcr.io/a/b@{other}"))


def test_bearer_challenge_fetches_a_token_with_scope_and_basic_credentials() -> None:
    token_requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "auth.example":
            token_requests.append(request)
            return httpx.Response(200, json={"access_token": "tok"})
        if request.headers.get("authorization") != "Bearer tok":
            return httpx.Response(
                401, headers={"WWW-Authenticate": 'Bearer realm="https://auth.example/token",service="reg"'}
            )
        return _manifest_ok(request)

    creds = Credentials()
    creds.add("ghcr.io", "me", "pw", "test")
    client = _client(handler, creds)
    client.resolve(Reference.parse("ghcr.io/acme/app:1"))
    client.resolve(Reference.parse("ghcr.io/acme/app:2"))  # token reused for the same scope
    (req,) = token_requests
    assert req.url.params["scope"] == "repository:acme/app:pull" and req.url.params["service"] == "reg"
    assert req.headers["authorization"] == "Basic " + base64.b64encode(b"me:pw").decode()


def test_basic_challenge_without_credentials_says_how_to_provide_them() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="r"'})

    with pytest.raises(RegistryError) as exc:
        _client(handler).resolve(Reference.parse("ghcr.io/a/b:1"))
    assert "unauthorized with no credentials for ghcr.io" in exc.value.message
    assert "--registry-config" in (exc.value.hint or "")


def test_wrong_credentials_are_named_by_source_never_by_value(tmp_path: Path) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(
        json.dumps({"auths": {"https://ghcr.io": {"auth": base64.b64encode(b"me:hunter2").decode()}}})
    )
    creds = Credentials.load(str(cfg), env={})

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="r"'})

    with pytest.raises(RegistryError) as exc:
        _client(handler, creds).resolve(Reference.parse("ghcr.io/a/b:1"))
    assert str(cfg) in exc.value.message and "hunter2" not in exc.value.render()
    assert "hunter2" not in repr(creds)


def test_credentials_from_env_apply_to_any_host_or_one() -> None:
    creds = Credentials.load(
        None,
        env={
            "ARGOGATE_REGISTRY_USERNAME": "u",
            "ARGOGATE_REGISTRY_PASSWORD": "p",
            "DOCKER_CONFIG": "/nonexistent",
        },
    )
    assert creds.for_host("quay.io") == ("u", "p")
    only = Credentials.load(
        None,
        env={
            "ARGOGATE_REGISTRY_USERNAME": "u",
            "ARGOGATE_REGISTRY_PASSWORD": "p",
            "ARGOGATE_REGISTRY_HOST": "ghcr.io",
            "DOCKER_CONFIG": "/x",
        },
    )
    assert only.for_host("ghcr.io") == ("u", "p") and only.for_host("quay.io") is None


def test_challenge_parsing() -> None:
    c = parse_challenge('Bearer realm="https://a/token",service="svc",scope="repository:x:pull"')
    assert (
        c is not None
        and c.scheme == "bearer"
        and c.params == {"realm": "https://a/token", "service": "svc", "scope": "repository:x:pull"}
    )
    assert parse_challenge("") is None


def test_blob_content_is_checked_against_its_digest() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"not what was asked")

    with pytest.raises(RegistryError, match="does not match its digest"):
        _client(handler).blob(Reference.parse("ghcr.io/a/b:1"), sha256_digest(b"payload"))
