"""Kubernetes format library (apiserver/pkg/cel/library/format.go, >= 1.31):
`format.dns1123Label().validate(s)` returns `optional.none()` when valid, else
`optional.of([messages])` with apimachinery's validation messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import NONE, Optional, no_such_overload

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL = re.compile(f"^{_LABEL}$")
_DNS1123_SUBDOMAIN = re.compile(f"^{_LABEL}(\\.{_LABEL})*$")
_DNS1035_LABEL = re.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_PART = re.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_UUID = re.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _dns1123_label(s: str) -> list[str]:
    errs = []
    if len(s) > 63:
        errs.append("must be no more than 63 characters")
    if not _DNS1123_LABEL.match(s):
        errs.append(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
            "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
            "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        )
    return errs


def _dns1123_subdomain(s: str) -> list[str]:
    errs = []
    if len(s) > 253:
        errs.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN.match(s):
        errs.append(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            "and must start and end with an alphanumeric character (e.g. 'example.com', "
            "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        )
    return errs


def _dns1035_label(s: str) -> list[str]:
    errs = []
    if len(s) > 63:
        errs.append("must be no more than 63 characters")
    if not _DNS1035_LABEL.match(s):
        errs.append(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
            "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        )
    return errs


def _label_value(s: str) -> list[str]:
    errs = []
    if len(s) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_VALUE.match(s):
        errs.append(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
            "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        )
    return errs


def _qualified_name(s: str) -> list[str]:
    prefix, sep, name = s.rpartition("/")
    errs = []
    if sep and not prefix:
        errs.append("prefix part must be non-empty")
    elif sep:
        errs.extend("prefix part " + e for e in _dns1123_subdomain(prefix))
    if not name:
        errs.append("name part must be non-empty")
    else:
        if len(name) > 63:
            errs.append("name part must be no more than 63 characters")
        if not _QUALIFIED_PART.match(name):
            errs.append(
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            )
    return errs


def _uuid(s: str) -> list[str]:
    return [] if _UUID.match(s) else ["does not match the UUID format"]


class Format:
    __slots__ = ("check", "name")
    cel_type = "kubernetes.NamedFormat"

    def __init__(self, name: str, check: Callable[[str], list[str]]) -> None:
        self.name = name
        self.check = check


FORMATS = {
    "dns1123Label": Format("dns1123Label", _dns1123_label),
    "dns1123Subdomain": Format("dns1123Subdomain", _dns1123_subdomain),
    "dns1035Label": Format("dns1035Label", _dns1035_label),
    "qualifiedName": Format("qualifiedName", _qualified_name),
    "labelValue": Format("labelValue", _label_value),
    "uuid": Format("uuid", _uuid),
}


def _register(name: str, fmt: Format) -> None:
    cel_function(f"format.{name}", glob=True)(lambda: fmt)


for _name, _fmt in FORMATS.items():
    _register(_name, _fmt)


@cel_function("format.named", glob=True)
def named(name: Any) -> Optional:
    if type(name) is not str:
        raise no_such_overload()
    fmt = FORMATS.get(name)
    return Optional.of(fmt) if fmt is not None else NONE


@cel_function("validate", member=True)
def validate(fmt: Any, value: Any) -> Optional:
    if type(fmt) is not Format or type(value) is not str:
        raise no_such_overload()
    errs = fmt.check(value)
    return Optional.of(errs) if errs else NONE
