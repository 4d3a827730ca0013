"""Registry credentials and the WWW-Authenticate challenge, kept apart from the HTTP code.

Credentials come, in this order, from pull secrets the policy names
(`imageRegistryCredentials.secrets`, found among the rendered objects by the engine),
a docker `config.json` (`--registry-config`, `$DOCKER_CONFIG/config.json` or
`~/.docker/config.json`), and the environment (`ARGOGATE_REGISTRY_USERNAME` /
`ARGOGATE_REGISTRY_PASSWORD`, optionally limited to `ARGOGATE_REGISTRY_HOST`).
They are never printed: `repr` shows hosts only, errors name the host and the source.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argogate.errors import RegistryError

_DOCKER_HUB = {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"}


@dataclass(frozen=True)
class Challenge:
    scheme: str  # basic | bearer
    params: dict[str, str]


def parse_challenge(header: str) -> Challenge | None:
    """`Bearer realm="https://auth",service="registry",scope="repository:x:pull"` -> Challenge."""
    header = header.strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    params = {k.lower(): v for k, v in re.findall(r'(\w+)="([^"]*)"', rest)}
    return Challenge(scheme.lower(), params)


def _host_key(host: str) -> str:
    host = re.sub(r"^https?://", "", host.strip()).split("/")[0]
    return "docker.io" if host in _DOCKER_HUB or host == "index.docker.io" else host


@dataclass
class Credentials:
    """host -> (username, password); the source of each entry, for error messages."""

    _auths: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    sources: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Credentials(hosts={sorted(self._auths)})"

    def add(self, host: str, username: str, password: str, source: str, *, override: bool = False) -> None:
        key = _host_key(host)
        if override or key not in self._auths:
            self._auths[key] = (username, password)
            self.sources[key] = source

    def add_encoded(self, host: str, auth: str, source: str, *, override: bool = False) -> None:
        try:
            user, _, password = base64.b64decode(auth).decode().partition(":")
        except (ValueError, UnicodeDecodeError) as exc:
            raise RegistryError(f"{source}: the auth entry for {host} is not base64 user:password") from exc
        self.add(host, user, password, source, override=override)

    def get(self, host: str) -> tuple[str, str] | None:
        return self._auths.get(_host_key(host))

    def source(self, host: str) -> str:
        return self.sources.get(_host_key(host), "")

    @classmethod
    def load(cls, docker_config: str | None = None, env: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if env is None else env
        creds = cls()
        path = Path(docker_config) if docker_config else None
        if path is None:
            base = env.get("DOCKER_CONFIG")
            path = Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"
            if not path.is_file():
                path = None
        if path is not None:
            creds.read_docker_config(path)
        user, password = env.get("ARGOGATE_REGISTRY_USERNAME"), env.get("ARGOGATE_REGISTRY_PASSWORD")
        if user and password is not None:
            creds.add(env.get("ARGOGATE_REGISTRY_HOST") or "*", user, password, "ARGOGATE_REGISTRY_USERNAME")
        return creds

    def read_docker_config(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise RegistryError(
                f"cannot read the docker config {path}: {exc.strerror}", hint="pass --registry-config FILE"
            ) from exc
        except ValueError as exc:
            raise RegistryError(
                f"{path} is not valid JSON: {exc}", hint="a docker config.json has an `auths` mapping"
            ) from exc
        for host, entry in (data.get("auths") or {}).items():
            if not isinstance(entry, dict):
                continue
            if entry.get("auth"):
                self.add_encoded(host, str(entry["auth"]), str(path))
            elif entry.get("username"):
                self.add(host, str(entry["username"]), str(entry.get("password") or ""), str(path))

    def for_host(self, host: str) -> tuple[str, str] | None:
        return self.get(host) or self._auths.get("*")
