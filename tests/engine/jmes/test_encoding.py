"""base64, parse_json, parse_yaml, sha256 and x509_decode."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from argogate.engine.jmes import JMESError, search


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("base64_decode('aGVsbG8=')", "hello"),
        ("base64_encode('hello')", "aGVsbG8="),
        ("base64_decode(base64_encode('a\nb'))", "a\nb"),
        ('parse_json(\'["1001","1002"]\')[*].to_number(@)', [1001, 1002]),
        ('parse_json(\'{"a": {"b": true}}\').a.b', True),
        (
            "parse_yaml('species:\n  isGoodBoi: false\n  height: 15').species",
            {"isGoodBoi": False, "height": 15},
        ),
        ("parse_yaml('a: 2001-12-14').a", "2001-12-14"),
        (
            "sha256('alertmanager-kube-prometheus-stack-alertmanager')",
            "75c07bb807f2d80a85d34880b8af0c5f29f7c27577076ed5d0e4b427dee7dbcc",
        ),
    ],
)
def test_encoding(expr: str, expected: Any) -> None:
    assert search(expr, {}) == expected


@pytest.mark.parametrize("expr", ["base64_decode('abc')", "parse_json('{')", "parse_yaml('a: [')"])
def test_encoding_errors(expr: str) -> None:
    with pytest.raises(JMESError):
        search(expr, {})


def _self_signed(common_name: str) -> str:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.datetime(2022, 10, 10, 11, 46, 32, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("kyverno.svc")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_x509_decode_certificate() -> None:
    pem = _self_signed("*.kyverno.svc")
    out = search("x509_decode(@)", pem)
    assert out["Subject"]["CommonName"] == "*.kyverno.svc"
    assert out["Issuer"]["Names"] == [{"Type": [2, 5, 4, 3], "Value": "*.kyverno.svc"}]
    assert out["NotBefore"] == "2022-10-10T11:46:32Z"
    assert out["NotAfter"] == "2023-10-10T11:46:32Z"
    assert out["IsCA"] is True and out["MaxPathLen"] == -1
    assert out["PublicKey"]["E"] == 65537 and out["PublicKey"]["N"].isdigit()
    assert out["DNSNames"] == ["kyverno.svc"]
    assert out["SerialNumber"] == 7 and out["SignatureAlgorithm"] == 4


def test_x509_decode_rejects_non_pem() -> None:
    with pytest.raises(JMESError, match="failed to decode PEM block"):
        search("x509_decode('nope')", {})
