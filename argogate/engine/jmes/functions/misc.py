"""Object, path and misc functions: lookup, items, object_from_lists, label_match, to_boolean,
path_canonicalize, truncate, random, is_external_url (kyverno functions.go)."""

from __future__ import annotations

import ipaddress
import posixpath
import random as _random
import re
import string
from typing import Any
from urllib.parse import urlsplit

from argogate.engine.jmes.errors import JMESError
from argogate.engine.jmes.functions._common import (
    FunctionEntry,
    arg_type_error,
    fail,
    iface_to_string,
    int_number,
    signature,
    want_num,
    want_str,
)

S = {"types": ["string"]}
OA = {"types": ["object", "array"]}

ENTRIES = (
    FunctionEntry(
        "label_match",
        ("object", "object"),
        "bool",
        "object arguments must be enclosed in backticks; ex. `{{request.object.spec.template.metadata.labels}}`",
        'label_match(`{"dog": "lab"}`, `{"dog": "lab", "color": "tan"}`)',
    ),
    FunctionEntry(
        "to_boolean",
        ("string",),
        "bool",
        "It returns true or false for any string, such as 'True', 'TruE', 'False', 'FAlse', 'faLSE', etc.",
        "to_boolean('FalsE') == `false`",
    ),
    FunctionEntry(
        "path_canonicalize",
        ("string",),
        "string",
        "normalizes or canonicalizes a given path by removing excess slashes",
        "path_canonicalize('/var//lib///kubelet') == '/var/lib/kubelet'",
    ),
    FunctionEntry(
        "truncate",
        ("string", "number"),
        "string",
        'length argument must be enclosed in backticks; ex. "{{request.object.metadata.name | truncate(@, `9`)}}"',
        "truncate('foobar', `3`) == 'foo'",
    ),
    FunctionEntry(
        "lookup",
        ("object|array", "string|number"),
        "any",
        "returns the value corresponding to the given key/index in the given object/array",
        'lookup(`{"key1": "value1", "key2": "value2"}`, \'key2\')',
    ),
    FunctionEntry(
        "items",
        ("object|array", "string", "string"),
        "array",
        "converts a map or array to an array of objects where each key:value is an item in the array",
        "items(`{\"team\": \"apple\"}`, 'key', 'value')",
    ),
    FunctionEntry(
        "object_from_lists",
        ("array", "array"),
        "object",
        "converts a pair of lists containing keys and values to an object",
        "object_from_lists(['a', 'b'], [`1`, `2`])",
    ),
    FunctionEntry(
        "random", ("string",), "string", "Generates a random sequence of characters", "random('[a-z0-9]{6}')"
    ),
    FunctionEntry(
        "is_external_url",
        ("string",),
        "bool",
        "determine if a URL points to an external network address",
        "is_external_url('http://10.0.0.1')",
    ),
)


def _go_equal(a: Any, b: Any) -> bool:
    """Go `!=` on interface{} values: same dynamic type and value (bool is not a number)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num):
        return bool(a == b)
    return type(a) is type(b) and isinstance(a, str) and a == b


class MiscFunctions:
    @signature({"types": ["object"]}, {"types": ["object"]})
    def _func_label_match(self, labels: dict[str, Any], match: dict[str, Any]) -> bool:
        return all(k in match and _go_equal(match[k], v) for k, v in labels.items())

    @signature(S)
    def _func_to_boolean(self, s: str) -> bool:
        low = s.lower()
        if low in ("true", "false"):
            return low == "true"
        raise fail("to_boolean", f"lowercase argument must be 'true' or 'false' (provided: '{s}')")

    @signature(S)
    def _func_path_canonicalize(self, s: str) -> str:
        # filepath.Join(s) == filepath.Clean(s) for a non-empty s, "" otherwise
        return posixpath.normpath(s).replace("//", "/") if s else ""

    @signature(S, {"types": ["number"]})
    def _func_truncate(self, s: str, length: Any) -> str:
        n = max(0, int(want_num("truncate", (s, length), 1)))
        return s[:n]

    @signature(OA, {"types": ["string", "number"]})
    def _func_lookup(self, obj: Any, key: Any) -> Any:
        if isinstance(obj, dict):
            if not isinstance(key, str):
                raise arg_type_error("lookup", 2, "String")
            return obj.get(key)
        if isinstance(key, bool) or not isinstance(key, (int, float)):
            raise arg_type_error("lookup", 2, "Number")
        try:
            index = int_number(float(key))
        except ValueError as e:
            raise JMESError(f"JMESPath function 'lookup': argument #2: {e}") from None
        return obj[index] if 0 <= index < len(obj) else None

    @signature(OA, S, S)
    def _func_items(self, obj: Any, key_name: str, val_name: str) -> list[dict[str, Any]]:
        if isinstance(obj, dict):
            return [{key_name: k, val_name: obj[k]} for k in sorted(obj)]
        return [{key_name: float(i), val_name: v} for i, v in enumerate(obj)]

    @signature({"types": ["array"]}, {"types": ["array"]})
    def _func_object_from_lists(self, keys: list[Any], values: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, k in enumerate(keys):
            key = iface_to_string(k)
            if key is None:
                raise arg_type_error("object_from_lists", 1, "StringArray")
            out[key] = values[i] if i < len(values) else None
        return out

    @signature(S)
    def _func_random(self, pattern: str) -> str:
        if pattern == "":
            raise JMESError("no pattern provided")
        return _generate(pattern)

    @signature(S)
    def _func_is_external_url(self, url: str) -> bool:
        want_str("is_external_url", (url,), 0)
        try:
            host = urlsplit(url).hostname or ""
        except ValueError as e:
            raise JMESError(str(e)) from None
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            # Kyverno resolves the name with DNS; the engine does no I/O, so only
            # names that resolve without a network are decided here.
            if host == "localhost" or host.endswith(".localhost"):
                return False
            raise JMESError(f"lookup {host}: name resolution is not available offline") from None
        return not (ip.is_loopback or ip.is_private)


_CLASS = re.compile(r"\[([^\]]+)\]|\\d|\\w|.", re.DOTALL)
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}|[*+?]")


def _expand_class(body: str) -> str:
    chars: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            chars.extend(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            chars.append(body[i])
            i += 1
    return "".join(chars)


def _generate(pattern: str) -> str:
    """A small subset of goregen: literals, [classes], \\d, \\w, with {n}, {n,m}, *, +, ?."""
    rng = _random.SystemRandom()
    out = []
    pos = 0
    while pos < len(pattern):
        m = _CLASS.match(pattern, pos)
        assert m is not None
        tok = m.group(0)
        pool = (
            _expand_class(m.group(1))
            if m.group(1)
            else string.digits
            if tok == "\\d"
            else string.ascii_letters + string.digits + "_"
            if tok == "\\w"
            else None
        )
        pos = m.end()
        lo = hi = 1
        r = _REPEAT.match(pattern, pos)
        if r:
            if r.group(0) in ("*", "+", "?"):
                lo, hi = {"*": (0, 10), "+": (1, 10), "?": (0, 1)}[r.group(0)]
            else:
                lo = int(r.group(1))
                hi = lo if r.group(2) is None else int(r.group(2) or lo + 10)
            pos = r.end()
        for _ in range(rng.randint(lo, hi)):
            out.append(rng.choice(pool) if pool else tok)
    return "".join(out)
