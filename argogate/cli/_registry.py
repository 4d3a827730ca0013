"""The registry flags `apply` and `check` share, and the verifier they build.

Registry access is off by default: a gate that runs offline gives the same answer
every time, and verifyImages rules that need the registry then report `error` (never
a pass). `--registry-access` (or ARGOGATE_REGISTRY_ACCESS=1) turns it on; the other
flags (each with an ARGOGATE_REGISTRY_* variable, so `check` in CI and the plugin
can be configured from the environment) set the CA, TLS checking and credentials.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option(
        "--registry-access/--no-registry-access", envvar="ARGOGATE_REGISTRY_ACCESS", default=False,
        help="Let verifyImages rules query OCI registries (env ARGOGATE_REGISTRY_ACCESS=1).",
    ),
    click.option("--registry-ca", envvar="ARGOGATE_REGISTRY_CA", type=click.Path(dir_okay=False), help="Extra CA bundle (PEM) for registries."),
    click.option(
        "--registry-insecure", envvar="ARGOGATE_REGISTRY_INSECURE", is_flag=True,
        help="Allow plain HTTP and unverified TLS (test registries only).",
    ),
    click.option(
        "--registry-config", envvar="ARGOGATE_REGISTRY_CONFIG", type=click.Path(dir_okay=False),
        help="docker config.json with registry credentials (default: $DOCKER_CONFIG or ~/.docker).",
    ),
)  # fmt: skip


def registry_options(fn: F) -> F:
    for opt in reversed(_OPTIONS):
        fn = opt(fn)
    return fn


def build_verifier(
    registry_access: bool, registry_ca: str | None, registry_insecure: bool, registry_config: str | None
) -> Any:
    """A RegistryVerifier, or None when registry access is off (httpx is not even imported then)."""
    if not registry_access:
        return None
    from argogate.registry import RegistrySettings, RegistryVerifier

    settings = RegistrySettings(
        ca_file=registry_ca, insecure=registry_insecure, docker_config=registry_config
    )
    return RegistryVerifier(settings)
