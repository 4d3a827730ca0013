"""What Argo CD tells a config-management plugin, read from the environment it builds.

The repo-server builds the plugin's environment (argo-cd `reposerver/repository/repository.go`
`newEnv`, `getPluginEnvs`, `getPluginParamEnvs`; `types.go` `ApplicationSourcePluginParameters.Environ`):
- `ARGOCD_APP_NAME` is the *instance name*, `<appNamespace>_<name>` when the Application lives
  outside the control-plane namespace; `ARGOCD_APP_NAMESPACE` is the **destination** namespace;
- `KUBE_VERSION` has no `v` and no `+build`; `KUBE_API_VERSIONS` is sorted and comma-joined and holds
  both `group/version` and `group/version/Kind`;
- `ARGOCD_APP_PARAMETERS` is the JSON of `spec.source.plugin.parameters`: the literal `null` when the
  plugin block has no parameters, absent for an app found by discovery (no `plugin:` block);
- `PARAM_<ESC(name)>`, `PARAM_<ESC(name)>_<i>` and `PARAM_<ESC(name)>_<ESC(key)>` repeat them, with ESC
  upper-casing and turning everything outside `[A-Z0-9_]` into `_` (so names can collide: the JSON is
  the lossless form and wins);
- `ARGOCD_ENV_<name>` carries `spec.source.plugin.env`, the name **not** upper-cased.

All of this is controlled by whoever can commit (`.argocd-source.yaml` is merged in before the env is
built), so nothing here may ever switch enforcement off: gate settings live in `settings.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from argogate.errors import ConfigError

_ESC = re.compile(r"[^A-Z0-9_]")


def escape_param_name(name: str) -> str:
    """Argo CD's env-name escaping of a parameter name or map key (`types.go` `escaped`)."""
    return _ESC.sub("_", name.upper())


@dataclass(frozen=True)
class Parameter:
    """One `spec.source.plugin.parameters` entry: exactly one of string, array, map is meaningful."""

    name: str
    string: str | None = None
    array: tuple[str, ...] | None = None
    map: dict[str, str] | None = None

    def env(self) -> dict[str, str]:
        """The PARAM_* variables Argo CD derives from this parameter."""
        base = f"PARAM_{escape_param_name(self.name)}"
        out: dict[str, str] = {}
        if self.string is not None:
            out[base] = self.string
        for i, item in enumerate(self.array or ()):
            out[f"{base}_{i}"] = item
        for key, value in (self.map or {}).items():
            out[f"{base}_{escape_param_name(key)}"] = value
        return out


@dataclass(frozen=True)
class AppContext:
    """The request as Argo CD describes it. `parameters` None means the variable was absent."""

    app_name: str = ""
    app_namespace: str = ""
    project: str = ""
    revision: str = ""
    repo_url: str = ""
    source_path: str = ""
    target_revision: str = ""
    kube_version: str | None = None
    api_versions: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] | None = None
    param_env: dict[str, str] = field(default_factory=dict)
    user_env: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The Application's own name: the instance name without its `<namespace>_` prefix."""
        return self.app_name.split("_", 1)[1] if "_" in self.app_name else self.app_name

    @property
    def application_namespace(self) -> str | None:
        return self.app_name.split("_", 1)[0] if "_" in self.app_name else None

    @property
    def discovered(self) -> bool:
        """No `plugin:` block: Argo CD sends neither parameters nor plugin env."""
        return self.parameters is None

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters or () if p.name == name), None)

    def string(self, name: str) -> str | None:
        p = self.param(name)
        return p.string if p is not None else None

    def array(self, name: str) -> tuple[str, ...]:
        p = self.param(name)
        if p is None:
            return ()
        if p.array is not None:
            return p.array
        return (p.string,) if p.string else ()

    def mapping(self, name: str) -> dict[str, str]:
        p = self.param(name)
        return dict(p.map or {}) if p is not None else {}

    def flag(self, name: str) -> bool | None:
        value = self.string(name)
        return None if value is None else parse_bool(value, what=f"plugin parameter {name}")


def parse_bool(value: str, *, what: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("", "0", "false", "no", "off"):
        return False
    raise ConfigError(f"{what}={value!r} is not a boolean", hint="use true or false")


def parse_parameters(raw: str | None) -> tuple[Parameter, ...] | None:
    """`ARGOCD_APP_PARAMETERS`: None when absent, () for `null` or `[]`, else the entries."""
    if raw is None:
        return None
    if not raw.strip():
        return ()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"ARGOCD_APP_PARAMETERS is not JSON: {exc.msg} at column {exc.colno}") from exc
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ConfigError("ARGOCD_APP_PARAMETERS must be a JSON array of parameters")
    return tuple(_parameter(i, item) for i, item in enumerate(data))


def _parameter(i: int, item: Any) -> Parameter:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise ConfigError(f"ARGOCD_APP_PARAMETERS[{i}] has no name")
    array = item.get("array")
    mapping = item.get("map")
    string = item.get("string")
    return Parameter(
        name=item["name"],
        string=None if string is None else str(string),
        array=None if array is None else tuple(str(v) for v in array),
        map=None if mapping is None else {str(k): str(v) for k, v in mapping.items()},
    )


def parse_env(environ: Mapping[str, str]) -> AppContext:
    """An AppContext from the plugin's environment (os.environ in the sidecar)."""
    kube_version = (environ.get("KUBE_VERSION") or "").strip().removeprefix("v") or None
    api_versions = tuple(v.strip() for v in (environ.get("KUBE_API_VERSIONS") or "").split(",") if v.strip())
    return AppContext(
        app_name=environ.get("ARGOCD_APP_NAME", ""),
        app_namespace=environ.get("ARGOCD_APP_NAMESPACE", ""),
        project=environ.get("ARGOCD_APP_PROJECT_NAME", ""),
        revision=environ.get("ARGOCD_APP_REVISION", ""),
        repo_url=environ.get("ARGOCD_APP_SOURCE_REPO_URL", ""),
        source_path=environ.get("ARGOCD_APP_SOURCE_PATH", ""),
        target_revision=environ.get("ARGOCD_APP_SOURCE_TARGET_REVISION", ""),
        kube_version=kube_version,
        api_versions=api_versions,
        parameters=parse_parameters(environ.get("ARGOCD_APP_PARAMETERS")),
        param_env={k: v for k, v in environ.items() if k.startswith("PARAM_")},
        user_env={
            k.removeprefix("ARGOCD_ENV_"): v for k, v in environ.items() if k.startswith("ARGOCD_ENV_")
        },
    )
