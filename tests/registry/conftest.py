"""A real CNCF Distribution registry on 127.0.0.1 per test, with the auth the test asks for.

`docker-registry` is installed by `scripts/install-registry` when missing; if that fails the
tests FAIL (they do not skip) with what to do. Modes: anonymous, TLS with a CA made here,
htpasswd basic auth, and the bearer-token flow with a token server written here (JWTs
signed with a key whose certificate is the registry's `rootcertbundle`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "ci", "s3cret-pw"


@pytest.fixture(scope="session")
def registry_binary() -> str:
    found = shutil.which("docker-registry")
    if not found:
        proc = subprocess.run([str(ROOT / "scripts" / "install-registry")], capture_output=True, text=True)
        found = shutil.which("docker-registry")
        if not found:
            pytest.fail(
                "the verifyImages tests need the CNCF Distribution registry (`docker-registry`); "
                f"scripts/install-registry failed (exit {proc.returncode}): {proc.stderr.strip()[-400:]}"
            )
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(
    common_name: str, key: ec.EllipticCurvePrivateKey, *, ip: str | None = None
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    )
    if ip:
        import ipaddress

        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False
        )
    return builder.sign(key, hashes.SHA256())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenServer:
    """The distribution token spec's endpoint: Basic-authenticated GET -> signed JWT with `access`."""

    def __init__(self, directory: Path) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = self_signed("argogate-test-token-signer", self.key)
        self.bundle = directory / "token-root.pem"
        self.bundle.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self.requests: list[dict[str, list[str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query)
                outer.requests.append(query)
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.dumps({"token": outer.issue(query)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def issue(self, query: dict[str, list[str]]) -> str:
        access = []
        for scope in query.get("scope", []):
            for s in scope.split(" "):
                kind, name, actions = s.split(":")
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        der = self.cert.public_bytes(serialization.Encoding.DER)
        header = {"alg": "ES256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
        now = int(time.time())
        claims = {
            "iss": "argogate-test", "sub": USER, "aud": query.get("service", [""])[0], "exp": now + 300,
            "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access,
        }  # fmt: skip
        signing = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        r, s = decode_dss_signature(self.key.sign(signing.encode(), ec.ECDSA(hashes.SHA256())))
        return signing + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Registry:
    host: str  # 127.0.0.1:PORT
    proc: subprocess.Popen[bytes] | None
    ca_file: str | None = None
    token: TokenServer | None = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.token is not None:
            self.token.close()


def _bcrypt(password: str) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt

    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))


def start_registry(binary: str, directory: Path, *, auth: str = "none", tls: bool = False) -> Registry:
    port = free_port()
    host = f"127.0.0.1:{port}"
    (directory / "data").mkdir(parents=True, exist_ok=True)
    http_cfg: dict[str, object] = {"addr": host}
    ca_file = None
    if tls:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = self_signed("127.0.0.1", key, ip="127.0.0.1")
        (directory / "tls.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        (directory / "tls.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        http_cfg["tls"] = {"certificate": str(directory / "tls.crt"), "key": str(directory / "tls.key")}
        ca_file = str(directory / "tls.crt")
    config: dict[str, object] = {
        "version": 0.1,
        "log": {"level": "error", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(directory / "data")}, "delete": {"enabled": True}},
        "http": http_cfg,
    }
    token = None
    if auth == "basic":
        (directory / "htpasswd").write_text(f"{USER}:{_bcrypt(PASSWORD)}\n")
        config["auth"] = {"htpasswd": {"realm": "basic-realm", "path": str(directory / "htpasswd")}}
    elif auth == "token":
        token = TokenServer(directory)
        config["auth"] = {
            "token": {
                "realm": token.url,
                "service": "argogate-registry",
                "issuer": "argogate-test",
                "rootcertbundle": str(token.bundle),
            }
        }
    (directory / "config.yml").write_text(json.dumps(config))  # JSON is YAML
    log = open(directory / "registry.log", "wb")
    proc = subprocess.Popen(
        [binary, "serve", str(directory / "config.yml")], stdout=log, stderr=subprocess.STDOUT
    )
    reg = Registry(host, proc, ca_file, token)
    scheme = "https" if tls else "http"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"registry exited {proc.returncode}: {(directory / 'registry.log').read_text()[-800:]}"
            )
        try:
            httpx.get(
                f"{scheme}://{host}/v2/",
                verify=ssl.create_default_context(cafile=ca_file) if ca_file else True,
                timeout=1,
            )
            return reg
        except httpx.TransportError:
            time.sleep(0.1)
    reg.stop()
    raise RuntimeError(f"registry on {host} did not answer within 15 s")


@pytest.fixture
def registry_factory(registry_binary: str, tmp_path: Path) -> Iterator[Callable[..., Registry]]:
    started: list[Registry] = []

    def make(**kw: object) -> Registry:
        reg = start_registry(registry_binary, tmp_path / f"reg{len(started)}", **kw)  # type: ignore[arg-type]
        started.append(reg)
        return reg

    yield make
    for reg in started:
        reg.stop()


@pytest.fixture
def registry(registry_factory: Callable[..., Registry]) -> Registry:
    return registry_factory()


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("ARGOGATE_REGISTRY_USERNAME", "ARGOGATE_REGISTRY_PASSWORD", "ARGOGATE_REGISTRY_HOST"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker-config"))
