"""A small Kubernetes API server on 127.0.0.1 for tests: the real HTTP protocol, in memory.

No kube-apiserver, envtest, kwok or kind installs on these machines, so the hook is tested against
this, driven by the real `kubernetes` client. What it honours (see shared/reference/tooling.md):
- discovery: `/version`, `/api`, `/apis`, `/api/v1`, `/apis/GROUP/VERSION`;
- GET (one or a list), POST and PUT on namespaces, argoproj.io applications and wgpolicyk8s.io
  policyreports / clusterpolicyreports, in JSON;
- errors as `Status` objects: 401, 403, 404 NotFound, 409 AlreadyExists, 409 Conflict on a stale
  `resourceVersion`, 422 on a name mismatch;
- a global resourceVersion counter, uid and creationTimestamp on create, the
  `kubernetes.io/metadata.name` label on namespaces;
- `Authorization: Bearer <token>` with the scheme matched case-insensitively, as the real server
  does (the Python client's kubeconfig loader sends a lower-case `bearer`);
- TLS when given a certificate (`make_tls_files` writes a self-signed one with an IP SAN).
Faults for tests: `fail(method, path_regex, status, times)` answers with a Status, `stall(...)`
sleeps past the client's timeout, `deny(verb, plural)` answers 403 as RBAC would.
"""

from __future__ import annotations

import datetime
import json
import re
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass(frozen=True)
class Kind:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool


KINDS = [
    Kind("", "v1", "namespaces", "Namespace", False),
    Kind("argoproj.io", "v1alpha1", "applications", "Application", True),
    Kind("wgpolicyk8s.io", "v1alpha2", "policyreports", "PolicyReport", True),
    Kind("wgpolicyk8s.io", "v1alpha2", "clusterpolicyreports", "ClusterPolicyReport", False),
]

_PATH = re.compile(
    r"^/(?:api/(?P<cv>v1)|apis/(?P<g>[^/]+)/(?P<v>[^/]+))"
    r"(?:/namespaces/(?P<ns>[^/]+)(?=/))?/(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?/?$"
)


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    delay: float = 0.0


class FakeKube:
    def __init__(self, token: str = "s3cret", tls: tuple[Path, Path] | None = None) -> None:
        self.token = token
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}  # (plural, ns, name)
        self.requests: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self.denied: set[tuple[str, str]] = set()
        self._rv = 100
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]  # aborted TLS handshakes are expected
        self.scheme = "http"
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeKube:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- test controls -------------------------------------------------------------------------
    def fail(self, method: str, path_regex: str, status: int, times: int = 1) -> None:
        self.faults.append(Fault(method.upper(), re.compile(path_regex), status, times))

    def stall(self, method: str, path_regex: str, seconds: float, times: int = 1) -> None:
        self.faults.append(Fault(method.upper(), re.compile(path_regex), 0, times, delay=seconds))

    def deny(self, verb: str, plural: str) -> None:
        self.denied.add((verb, plural))

    def put_object(self, plural: str, obj: dict[str, Any]) -> dict[str, Any]:
        kind = next(k for k in KINDS if k.plural == plural)
        md = obj.setdefault("metadata", {})
        return self._store(kind, md.get("namespace") or "", obj)

    def object(self, plural: str, name: str, namespace: str = "") -> dict[str, Any] | None:
        return self.objects.get((plural, namespace, name))

    # --- storage -------------------------------------------------------------------------------
    def _store(
        self, kind: Kind, ns: str, obj: dict[str, Any], *, existing: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        with self._lock:
            self._rv += 1
            md = obj.setdefault("metadata", {})
            md["resourceVersion"] = str(self._rv)
            if existing is None:
                md["uid"] = str(uuid.uuid4())
                md["creationTimestamp"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                md["generation"] = 1
            else:
                emd = existing["metadata"]
                md["uid"], md["creationTimestamp"] = emd["uid"], emd["creationTimestamp"]
                md["generation"] = int(emd.get("generation", 1)) + 1
            obj["apiVersion"] = f"{kind.group}/{kind.version}" if kind.group else kind.version
            obj["kind"] = kind.kind
            if kind.plural == "namespaces":
                md.setdefault("labels", {})["kubernetes.io/metadata.name"] = md["name"]
            if kind.namespaced:
                md["namespace"] = ns
            self.objects[(kind.plural, ns, md["name"])] = obj
            return obj


def status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return body


def _discovery(api: FakeKube, path: str) -> dict[str, Any] | None:
    if path == "/version":
        return {"major": "1", "minor": "31", "gitVersion": "v1.31.0", "platform": "linux/amd64"}
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}  # fmt: skip
    if path == "/apis":
        groups = sorted({(k.group, k.version) for k in KINDS if k.group})
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                    "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v},
                }
                for g, v in groups
            ],
        }
    m = re.match(r"^/(?:api/(v1)|apis/([^/]+)/([^/]+))/?$", path)
    if not m:
        return None
    group, version = ("", "v1") if m.group(1) else (m.group(2), m.group(3))
    kinds = [k for k in KINDS if k.group == group and k.version == version]
    if not kinds:
        return None
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": [
            {
                "name": k.plural,
                "singularName": k.kind.lower(),
                "namespaced": k.namespaced,
                "kind": k.kind,
                "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
            }
            for k in kinds
        ],
    }


