"""The only module that imports `kubernetes`: a small typed client for what the hook reads and writes.

Why so narrow: the `kubernetes` package costs 0.6-1.2 s to import (kubernetes 37 is a regenerated
client on pydantic), which is fine for a hook that runs once per sync but not for `argogate --help`
or the CMP plugin; so it is imported inside `KubeClient.__init__` and nowhere else. Every call goes
through `_call`, which asks for raw JSON (plain dicts, no model classes), applies a per-request
timeout, retries what is transient (5xx, 429, connection errors, timeouts) with tenacity, and turns
every failure into the `errors.py` tree.

Configuration, first match wins: explicit settings (`KubeSettings`; env `ARGOGATE_KUBE_HOST`,
`ARGOGATE_KUBE_TOKEN` / `ARGOGATE_KUBE_TOKEN_FILE`, `ARGOGATE_KUBE_CA_FILE`), then the pod's own
service account (`KUBERNETES_SERVICE_HOST`), then `~/.kube/config`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from argogate.errors import ConfigError
from argogate.kube.errors import (
    APIConflictError,
    APIError,
    APINotFoundError,
    APIServerError,
    APIUnreachableError,
    from_status,
    unreachable,
)

SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
T = TypeVar("T")


@dataclass(frozen=True)
class Resource:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


NAMESPACES = Resource("", "v1", "namespaces", "Namespace", namespaced=False)
APPLICATIONS = Resource("argoproj.io", "v1alpha1", "applications", "Application", namespaced=True)
POLICY_REPORTS = Resource("wgpolicyk8s.io", "v1alpha2", "policyreports", "PolicyReport", namespaced=True)
CLUSTER_POLICY_REPORTS = Resource(
    "wgpolicyk8s.io", "v1alpha2", "clusterpolicyreports", "ClusterPolicyReport", namespaced=False
)


@dataclass(frozen=True)
class KubeSettings:
    host: str | None = None
    token: str | None = None
    ca_file: str | None = None
    verify_tls: bool = True
    timeout: float = 10.0
    attempts: int = 4
    backoff: float = 0.5

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KubeSettings:
        e = os.environ if environ is None else environ
        token = e.get("ARGOGATE_KUBE_TOKEN") or None
        if not token and e.get("ARGOGATE_KUBE_TOKEN_FILE"):
            token = Path(e["ARGOGATE_KUBE_TOKEN_FILE"]).read_text(encoding="utf-8").strip()
        host = e.get("ARGOGATE_KUBE_HOST") or None
        ca_file = e.get("ARGOGATE_KUBE_CA_FILE") or None
        if host is None and e.get("KUBERNETES_SERVICE_HOST"):
            svc = e["KUBERNETES_SERVICE_HOST"]
            svc = f"[{svc}]" if ":" in svc else svc
            host = f"https://{svc}:{e.get('KUBERNETES_SERVICE_PORT', '443')}"
            if token is None and (SA_DIR / "token").is_file():
                token = (SA_DIR / "token").read_text(encoding="utf-8").strip()
            if ca_file is None and (SA_DIR / "ca.crt").is_file():
                ca_file = str(SA_DIR / "ca.crt")
        try:
            timeout = float(e.get("ARGOGATE_KUBE_TIMEOUT") or 10.0)
            attempts = int(e.get("ARGOGATE_KUBE_ATTEMPTS") or 4)
        except ValueError as exc:
            raise ConfigError(f"ARGOGATE_KUBE_TIMEOUT / ARGOGATE_KUBE_ATTEMPTS: {exc}") from None
        insecure = (e.get("ARGOGATE_KUBE_INSECURE") or "").lower() in ("1", "true", "yes")
        return cls(host, token, ca_file, not insecure, timeout, max(1, attempts))


class KubeClient:
    def __init__(self, settings: KubeSettings | None = None) -> None:
        import kubernetes.client as k8s

        self.settings = settings or KubeSettings.from_env()
        s = self.settings
        if s.host:
            cfg = k8s.Configuration(host=s.host.rstrip("/"))
            if s.token:
                cfg.api_key = {"authorization": s.token}
                cfg.api_key_prefix = {"authorization": "Bearer"}
            cfg.verify_ssl = s.verify_tls
            if s.ca_file:
                cfg.ssl_ca_cert = s.ca_file
        else:
            import kubernetes.config

            cfg = k8s.Configuration()
            try:
                kubernetes.config.load_kube_config(client_configuration=cfg)  # type: ignore[no-untyped-call]
            except Exception as exc:  # the loader raises bare ConfigException/OSError variants
                raise ConfigError(
                    f"no Kubernetes API to talk to: {exc}",
                    hint="run in a pod with a service account, or set ARGOGATE_KUBE_HOST and ARGOGATE_KUBE_TOKEN",
                ) from None
        cfg.retries = False  # one retry policy, ours (_call), not urllib3's as well
        self._api = k8s.ApiClient(cfg)
        self._core = k8s.CoreV1Api(self._api)
        self._custom = k8s.CustomObjectsApi(self._api)
        self._api_exception: type[Exception] = k8s.ApiException

    def close(self) -> None:
        self._api.close()  # type: ignore[no-untyped-call]

    def __enter__(self) -> KubeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, res: Resource, name: str, namespace: str | None = None) -> dict[str, Any]:
        what = f"get {_display(res, name, namespace)}"
        if res is NAMESPACES:
            return self._call(what, lambda **kw: self._core.read_namespace(name, **kw))
        if res.namespaced:
            return self._call(
                what,
                lambda **kw: self._custom.get_namespaced_custom_object(
                    res.group, res.version, _ns(namespace), res.plural, name, **kw
                ),
            )
        return self._call(
            what,
            lambda **kw: self._custom.get_cluster_custom_object(
                res.group, res.version, res.plural, name, **kw
            ),
        )

    def find(self, res: Resource, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        try:
            return self.get(res, name, namespace)
        except APINotFoundError:
            return None

    def list_objects(
        self, res: Resource, *, namespace: str | None = None, label_selector: str = ""
    ) -> list[dict[str, Any]]:
        """Objects of `res` (in every namespace when `namespace` is None), filtered by a label selector."""
        what = f"list {res.plural}.{res.group or 'core'}" + (f" in {namespace}" if namespace else "")
        sel = label_selector or None
        if res is NAMESPACES:
            data = self._call(what, lambda **kw: self._core.list_namespace(label_selector=sel, **kw))
        elif namespace:
            data = self._call(
                what,
                lambda **kw: self._custom.list_namespaced_custom_object(
                    res.group, res.version, namespace, res.plural, label_selector=sel, **kw
                ),
            )
        else:
            data = self._call(
                what,
                lambda **kw: self._custom.list_cluster_custom_object(
                    res.group, res.version, res.plural, label_selector=sel, **kw
                ),
            )
        return [i for i in data.get("items") or [] if isinstance(i, dict)]

    def create(self, res: Resource, body: dict[str, Any]) -> dict[str, Any]:
        name, namespace = _name_ns(body)
        what = f"create {_display(res, name, namespace)}"
        if res.namespaced:
            return self._call(
                what,
                lambda **kw: self._custom.create_namespaced_custom_object(
                    res.group, res.version, _ns(namespace), res.plural, body, **kw
                ),
            )
        return self._call(
            what,
            lambda **kw: self._custom.create_cluster_custom_object(
                res.group, res.version, res.plural, body, **kw
            ),
        )

    def replace(self, res: Resource, body: dict[str, Any]) -> dict[str, Any]:
        name, namespace = _name_ns(body)
        what = f"update {_display(res, name, namespace)}"
        if res.namespaced:
            return self._call(
                what,
                lambda **kw: self._custom.replace_namespaced_custom_object(
                    res.group, res.version, _ns(namespace), res.plural, name, body, **kw
                ),
            )
        return self._call(
            what,
            lambda **kw: self._custom.replace_cluster_custom_object(
                res.group, res.version, res.plural, name, body, **kw
            ),
        )

    def upsert(self, res: Resource, body: dict[str, Any], *, attempts: int = 3) -> tuple[str, dict[str, Any]]:
        """Create `body`, or replace the existing object; a stale resourceVersion (409) is re-read and retried."""
        name, namespace = _name_ns(body)
        for _ in range(max(1, attempts)):
            current = self.find(res, name, namespace)
            try:
                if current is None:
                    return "created", self.create(res, body)
                rv = (current.get("metadata") or {}).get("resourceVersion")
                desired = {**body, "metadata": {**body["metadata"], "resourceVersion": rv}}
                return "updated", self.replace(res, desired)
            except APIConflictError:
                continue  # created or updated by someone else in between: read again
        raise APIConflictError(
            f"update {_display(res, name, namespace)}: still conflicting after {attempts} attempts",
            status=409,
            hint="another writer keeps changing this object; rerun the hook",
        )

    def _call(self, what: str, fn: Callable[..., Any]) -> dict[str, Any]:
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

        s = self.settings

        @retry(
            stop=stop_after_attempt(s.attempts),
            wait=wait_exponential(multiplier=s.backoff, max=max(s.backoff, 4.0)),
            retry=retry_if_exception_type((APIServerError, APIUnreachableError)),
            reraise=True,
        )
        def attempt() -> dict[str, Any]:
            return self._once(what, fn)

        try:
            return attempt()
        except (APIServerError, APIUnreachableError) as exc:
            if s.attempts > 1:
                exc.message = f"{exc.message} (gave up after {s.attempts} attempts)"
                exc.args = (exc.message,)
            raise

    def _once(self, what: str, fn: Callable[..., Any]) -> dict[str, Any]:
        import urllib3

        try:
            resp = fn(_preload_content=False, _request_timeout=self.settings.timeout)
        except self._api_exception as exc:
            status = int(getattr(exc, "status", 0) or 0)
            if not status:
                raise unreachable(exc, what=what) from exc
            raise from_status(
                status, getattr(exc, "body", None) or getattr(exc, "data", None), what=what
            ) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise unreachable(exc, what=what) from exc
        try:
            data = json.loads(resp.data or b"{}")
        except ValueError as exc:
            raise APIError(f"{what}: the API server answered with something that is not JSON") from exc
        return data if isinstance(data, dict) else {}


def _ns(namespace: str | None) -> str:
    if not namespace:
        raise ConfigError("a namespaced object needs a namespace")
    return namespace


def _name_ns(body: dict[str, Any]) -> tuple[str, str | None]:
    md = body.get("metadata") or {}
    return str(md.get("name") or ""), (str(md["namespace"]) if md.get("namespace") else None)


def _display(res: Resource, name: str, namespace: str | None) -> str:
    return f"{res.plural}.{res.group or 'core'} {namespace + '/' if namespace else ''}{name}"
