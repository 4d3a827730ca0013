"""Kubernetes URL library (apiserver/pkg/cel/library/urls.go): `url()`, `isURL()` and the
getters getScheme, getHost, getHostname, getPort, getEscapedPath, getQuery.

`url()` follows Go's `url.ParseRequestURI`: the text must be an absolute URI or an
absolute path; a fragment is not allowed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import no_such_overload


class URL:
    __slots__ = ("host", "path", "query", "scheme", "text")
    cel_type = "kubernetes.URL"

    def __init__(self, text: str, scheme: str, host: str, path: str, query: str) -> None:
        self.text, self.scheme, self.host, self.path, self.query = text, scheme, host, path, query

    def __eq__(self, other: object) -> bool:
        return isinstance(other, URL) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def cel_string(self) -> str:
        return self.text


def _parse(text: str) -> URL | None:
    if not text or "#" in text or any(ord(c) < 0x20 or c == " " for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme:
        if not parts.netloc and not parts.path:
            return None
    elif not text.startswith("/"):
        return None
    return URL(text, parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query)


@cel_function("url", glob=True)
def url(text: Any) -> URL:
    if type(text) is not str:
        raise no_such_overload()
    parsed = _parse(text)
    if parsed is None:
        raise CelEvalError(
            f"URL parse error during conversion from string: parse {text!r}: invalid URI for request"
        )
    return parsed


@cel_function("isURL", glob=True)
def is_url(text: Any) -> bool:
    if type(text) is not str:
        raise no_such_overload()
    return _parse(text) is not None


def _u(value: Any) -> URL:
    if type(value) is not URL:
        raise no_such_overload()
    return value


def _split_host(host: str) -> tuple[str, str]:
    if host.startswith("["):
        end = host.find("]")
        name = host[1:end]
        rest = host[end + 1 :]
        return name, rest[1:] if rest.startswith(":") else ""
    name, sep, port = host.rpartition(":")
    return (name, port) if sep else (host, "")


@cel_function("getScheme", member=True)
def get_scheme(u: Any) -> str:
    return _u(u).scheme


@cel_function("getHost", member=True)
def get_host(u: Any) -> str:
    return _u(u).host


@cel_function("getHostname", member=True)
def get_hostname(u: Any) -> str:
    return _split_host(_u(u).host)[0]


@cel_function("getPort", member=True)
def get_port(u: Any) -> str:
    return _split_host(_u(u).host)[1]


@cel_function("getEscapedPath", member=True)
def get_escaped_path(u: Any) -> str:
    return _u(u).path


@cel_function("getQuery", member=True)
def get_query(u: Any) -> dict[str, list[str]]:
    return parse_qs(_u(u).query, keep_blank_values=True)
