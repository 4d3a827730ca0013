"""x509_decode: a PEM certificate or CSR as the JSON Go's `encoding/json` makes of `x509.Certificate`.

Kyverno (functions.go jpX509Decode) accepts RSA keys only and replaces `PublicKey` by
`{N: <decimal string>, E: <int>}`. Field names, enum numbers and nil-slice `null`s follow
Go's crypto/x509 so that policies written against Kyverno's output keep working. Needs the
`cryptography` package; without it the function fails with a clear message.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from argogate.engine.jmes.errors import JMESError

# crypto/x509 SignatureAlgorithm and ExtKeyUsage enums
_SIG_ALGS = {
    "md2WithRSAEncryption": 1,
    "md5WithRSAEncryption": 2,
    "sha1WithRSAEncryption": 3,
    "sha256WithRSAEncryption": 4,
    "sha384WithRSAEncryption": 5,
    "sha512WithRSAEncryption": 6,
    "dsa-with-sha1": 7,
    "dsa-with-sha256": 8,
    "ecdsa-with-SHA1": 9,
    "ecdsa-with-SHA256": 10,
    "ecdsa-with-SHA384": 11,
    "ecdsa-with-SHA512": 12,
    "RSASSA-PSS": 13,
    "ed25519": 16,
}
_EXT_KEY_USAGE = {
    "2.5.29.37.0": 0,
    "1.3.6.1.5.5.7.3.1": 1,
    "1.3.6.1.5.5.7.3.2": 2,
    "1.3.6.1.5.5.7.3.3": 3,
    "1.3.6.1.5.5.7.3.4": 4,
    "1.3.6.1.5.5.7.3.5": 5,
    "1.3.6.1.5.5.7.3.6": 6,
    "1.3.6.1.5.5.7.3.7": 7,
    "1.3.6.1.5.5.7.3.8": 8,
    "1.3.6.1.5.5.7.3.9": 9,
}
_NAME_FIELDS = {
    "2.5.4.6": "Country",
    "2.5.4.10": "Organization",
    "2.5.4.11": "OrganizationalUnit",
    "2.5.4.7": "Locality",
    "2.5.4.8": "Province",
    "2.5.4.9": "StreetAddress",
    "2.5.4.17": "PostalCode",
}


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _oid(dotted: str) -> list[int]:
    return [int(p) for p in dotted.split(".")]


def _name(name: Any) -> dict[str, Any]:
    out: dict[str, Any] = {k: None for k in _NAME_FIELDS.values()}
    out.update({"SerialNumber": "", "CommonName": "", "Names": [], "ExtraNames": None})
    for attr in name:
        oid = attr.oid.dotted_string
        out["Names"].append({"Type": _oid(oid), "Value": attr.value})
        if oid == "2.5.4.3":
            out["CommonName"] = attr.value
        elif oid == "2.5.4.5":
            out["SerialNumber"] = attr.value
        elif oid in _NAME_FIELDS:
            field = _NAME_FIELDS[oid]
            out[field] = [*(out[field] or []), attr.value]
    if not out["Names"]:
        out["Names"] = None
    return out


def _time(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rsa_public_key(obj: Any) -> dict[str, Any]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = obj.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise JMESError("certificate should use rsa algorithm")
    numbers = key.public_numbers()
    return {"N": str(numbers.n), "E": numbers.e}


def _sans(ext_value: Any) -> dict[str, Any]:
    from cryptography import x509

    dns = ext_value.get_values_for_type(x509.DNSName) or None
    emails = ext_value.get_values_for_type(x509.RFC822Name) or None
    ips = [str(ip) for ip in ext_value.get_values_for_type(x509.IPAddress)] or None
    uris = ext_value.get_values_for_type(x509.UniformResourceIdentifier) or None
    return {"DNSNames": dns, "EmailAddresses": emails, "IPAddresses": ips, "URIs": uris}


def _certificate(cert: Any) -> dict[str, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    out: dict[str, Any] = {
        "Raw": _b64(cert.public_bytes(Encoding.DER)),
        "RawTBSCertificate": _b64(cert.tbs_certificate_bytes),
        "RawSubjectPublicKeyInfo": _b64(
            cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        ),
        "RawSubject": _b64(cert.subject.public_bytes()),
        "RawIssuer": _b64(cert.issuer.public_bytes()),
        "Signature": _b64(cert.signature),
        "SignatureAlgorithm": _SIG_ALGS.get(cert.signature_algorithm_oid._name, 0),
        "PublicKeyAlgorithm": 1,
        "PublicKey": _rsa_public_key(cert),
        "Version": cert.version.value + 1,
        "SerialNumber": cert.serial_number,
        "Issuer": _name(cert.issuer),
        "Subject": _name(cert.subject),
        "NotBefore": _time(cert.not_valid_before_utc),
        "NotAfter": _time(cert.not_valid_after_utc),
        "KeyUsage": 0,
        "Extensions": [],
        "ExtraExtensions": None,
        "UnhandledCriticalExtensions": None,
        "ExtKeyUsage": None,
        "UnknownExtKeyUsage": None,
        "BasicConstraintsValid": False,
        "IsCA": False,
        "MaxPathLen": 0,
        "MaxPathLenZero": False,
        "SubjectKeyId": None,
        "AuthorityKeyId": None,
        "OCSPServer": None,
        "IssuingCertificateURL": None,
        "DNSNames": None,
        "EmailAddresses": None,
        "IPAddresses": None,
        "URIs": None,
        "PermittedDNSDomainsCritical": False,
        "PermittedDNSDomains": None,
        "ExcludedDNSDomains": None,
        "PermittedIPRanges": None,
        "ExcludedIPRanges": None,
        "PermittedEmailAddresses": None,
        "ExcludedEmailAddresses": None,
        "PermittedURIDomains": None,
        "ExcludedURIDomains": None,
        "CRLDistributionPoints": None,
        "PolicyIdentifiers": None,
    }
    for ext in cert.extensions:
        out["Extensions"].append(
            {
                "Id": _oid(ext.oid.dotted_string),
                "Critical": ext.critical,
                "Value": _b64(ext.value.public_bytes()),
            }
        )
        value = ext.value
        if isinstance(value, x509.BasicConstraints):
            out["BasicConstraintsValid"] = True
            out["IsCA"] = value.ca
            out["MaxPathLen"] = -1 if value.path_length is None else value.path_length
            out["MaxPathLenZero"] = value.path_length == 0
        elif isinstance(value, x509.KeyUsage):
            out["KeyUsage"] = _key_usage_bits(value)
        elif isinstance(value, x509.ExtendedKeyUsage):
            out["ExtKeyUsage"] = [
                _EXT_KEY_USAGE[u.dotted_string] for u in value if u.dotted_string in _EXT_KEY_USAGE
            ]
        elif isinstance(value, x509.SubjectAlternativeName):
            out.update(_sans(value))
        elif isinstance(value, x509.SubjectKeyIdentifier):
            out["SubjectKeyId"] = _b64(value.digest)
        elif isinstance(value, x509.AuthorityKeyIdentifier):
            out["AuthorityKeyId"] = _b64(value.key_identifier)
    return out


def _key_usage_bits(ku: Any) -> int:
    flags = [
        ku.digital_signature,
        ku.content_commitment,
        ku.key_encipherment,
        ku.data_encipherment,
        ku.key_agreement,
        ku.key_cert_sign,
        ku.crl_sign,
    ]
    if ku.key_agreement:
        flags += [ku.encipher_only, ku.decipher_only]
    return sum(1 << i for i, f in enumerate(flags) if f)


def _csr(csr: Any) -> dict[str, Any]:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    out: dict[str, Any] = {
        "Raw": _b64(csr.public_bytes(Encoding.DER)),
        "RawTBSCertificateRequest": _b64(csr.tbs_certrequest_bytes),
        "RawSubjectPublicKeyInfo": _b64(
            csr.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        ),
        "RawSubject": _b64(csr.subject.public_bytes()),
        "Version": 0,
        "Signature": _b64(csr.signature),
        "SignatureAlgorithm": _SIG_ALGS.get(csr.signature_algorithm_oid._name, 0),
        "PublicKeyAlgorithm": 1,
        "PublicKey": _rsa_public_key(csr),
        "Subject": _name(csr.subject),
        "Attributes": None,
        "Extensions": [
            {"Id": _oid(e.oid.dotted_string), "Critical": e.critical, "Value": _b64(e.value.public_bytes())}
            for e in csr.extensions
        ]
        or None,
        "ExtraExtensions": None,
        "DNSNames": None,
        "EmailAddresses": None,
        "IPAddresses": None,
        "URIs": None,
    }
    from cryptography import x509

    for ext in csr.extensions:
        if isinstance(ext.value, x509.SubjectAlternativeName):
            out.update(_sans(ext.value))
    return out


def decode(pem: str) -> dict[str, Any]:
    try:
        from cryptography import x509
    except ImportError:  # pragma: no cover - depends on the environment
        raise JMESError(
            "JMESPath function 'x509_decode': the 'cryptography' package is not installed"
        ) from None
    begin = pem.find("-----BEGIN ")
    if begin < 0:
        raise JMESError("failed to decode PEM block")
    kind = pem[begin + 11 : pem.find("-----", begin + 11)]
    try:
        if kind == "CERTIFICATE":
            return _certificate(x509.load_pem_x509_certificate(pem[begin:].encode()))
        if kind == "CERTIFICATE REQUEST":
            return _csr(x509.load_pem_x509_csr(pem[begin:].encode()))
    except ValueError as e:
        raise JMESError(f"x509: {e}") from None
    raise JMESError("PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST")