def _handler(api: FakeKube) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            return json.loads(raw) if raw else None

        def _authorized(self) -> bool:
            scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
            return scheme.lower() == "bearer" and token.strip() == api.token

        def _fault(self, method: str, path: str) -> bool:
            for f in api.faults:
                if f.times > 0 and f.method in (method, "*") and f.pattern.search(path):
                    f.times -= 1
                    if f.delay:
                        time.sleep(f.delay)
                        return False
                    self._send(
                        f.status,
                        status(
                            f.status,
                            "InternalError" if f.status >= 500 else "Unknown",
                            f"injected fault {f.status}",
                        ),
                    )
                    return True
            return False

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_PUT(self) -> None:
            self._dispatch("PUT")

        def _dispatch(self, method: str) -> None:
            url = urlparse(self.path)
            path = url.path
            api.requests.append((method, path))
            body = self._body() if method in ("POST", "PUT") else None
            if not self._authorized():
                self._send(401, status(401, "Unauthorized", "Unauthorized"))
                return
            if self._fault(method, path):
                return
            if method == "GET":
                disc = _discovery(api, path)
                if disc is not None:
                    self._send(200, disc)
                    return
            m = _PATH.match(path)
            kind = None
            if m:
                group, version = ("", "v1") if m.group("cv") else (m.group("g"), m.group("v"))
                kind = next(
                    (
                        k
                        for k in KINDS
                        if (k.group, k.version, k.plural) == (group, version, m.group("plural"))
                    ),
                    None,
                )
            if m is None or kind is None:
                self._send(404, status(404, "NotFound", "the server could not find the requested resource"))
                return
            ns, name = m.group("ns") or "", m.group("name")
            if bool(ns) != kind.namespaced and not (name is None and not ns):
                self._send(404, status(404, "NotFound", "the server could not find the requested resource"))
                return
            verb = {"GET": "get" if name else "list", "POST": "create", "PUT": "update"}[method]
            if (verb, kind.plural) in api.denied:
                self._send(403, status(403, "Forbidden", f'{kind.plural}.{kind.group} "{name or ""}" is forbidden: '
                    f'User "system:serviceaccount:x:argogate" cannot {verb} resource "{kind.plural}" in API group '
                    f'"{kind.group}"', {"name": name or "", "group": kind.group, "kind": kind.plural}))  # fmt: skip
                return
            getattr(self, f"_{verb}")(kind, ns, name, body, parse_qs(url.query))

        def _not_found(self, kind: Kind, name: str) -> None:
            self._send(404, status(404, "NotFound", f'{kind.plural}.{kind.group} "{name}" not found'.replace(". ", " "),
                {"name": name, "group": kind.group, "kind": kind.plural}))  # fmt: skip

        def _get(self, kind: Kind, ns: str, name: str, body: Any, q: dict[str, list[str]]) -> None:
            obj = api.objects.get((kind.plural, ns, name))
            if obj is None:
                self._not_found(kind, name)
            else:
                self._send(200, obj)

        def _list(self, kind: Kind, ns: str, name: None, body: Any, q: dict[str, list[str]]) -> None:
            selector = dict(
                p.split("=", 1) for p in (q.get("labelSelector") or [""])[0].split(",") if "=" in p
            )
            items = [
                o
                for (plural, ons, _), o in sorted(api.objects.items())
                if plural == kind.plural
                and (not ns or ons == ns)
                and all((o["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())
            ]
            self._send(200, {"kind": f"{kind.kind}List", "apiVersion": f"{kind.group}/{kind.version}".lstrip("/"),
                "metadata": {"resourceVersion": str(api._rv)}, "items": items})  # fmt: skip

        def _create(self, kind: Kind, ns: str, name: str | None, body: Any, q: dict[str, list[str]]) -> None:
            if name is not None or not isinstance(body, dict):
                self._send(405, status(405, "MethodNotAllowed", "the server does not allow this method"))
                return
            md = body.get("metadata") or {}
            oname = md.get("name")
            if not oname:
                self._send(
                    422, status(422, "Invalid", f"{kind.kind} is invalid: metadata.name: Required value")
                )
                return
            if kind.namespaced and ("namespaces", "", ns) not in api.objects:
                self._send(404, status(404, "NotFound", f'namespaces "{ns}" not found'))
                return
            if md.get("namespace") and kind.namespaced and md["namespace"] != ns:
                self._send(
                    400,
                    status(
                        400,
                        "BadRequest",
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ),
                )
                return
            if (kind.plural, ns, oname) in api.objects:
                self._send(409, status(409, "AlreadyExists", f'{kind.plural}.{kind.group} "{oname}" already exists',
                    {"name": oname, "group": kind.group, "kind": kind.plural}))  # fmt: skip
                return
            md.pop("resourceVersion", None)
            self._send(201, api._store(kind, ns, body))

        def _update(self, kind: Kind, ns: str, name: str, body: Any, q: dict[str, list[str]]) -> None:
            existing = api.objects.get((kind.plural, ns, name))
            if existing is None:
                self._not_found(kind, name)
                return
            md = body.get("metadata") or {} if isinstance(body, dict) else {}
            if md.get("name") != name:
                self._send(
                    400,
                    status(400, "BadRequest", "the name of the object does not match the name on the URL"),
                )
                return
            rv = md.get("resourceVersion")
            if not rv:
                self._send(422, status(422, "Invalid", f'{kind.kind} "{name}" is invalid: metadata.resourceVersion: '
                    "Invalid value: 0x0: must be specified for an update"))  # fmt: skip
                return
            if rv != existing["metadata"]["resourceVersion"]:
                self._send(409, status(409, "Conflict", f'Operation cannot be fulfilled on {kind.plural}.{kind.group} '
                    f'"{name}": the object has been modified; please apply your changes to the latest version and try again',
                    {"name": name, "group": kind.group, "kind": kind.plural}))  # fmt: skip
                return
            self._send(200, api._store(kind, ns, body, existing=existing))

    return Handler


def make_tls_files(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (IP SAN) and its key; the cert is also the CA bundle."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "apiserver.crt", directory / "apiserver.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file
