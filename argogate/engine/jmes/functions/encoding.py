"""Encoding functions: base64, parse_json/parse_yaml, sha256, x509_decode (kyverno functions.go)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import yaml

from argogate.engine.jmes.errors import JMESError
from argogate.engine.jmes.functions._common import FunctionEntry, signature, want_str
from argogate.yamlio import K8sLoader

S = {"types": ["string"]}

ENTRIES = (
    FunctionEntry(
        "base64_decode",
        ("string",),
        "string",
        "decodes a base 64 string",
        "base64_decode('aGVsbG8=') == 'hello'",
    ),
    FunctionEntry(
        "base64_encode",
        ("string",),
        "string",
        "encodes a regular, plaintext and unencoded string to base64",
        "base64_encode('hello')",
    ),
    FunctionEntry(
        "parse_json",
        ("string",),
        "any",
        "decodes a valid JSON encoded string to the appropriate type. Opposite of `to_string` function",
        'parse_json(\'["1001","1002"]\')',
    ),
    FunctionEntry(
        "parse_yaml",
        ("string",),
        "any",
        "decodes a valid YAML encoded string to the appropriate type provided it can be represented as JSON",
        "parse_yaml('a: 1').a",
    ),
    FunctionEntry(
        "sha256",
        ("string",),
        "string",
        "generates a SHA-256 hash of the input string",
        "sha256('alertmanager-kube-prometheus-stack-alertmanager')",
    ),
    FunctionEntry(
        "x509_decode",
        ("string",),
        "object",
        "decodes an x.509 certificate to an object. you may also use this in conjunction with "
        "`base64_decode` jmespath function to decode a base64-encoded certificate",
        'x509_decode(base64_decode(data."tls.crt")).NotAfter',
    ),
)


def _jsonable(v: Any) -> Any:
    """YAMLToJSON: map keys become strings; non-JSON scalars become their text."""
    if isinstance(v, dict):
        return {
            ("null" if k is None else str(k).lower() if isinstance(k, bool) else str(k)): _jsonable(x)
            for k, x in v.items()
        }
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


class EncodingFunctions:
    @signature(S)
    def _func_base64_decode(self, s: str) -> str:
        try:
            # base64.StdEncoding: padding required; \r and \n are ignored
            raw = base64.b64decode(s.replace("\r", "").replace("\n", ""), validate=True)
        except (binascii.Error, ValueError) as e:
            raise JMESError(f"illegal base64 data: {e}") from None
        return raw.decode("utf-8", errors="replace")

    @signature(S)
    def _func_base64_encode(self, s: str) -> str:
        return base64.b64encode(s.encode()).decode()

    @signature(S)
    def _func_parse_json(self, s: str) -> Any:
        try:
            return json.loads(s)
        except json.JSONDecodeError as e:
            raise JMESError(f"JMESPath function 'parse_json': {e}") from None

    @signature(S)
    def _func_parse_yaml(self, s: str) -> Any:
        try:
            return _jsonable(yaml.load(s, Loader=K8sLoader))
        except yaml.YAMLError as e:
            raise JMESError(f"error converting YAML to JSON: {e}") from None

    @signature(S)
    def _func_sha256(self, s: str) -> str:
        import hashlib  # here, not at the top: loading OpenSSL cost every start-up 2 ms

        return hashlib.sha256(s.encode()).hexdigest()

    @signature(S)
    def _func_x509_decode(self, s: str) -> Any:
        from argogate.engine.jmes.functions._x509 import decode

        return decode(want_str("x509_decode", (s,), 0))
